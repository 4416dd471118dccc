import { beforeAll, describe, expect, it } from "vitest";
import {
  allowedNext,
  checkTransition,
  type LifecycleState,
  lifecycleStates,
} from "../../src/domain/lifecycle";
import { api } from "../helpers/api";
import { HaloDirect } from "../helpers/halo-direct";
import { tenantApp } from "../helpers/tenant-app";
import { haloIdsOf, seedLeads } from "./seed";

// Every illegal transition, generated from the state machine, answers 409 with `allowed`; and
// nothing is written for it.

interface ErrorBody {
  error: {
    code: string;
    details: {
      field?: string;
      current?: unknown;
      allowed?: LifecycleState[];
      missing?: { field: string; criterion: string }[];
    };
  };
}
interface BatchBody {
  succeeded: number;
  failed: number;
  results: { index: number; ok: boolean; error?: ErrorBody["error"] }[];
}

let auth: Record<string, string>;
let halo: HaloDirect;
let seeded: { id: string; ticketId: number; state: LifecycleState }[];
const key = (s: { stage: string; status: string }) => `${s.stage}.${s.status}`;
const states = lifecycleStates();

beforeAll(async () => {
  const app = await tenantApp("lifecycle-illegal");
  auth = app.auth;
  halo = new HaloDirect(app.tenant);
  seeded = await seedLeads(halo, states, "illegal");
});

describe("illegal transitions", () => {
  it("every illegal pair in one batch per target: INVALID_TRANSITION with current and allowed", async () => {
    let illegal = 0;
    for (const to of states) {
      // Only the illegal moves: legal ones would move the seeded records under later targets.
      const items = seeded.filter(
        (s) => key(s.state) !== key(to) && !checkTransition(s.state, to).ok,
      );
      if (items.length === 0) continue;
      const res = await api<BatchBody>("/lifecycle/transitions", {
        method: "POST",
        headers: auth,
        json: { transitions: items.map((s) => ({ lead_id: s.id, to: key(to) })) },
      });
      expect(res.status).toBe(200);
      expect(res.body.failed).toBe(items.length);
      items.forEach((s, i) => {
        const r = res.body.results[i];
        illegal++;
        expect(r?.ok, `${key(s.state)} → ${key(to)}`).toBe(false);
        expect(r?.error?.code).toBe("INVALID_TRANSITION");
        expect(r?.error?.details.current).toEqual(s.state);
        expect(r?.error?.details.allowed).toEqual(allowedNext(s.state.stage, s.state.status));
      });
    }
    // 16 states × 15 others minus the seed's 15 arrows.
    expect(illegal).toBe(16 * 15 - 15);
    // Nothing moved in HaloPSA.
    for (const s of seeded) {
      const t = (await halo.get(`Tickets/${s.ticketId}`)) as {
        tickettype_id: number;
        status_id: number;
      };
      expect({ tickettype_id: t.tickettype_id, status_id: t.status_id }).toEqual(
        haloIdsOf(s.state),
      );
    }
  });

  it("the single routes answer 409 with allowed for every illegal move they can express", {
    timeout: 240_000,
  }, async () => {
    const fresh = await seedLeads(halo, states, "illegal-single");
    const routeFor = (s: { id: string; state: LifecycleState }, to: LifecycleState) => {
      if (to.stage === "lead")
        return { path: `/leads/${s.id}/status`, json: { status: to.status } };
      if (to.stage === "prospect") {
        return { path: `/prospects/${s.id}/status`, json: { status: to.status } };
      }
      // PUT /opportunities/{id} serves opportunities only (404 for others).
      if (s.state.stage === "opportunity") {
        return { path: `/opportunities/${s.id}`, json: { status: to.status, reason: "r" } };
      }
      return null;
    };
    let checked = 0;
    for (const s of fresh) {
      for (const to of states) {
        if (key(to) === key(s.state) || checkTransition(s.state, to).ok) continue;
        const route = routeFor(s, to);
        if (!route) continue;
        const res = await api<ErrorBody>(route.path, {
          method: "PUT",
          headers: auth,
          json: route.json,
        });
        expect(res.status, `${key(s.state)} → ${key(to)}`).toBe(409);
        expect(res.body.error.code).toBe("INVALID_TRANSITION");
        expect(res.body.error.details.allowed).toEqual(allowedNext(s.state.stage, s.state.status));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(150);
  });

  it("a conversion without qualification data names each missing criterion", async () => {
    const [engaged] = await seedLeads(halo, [{ stage: "lead", status: "engaged" }], "convert");
    const id = engaged?.id as string;
    const none = await api<ErrorBody>(`/prospects/convert/${id}`, {
      method: "POST",
      headers: auth,
      json: { qualification_data: {} },
    });
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe("VALIDATION_ERROR");
    expect(none.body.error.details.field).toBe("qualification_data.pain_points");
    expect(none.body.error.details.missing?.map((m) => m.criterion)).toEqual([
      "confirmed_pain_points",
      "budget_range_identified",
      "decision_maker_access",
      "implementation_timeframe",
      "fit_score",
    ]);
    const noTimeframe = await api<ErrorBody>(`/prospects/convert/${id}`, {
      method: "POST",
      headers: auth,
      json: {
        qualification_data: {
          pain_points: "Slow reporting",
          budget_range: "10k",
          decision_maker: true,
          fit_score: 90,
        },
      },
    });
    expect(noTimeframe.status).toBe(400);
    expect(noTimeframe.body.error.details.field).toBe("qualification_data.timeframe");
    expect(noTimeframe.body.error.details.missing).toHaveLength(1);
    // Still engaged: nothing was written.
    const t = (await halo.get(`Tickets/${engaged?.ticketId}`)) as { status_id: number };
    expect(t.status_id).toBe(4);
  });

  it("qualified needs the five criteria met and the required prospect fields", async () => {
    const [p] = await seedLeads(halo, [{ stage: "prospect", status: "prospecting" }], "qualify");
    const res = await api<ErrorBody>(`/prospects/${p?.id}/status`, {
      method: "PUT",
      headers: auth,
      json: {
        status: "qualified",
        qualification_data: {
          pain_points: "x",
          budget_range: "y",
          decision_maker: false,
          timeframe: "Q1",
          fit_score: 69,
        },
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.missing?.map((m) => m.field)).toEqual([
      "qualification_data.decision_maker",
      "qualification_data.fit_score",
      "qualification_data.qualified_services",
    ]);
  });

  it("won without a reason is refused", async () => {
    const [o] = await seedLeads(halo, [{ stage: "opportunity", status: "negotiation" }], "won");
    const res = await api<ErrorBody>(`/opportunities/${o?.id}`, {
      method: "PUT",
      headers: auth,
      json: { status: "won" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.field).toBe("reason");
    const t = (await halo.get(`Tickets/${o?.ticketId}`)) as { status_id: number };
    expect(t.status_id).toBe(22);
  });
});
