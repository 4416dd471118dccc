import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import { HaloDirect } from "../helpers/halo-direct";
import type { SandboxStats, SandboxTenant } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";

interface Call {
  id: string;
  lead_id: string;
  stage: string;
  status: string;
  dialled_number: string;
  outcome: string;
  halopsa: { ticket_id: number | null; action_id: number | null };
  automation: {
    rule: string;
    from: { stage: string; status: string };
    to: { stage: string; status: string };
    applied: boolean;
  }[];
}
interface ErrorBody {
  error: { code: string; details: { field?: string } };
}
interface Lead {
  id: string;
  stage: string;
  status: string;
  halopsa: { ticket_id: number };
}
interface AuditEntries {
  entries: { actor: string; action: string; rule: string; detail: Record<string, unknown> }[];
}

let tenant: SandboxTenant;
let auth: Record<string, string>;
let halo: HaloDirect;

beforeAll(async () => {
  ({ tenant, auth } = await tenantApp("calls"));
  halo = new HaloDirect(tenant);
});

let people = 0;
async function newLead(): Promise<Lead> {
  people += 1;
  const res = await api<{ lead_id: string }>("/sync/leads", {
    method: "POST",
    headers: auth,
    json: {
      source: "generic",
      data: {
        first_name: "Caller",
        last_name: `Number${people}`,
        email: `caller${people}@calls.example`,
        company: "Calls Ltd",
        country: "United Kingdom",
      },
    },
  });
  expect(res.status).toBe(201);
  return (await api<Lead>(`/leads/${res.body.lead_id}`, { headers: auth })).body;
}

const call = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  api<Call & ErrorBody>("/calls", { method: "POST", headers: { ...auth, ...headers }, json: body });

const base = (leadId: string) => ({
  lead_id: leadId,
  occurred_at: "2026-11-30T10:15:00Z",
  direction: "outbound",
  dialled_number: "+44 20 7946 0018",
  duration_seconds: 312,
  agent: "Sam Seller",
  outcome: "no_answer",
});

const setRules = (automation: Record<string, boolean>) =>
  api("/config", { method: "PUT", headers: auth, json: { automation } });

const posts = (before: SandboxStats, after: SandboxStats, route: string) =>
  (after.requests_by_route[route] ?? 0) - (before.requests_by_route[route] ?? 0);

describe("POST /calls", () => {
  it("refuses bad input with the field at fault, spending no HaloPSA call", async () => {
    const lead = await newLead();
    const before = await tenant.stats();
    const cases: [Record<string, unknown>, string, number][] = [
      [{ ...base(lead.id), lead_id: undefined }, "lead_id", 400],
      [{ ...base(lead.id), prospect_id: lead.id }, "prospect_id", 400],
      [{ ...base(lead.id), dialled_number: "12" }, "dialled_number", 400],
      [{ ...base(lead.id), dialled_number: "call me maybe" }, "dialled_number", 400],
      [{ ...base(lead.id), default_country: "gb" }, "default_country", 400],
      [{ ...base(lead.id), outcome: "maybe" }, "outcome", 400],
      [{ ...base(lead.id), direction: "sideways" }, "direction", 400],
      [{ ...base(lead.id), duration_seconds: -1 }, "duration_seconds", 400],
      [{ ...base(lead.id), occurred_at: "yesterday" }, "occurred_at", 400],
      [{ ...base(lead.id), colour: "blue" }, "colour", 400],
      [{ ...base(lead.id), lead_id: "ld_00000000000000000000000000" }, "lead_id", 404],
      [{ ...base(lead.id), lead_id: undefined, opportunity_id: lead.id }, "opportunity_id", 409],
    ];
    for (const [body, field, status] of cases) {
      const res = await call(body);
      expect(res.status, `${field}: ${JSON.stringify(res.body)}`).toBe(status);
      expect(res.body.error.details.field).toBe(field);
    }
    expect((await tenant.stats()).requests_total).toBe(before.requests_total);
  });

  it("stores the number in E.164 and writes the call as one private Action on the ticket", async () => {
    await setRules({ call_outcomes: false, auto_promotion: false });
    const lead = await newLead();
    const before = await tenant.stats();
    const res = await call({
      ...base(lead.id),
      dialled_number: "020 7946 0018",
      default_country: "GB",
      outcome: "callback_requested",
      next_action: "Call back on Thursday",
      next_action_date: "2026-12-03",
      notes: "Asked for pricing",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const after = await tenant.stats();
    expect(posts(before, after, "POST /api/actions")).toBe(1);
    expect(after.requests_total - before.requests_total).toBe(1);
    expect(res.body.dialled_number).toBe("+442079460018");
    expect(res.body.automation).toEqual([]);
    const action = await halo.get(`Actions/${res.body.halopsa.action_id}`);
    expect(action.ticket_id).toBe(lead.halopsa.ticket_id);
    expect(action.hiddenfromuser).toBe(true);
    expect(String(action.note)).toContain("Outbound call to +442079460018 (5m 12s) by Sam Seller");
    expect(String(action.note)).toContain("Next action: Call back on Thursday (2026-12-03)");
    expect(String(action.datetime)).toMatch(/^2026-11-30T10:15/);
    // The company's country reads a number written without +.
    const national = await call({ ...base(lead.id), dialled_number: "020 7946 0019" });
    expect(national.status, JSON.stringify(national.body)).toBe(201);
    expect(national.body.dialled_number).toBe("+442079460019");
    const audit = await api<AuditEntries>(`/audit?lead_id=${lead.id}&action=call.logged`, {
      headers: auth,
    });
    expect(audit.body.entries).toHaveLength(2);
    const lead2 = await api<Lead>(`/leads/${lead.id}`, { headers: auth });
    expect(lead2.body.status).toBe("new_lead");
    await setRules({ call_outcomes: true, auto_promotion: true });
  });

  it("replays an Idempotency-Key instead of logging the call twice", async () => {
    const lead = await newLead();
    const headers = { "Idempotency-Key": "call-idem-00001" };
    const first = await call(base(lead.id), headers);
    const again = await call(base(lead.id), headers);
    expect(again.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(again.body.id).toBe(first.body.id);
    const list = await api<{ calls: Call[] }>(`/leads/${lead.id}/calls`, { headers: auth });
    expect(list.body.calls).toHaveLength(1);
  });

  it("moves a new lead to contacted on a first conversation, along the seed's arrows", async () => {
    const lead = await newLead();
    const res = await call({ ...base(lead.id), outcome: "connected" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.status).toBe("new_lead");
    expect(res.body.automation).toEqual([
      {
        rule: "call_outcomes",
        from: { stage: "lead", status: "new_lead" },
        to: { stage: "lead", status: "contacted" },
        applied: true,
      },
    ]);
    const after = await api<Lead>(`/leads/${lead.id}`, { headers: auth });
    expect(after.body.status).toBe("contacted");
    const ticket = await halo.get(`Tickets/${lead.halopsa.ticket_id}`);
    expect(ticket.status_id).toBe(3);
    const audit = await api<AuditEntries>(`/audit?lead_id=${lead.id}&action=lead.transition`, {
      headers: auth,
    });
    const steps = audit.body.entries.reverse();
    expect(steps.map((e) => [e.actor, (e.detail.to as { status: string }).status])).toEqual([
      ["rule:call_outcomes", "researching"],
      ["rule:call_outcomes", "contacted"],
    ]);

    // Not interested on the next call; a further call never moves it out of that end state.
    const no = await call({ ...base(lead.id), outcome: "not_interested" });
    expect(no.body.automation[0]?.to).toEqual({ stage: "lead", status: "no_interest" });
    const later = await call({ ...base(lead.id), outcome: "interested" });
    expect(later.body.automation).toEqual([]);
    const end = await api<Lead>(`/leads/${lead.id}`, { headers: auth });
    expect(end.body.status).toBe("no_interest");
  });

  it("records a do-not-call request as Do Not Contact", async () => {
    const lead = await newLead();
    await call({ ...base(lead.id), outcome: "connected" });
    const res = await call({ ...base(lead.id), outcome: "do_not_call" });
    expect(res.body.automation[0]).toMatchObject({
      rule: "call_outcomes",
      to: { stage: "lead", status: "do_not_contact" },
      applied: true,
    });
    const ticket = await halo.get(`Tickets/${lead.halopsa.ticket_id}`);
    expect(ticket.status_id).toBe(6);
  });

  it("moves nothing when call_outcomes is off", async () => {
    await setRules({ call_outcomes: false });
    const lead = await newLead();
    const res = await call({ ...base(lead.id), outcome: "interested" });
    expect(res.body.automation).toEqual([]);
    expect((await api<Lead>(`/leads/${lead.id}`, { headers: auth })).body.status).toBe("new_lead");
    await setRules({ call_outcomes: true });
  });
});

describe("GET /leads/{id}/calls", () => {
  it("pages a lead's calls, newest first", async () => {
    const lead = await newLead();
    const ids: string[] = [];
    for (const minute of [10, 20, 30]) {
      const res = await call({ ...base(lead.id), occurred_at: `2026-11-30T11:${minute}:00Z` });
      ids.push(res.body.id);
    }
    const first = await api<{ calls: Call[]; pagination: { next_cursor: string | null } }>(
      `/leads/${lead.id}/calls?limit=2`,
      { headers: auth },
    );
    expect(first.status).toBe(200);
    expect(first.body.calls.map((c) => c.id)).toEqual([ids[2], ids[1]]);
    const second = await api<{ calls: Call[]; pagination: { next_cursor: string | null } }>(
      `/leads/${lead.id}/calls?limit=2&cursor=${first.body.pagination.next_cursor}`,
      { headers: auth },
    );
    expect(second.body.calls.map((c) => c.id)).toEqual([ids[0]]);
    expect(second.body.pagination.next_cursor).toBeNull();
    const missing = await api<ErrorBody>("/leads/ld_00000000000000000000000000/calls", {
      headers: auth,
    });
    expect(missing.status).toBe(404);
  });
});
