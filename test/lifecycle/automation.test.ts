import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { handleScheduled, MINUTE_CRON } from "../../src/jobs/cron";
import { lifecycleContext } from "../../src/lifecycle/context";
import { applyTransitions } from "../../src/lifecycle/transitions";
import { api } from "../helpers/api";
import { HaloDirect } from "../helpers/halo-direct";
import type { SandboxTenant } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";

interface Lead {
  id: string;
  stage: string;
  status: string;
  halopsa: { ticket_id: number };
}
interface AuditEntries {
  entries: { actor: string; action: string; rule: string; detail: Record<string, unknown> }[];
}
interface CallBody {
  automation: { rule: string; to: { stage: string; status: string }; applied: boolean }[];
}

let tenant: SandboxTenant;
let auth: Record<string, string>;
let halo: HaloDirect;

beforeAll(async () => {
  ({ tenant, auth } = await tenantApp("automation"));
  halo = new HaloDirect(tenant);
});

const QUALIFICATION = {
  pain_points: "Manual lead handling",
  qualified_services: "Managed CRM",
  decision_maker: true,
  budget_range: "50000-100000",
  timeframe: "Q1",
  fit_score: 82,
};

let people = 0;
async function newLead(): Promise<Lead> {
  people += 1;
  const res = await api<{ lead_id: string }>("/sync/leads", {
    method: "POST",
    headers: auth,
    json: {
      source: "generic",
      data: {
        first_name: "Auto",
        last_name: `Mation${people}`,
        email: `auto${people}@automation.example`,
        company: "Automation Ltd",
      },
    },
  });
  expect(res.status).toBe(201);
  return lead(res.body.lead_id);
}

const lead = async (id: string) => (await api<Lead>(`/leads/${id}`, { headers: auth })).body;

/** A salesperson's work: the lead walked to Engaged, with (some) qualification data recorded. */
async function engage(id: string, qualification: Record<string, unknown>) {
  const ctx = await lifecycleContext(env, { requestId: null, maxWaitMs: 5_000 });
  const [result] = await applyTransitions(
    ctx,
    [{ lead_id: id, to: { stage: "lead", status: "engaged" }, multi_step: true, qualification }],
    { kind: "api_key", key_id: "test" },
  );
  expect(result?.ok, JSON.stringify(result)).toBe(true);
}

async function minuteCron() {
  const ctx = createExecutionContext();
  await handleScheduled(
    createScheduledController({ cron: MINUTE_CRON, scheduledTime: Date.now() }),
    env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
}

const setRules = (automation: Record<string, boolean>) =>
  api("/config", { method: "PUT", headers: auth, json: { automation } });

describe("auto_promotion", () => {
  it("converts an engaged lead with complete qualification data on the minute cron", async () => {
    const ready = await newLead();
    const incomplete = await newLead();
    await engage(ready.id, QUALIFICATION);
    await engage(incomplete.id, { ...QUALIFICATION, fit_score: undefined });
    await minuteCron();

    const promoted = await lead(ready.id);
    expect([promoted.stage, promoted.status]).toEqual(["prospect", "new_prospect"]);
    const ticket = await halo.get(`Tickets/${ready.halopsa.ticket_id}`);
    expect([ticket.tickettype_id, ticket.status_id]).toEqual([2, 10]);
    const audit = await api<AuditEntries>(`/audit?lead_id=${ready.id}&action=lead.transition`, {
      headers: auth,
    });
    expect(audit.body.entries[0]).toMatchObject({
      actor: "rule:auto_promotion",
      rule: "auto_promotion",
      detail: { to: { stage: "prospect", status: "new_prospect" }, conversion: true },
    });
    // Rule 4 of the seed: a lead missing a criterion stays where it is until someone records it.
    const waiting = await lead(incomplete.id);
    expect([waiting.stage, waiting.status]).toEqual(["lead", "engaged"]);
  });

  it("leaves engaged leads alone when it is off", async () => {
    await setRules({ auto_promotion: false });
    const l = await newLead();
    await engage(l.id, QUALIFICATION);
    await minuteCron();
    const after = await lead(l.id);
    expect([after.stage, after.status]).toEqual(["lead", "engaged"]);
    await setRules({ auto_promotion: true });
    await minuteCron();
    expect((await lead(l.id)).stage).toBe("prospect");
  });

  it("promotes right after a call makes a qualified lead engaged", async () => {
    const l = await newLead();
    // Qualification recorded while the lead is still being worked (contacted).
    const ctx = await lifecycleContext(env, { requestId: null, maxWaitMs: 5_000 });
    await applyTransitions(
      ctx,
      [
        {
          lead_id: l.id,
          to: { stage: "lead", status: "contacted" },
          multi_step: true,
          qualification: QUALIFICATION,
        },
      ],
      { kind: "api_key", key_id: "test" },
    );
    const res = await api<CallBody>("/calls", {
      method: "POST",
      headers: auth,
      json: {
        lead_id: l.id,
        occurred_at: "2026-11-30T09:00:00Z",
        direction: "outbound",
        dialled_number: "+1 212 555 0199",
        duration_seconds: 600,
        agent: "Sam Seller",
        outcome: "meeting_booked",
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.automation.map((s) => [s.rule, s.to.status, s.applied])).toEqual([
      ["call_outcomes", "engaged", true],
      ["auto_promotion", "new_prospect", true],
    ]);
    expect((await lead(l.id)).stage).toBe("prospect");
  });
});
