import { beforeAll, describe, expect, it } from "vitest";
import type { LifecycleState } from "../../src/domain/lifecycle";
import { api } from "../helpers/api";
import { HaloDirect } from "../helpers/halo-direct";
import type { SandboxStats, SandboxTenant } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";
import { seedLeads } from "./seed";

// HaloPSA calls per transition, counted by the sandbox (requests_by_route, every request the
// tenant served). Counted: GET /api/tickets (the batched read), POST /api/tickets (the write),
// POST /api/actions (the private notes, budgeted apart). Token requests (/auth/token) are
// HaloGate's and cached for the hour, so they are not per transition; the test asserts there is
// nothing else.

let tenant: SandboxTenant;
let auth: Record<string, string>;
let halo: HaloDirect;

beforeAll(async () => {
  const app = await tenantApp("lifecycle-calls");
  tenant = app.tenant;
  auth = app.auth;
  halo = new HaloDirect(tenant);
});

function delta(before: SandboxStats, after: SandboxStats): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [route, n] of Object.entries(after.requests_by_route)) {
    const d = n - (before.requests_by_route[route] ?? 0);
    if (d > 0 && !route.includes("/auth/")) out[route] = d;
  }
  return out;
}

describe("HaloPSA calls per transition", () => {
  it("one transition: one read, one write, one notes POST", async () => {
    const [lead] = await seedLeads(halo, [{ stage: "lead", status: "new_lead" }], "one");
    const before = await tenant.stats();
    const res = await api(`/leads/${lead?.id}/status`, {
      method: "PUT",
      headers: auth,
      json: { status: "researching" },
    });
    expect(res.status).toBe(200);
    expect(delta(before, await tenant.stats())).toEqual({
      "GET /api/tickets": 1,
      "POST /api/tickets": 1,
      "POST /api/actions": 1,
    });
  });

  it("an illegal transition costs one read and writes nothing", async () => {
    const [lead] = await seedLeads(halo, [{ stage: "lead", status: "new_lead" }], "illegal");
    const before = await tenant.stats();
    const res = await api(`/leads/${lead?.id}/status`, {
      method: "PUT",
      headers: auth,
      json: { status: "engaged" },
    });
    expect(res.status).toBe(409);
    expect(delta(before, await tenant.stats())).toEqual({ "GET /api/tickets": 1 });
  });

  it("100 transitions in one request: one read and two POSTs", async () => {
    const states: LifecycleState[] = Array.from({ length: 100 }, (_, i) =>
      i % 2 === 0
        ? { stage: "lead", status: "contacted" }
        : { stage: "opportunity", status: "negotiation" },
    );
    const leads = await seedLeads(halo, states, "hundred");
    const before = await tenant.stats();
    const res = await api<{ succeeded: number; failed: number }>("/lifecycle/transitions", {
      method: "POST",
      headers: { ...auth, "Idempotency-Key": "lifecycle-hundred-1" },
      json: {
        transitions: leads.map((l) =>
          l.state.stage === "lead"
            ? { lead_id: l.id, to: "lead.engaged", reason: "Replied" }
            : { lead_id: l.id, to: "opportunity.won", reason: "Signed" },
        ),
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ succeeded: 100, failed: 0 });
    const calls = delta(before, await tenant.stats());
    expect(calls).toEqual({
      "GET /api/tickets": 1,
      "POST /api/tickets": 1,
      "POST /api/actions": 1,
    });
    const posts = Object.entries(calls)
      .filter(([route]) => route.startsWith("POST"))
      .reduce((n, [, c]) => n + c, 0);
    expect(posts).toBeLessThanOrEqual(3);
    console.log(JSON.stringify({ lifecycle_calls: { transitions: 100, ...calls } }));
    const t = (await halo.get(`Tickets/${leads[1]?.ticketId}`)) as { status_id: number };
    expect(t.status_id).toBe(23);
  });

  it("notes switched off: one read and one write", async () => {
    const patched = await api("/config", {
      method: "PUT",
      headers: auth,
      json: { halopsa: { transition_notes: false } },
    });
    expect(patched.status).toBe(200);
    const [lead] = await seedLeads(halo, [{ stage: "lead", status: "new_lead" }], "quiet");
    const before = await tenant.stats();
    const res = await api<{ halopsa: { note_ids: number[] } }>(`/leads/${lead?.id}/status`, {
      method: "PUT",
      headers: auth,
      json: { status: "researching" },
    });
    expect(res.status).toBe(200);
    expect(res.body.halopsa.note_ids).toEqual([]);
    expect(delta(before, await tenant.stats())).toEqual({
      "GET /api/tickets": 1,
      "POST /api/tickets": 1,
    });
  });
});
