import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../../src/db/client";
import { auditLog, webhookEvents } from "../../src/db/schema";
import { api } from "../helpers/api";
import { HaloDirect } from "../helpers/halo-direct";
import { tenantApp } from "../helpers/tenant-app";

// One lead walked through every legal path against the sandbox, reading HaloPSA after each step.

interface Outcome {
  lead_id: string;
  changed: boolean;
  from: { stage: string; status: string };
  to: { stage: string; status: string };
  steps: { stage: string; status: string }[];
  halopsa: { ticket_id: number; note_ids: number[] };
  note_error: string | null;
}
type Ticket = Record<string, unknown> & {
  tickettype_id: number;
  status_id: number;
  customfields: { id: number; value: unknown }[];
};

let auth: Record<string, string>;
let halo: HaloDirect;

beforeAll(async () => {
  const app = await tenantApp("lifecycle-walk");
  auth = app.auth;
  halo = new HaloDirect(app.tenant);
});

const QUALIFICATION = {
  pain_points: "Reporting takes a week every month",
  qualified_services: "Managed analytics",
  decision_maker: "Jane Roe, CFO",
  budget_range: "50000-100000",
  timeframe: "Q3",
  fit_score: 85,
};

async function importLead(email: string) {
  const res = await api<{ lead_id: string; halopsa_ticket_id: number }>("/sync/leads", {
    method: "POST",
    headers: auth,
    json: {
      source: "apollo",
      data: {
        first_name: "Ada",
        last_name: "Walker",
        email,
        company: "Walkthrough Analytics Ltd",
        website: "https://walkthrough-analytics.example",
        title: "Chief Technology Officer",
        phone: "+44 20 7946 0018",
        industry: "Software",
        employee_count: 120,
      },
    },
  });
  expect(res.status).toBe(201);
  return { id: res.body.lead_id, ticketId: res.body.halopsa_ticket_id };
}

const ticket = async (id: number) => (await halo.get(`Tickets/${id}`)) as Ticket;
const cf = (t: Ticket, id: number) => t.customfields.find((c) => c.id === id)?.value;

async function notes(ticketId: number): Promise<string[]> {
  const body = await halo.get(`Actions?ticket_id=${ticketId}`);
  return ((body.actions ?? []) as { note?: string; hiddenfromuser?: boolean }[]).map(
    (a) => `${a.hiddenfromuser ? "private" : "public"}: ${a.note ?? ""}`,
  );
}

/** Everything the import wrote must survive every transition: same ticket, same data. */
const KEPT = [
  "summary",
  "details",
  "user_id",
  "client_id",
  "site_id",
  "third_party_id_string",
  "category_2",
  "priority_id",
];
function expectNothingLost(before: Ticket, after: Ticket) {
  for (const f of KEPT) expect(after[f], f).toEqual(before[f]);
  for (const c of before.customfields) {
    if (c.id < 200 && c.value !== null && c.value !== "")
      expect(cf(after, c.id), `CF_${c.id}`).toEqual(c.value);
  }
  expect(after.tags).toEqual(before.tags);
}

async function step(
  method: "PUT" | "POST",
  path: string,
  json: Record<string, unknown>,
  expectStatus = 200,
): Promise<Outcome> {
  const res = await api<Outcome>(path, {
    method,
    headers: {
      ...auth,
      ...(method === "POST" ? { "Idempotency-Key": `walk-${crypto.randomUUID()}` } : {}),
    },
    json,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(expectStatus);
  expect(res.body.note_error).toBeNull();
  return res.body;
}

describe("one lead through every legal path", () => {
  it("lead statuses → prospect → qualified → opportunity → won, read back from HaloPSA", async () => {
    const lead = await importLead("ada.walker@walkthrough-analytics.example");
    const before = await ticket(lead.ticketId);
    expect(before.tickettype_id).toBe(1);
    expect(cf(before, 101)).toBe("Apollo.io");

    for (const [status, statusId, label] of [
      ["researching", 2, "Researching"],
      ["contacted", 3, "Contacted"],
      ["engaged", 4, "Engaged"],
    ] as const) {
      const out = await step("PUT", `/leads/${lead.id}/status`, {
        status,
        reason: `Reached ${status}`,
      });
      expect(out.to).toEqual({ stage: "lead", status });
      expect(out.halopsa.note_ids).toHaveLength(1);
      const t = await ticket(lead.ticketId);
      expect([t.tickettype_id, t.status_id]).toEqual([1, statusId]);
      expectNothingLost(before, t);
      expect((await notes(lead.ticketId)).at(-1)).toMatch(
        new RegExp(
          `^private: Status changed from .+ \\(lead\\) to ${label} \\(lead\\) by LeadBridge API key .+: Reached ${status}`,
        ),
      );
    }

    const converted = await step(
      "POST",
      `/prospects/convert/${lead.id}`,
      { qualification_data: QUALIFICATION, reason: "Budget and pain confirmed on call" },
      201,
    );
    expect(converted.to).toEqual({ stage: "prospect", status: "new_prospect" });
    let t = await ticket(lead.ticketId);
    expect([t.tickettype_id, t.status_id]).toEqual([2, 10]);
    expect(t.id).toBe(lead.ticketId);
    expect([201, 202, 203, 204, 205, 206].map((id) => cf(t, id))).toEqual([
      QUALIFICATION.pain_points,
      QUALIFICATION.qualified_services,
      QUALIFICATION.decision_maker,
      QUALIFICATION.budget_range,
      QUALIFICATION.timeframe,
      85,
    ]);
    expectNothingLost(before, t);
    expect((await notes(lead.ticketId)).at(-1)).toContain(
      "Status changed from Engaged (lead) to New Prospect (prospect) by LeadBridge API key",
    );

    await step("PUT", `/prospects/${lead.id}/status`, { status: "prospecting" });
    const qualified = await step("PUT", `/prospects/${lead.id}/status`, {
      status: "qualified",
      reason: "Meets all qualification criteria",
      next_action: "Schedule discovery call",
      next_action_date: "2024-02-01",
    });
    expect(qualified.to.status).toBe("qualified");
    t = await ticket(lead.ticketId);
    expect([t.tickettype_id, t.status_id]).toEqual([2, 12]);
    expect((await notes(lead.ticketId)).at(-1)).toContain("Next action: Schedule discovery call");

    const opened = await api<Outcome & { opportunity: { stage: string } }>("/opportunities", {
      method: "POST",
      headers: { ...auth, "Idempotency-Key": `walk-open-${lead.id}` },
      json: {
        prospect_id: lead.id,
        opportunity_data: {
          value: 75000,
          probability: 60,
          expected_close_date: "2024-03-15",
          products_services: "Managed analytics, onboarding",
          competitors: "Competitor A",
        },
      },
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect(opened.body.opportunity.stage).toBe("opportunity");
    t = await ticket(lead.ticketId);
    expect([t.tickettype_id, t.status_id]).toEqual([3, 20]);
    expect(t.oppvalue).toBe(75000);
    expect(t.oppconversionprobability).toBe(60);
    expect(t.oppcompetitors).toBe("Competitor A");
    expect(t.oppproductchosen).toBe("Managed analytics, onboarding");
    expect(typeof t.oppconverteddate).toBe("string");
    expect(cf(t, 301)).toBe("Managed analytics, onboarding");
    expect(cf(t, 303)).toBe("Competitor A");
    // The qualification data and everything before it came along.
    expect(cf(t, 201)).toBe(QUALIFICATION.pain_points);
    expect(cf(t, 206)).toBe(85);
    expectNothingLost(before, t);
    expect((await notes(lead.ticketId)).at(-1)).toContain("Expected close: 2024-03-15");

    await step("PUT", `/opportunities/${lead.id}`, { status: "progressing", probability: 70 });
    await step("PUT", `/opportunities/${lead.id}`, { status: "negotiation", value: 80000 });
    t = await ticket(lead.ticketId);
    expect([t.status_id, t.oppvalue, t.oppconversionprobability]).toEqual([22, 80000, 70]);
    const won = await step("PUT", `/opportunities/${lead.id}`, {
      status: "won",
      reason: "Best fit and price",
    });
    expect(won.to).toEqual({ stage: "opportunity", status: "won" });
    t = await ticket(lead.ticketId);
    expect([t.tickettype_id, t.status_id]).toEqual([3, 23]);
    expect(cf(t, 304)).toBe("Best fit and price");
    expect(t.oppreason).toBe("Best fit and price");
    expectNothingLost(before, t);
    expect((await notes(lead.ticketId)).at(-1)).toContain(
      "Status changed from Negotiation (opportunity) to Won (opportunity) by LeadBridge API key",
    );
    // Never the ticket's own notes: every change is an Action, ten of them.
    expect(
      (await notes(lead.ticketId)).filter((n) => n.startsWith("private: Status changed")),
    ).toHaveLength(10);

    const got = await api<{ status: string; opportunity_data: Record<string, unknown> }>(
      `/opportunities/${lead.id}`,
      { headers: auth },
    );
    expect(got.body.status).toBe("won");
    expect(got.body.opportunity_data).toMatchObject({
      value: 80000,
      win_loss_reason: "Best fit and price",
    });

    const db = database(env.DB);
    const audit = await db.select().from(auditLog).where(eq(auditLog.leadId, lead.id));
    const transitions = audit.filter((a) => a.action === "lead.transition");
    expect(transitions).toHaveLength(10);
    expect(transitions.at(-1)?.detail).toMatchObject({
      from: { stage: "opportunity", status: "negotiation" },
      to: { stage: "opportunity", status: "won" },
      reason: "Best fit and price",
      halopsa: { ticket_id: lead.ticketId, tickettype_id: 3, status_id: 23 },
    });
    const events = (await db.select().from(webhookEvents)).filter(
      (e) => (e.payload as { data: { lead_id?: string } }).data.lead_id === lead.id,
    );
    const types = events.map((e) => e.type);
    for (const type of [
      "prospect.converted",
      "prospect.qualified",
      "opportunity.created",
      "opportunity.won",
    ]) {
      expect(
        types.filter((x) => x === type),
        type,
      ).toHaveLength(1);
    }
    expect(types.filter((x) => x === "lead.status_changed")).toHaveLength(10);
    const wonEvent = events.find((e) => e.type === "opportunity.won");
    expect((wonEvent?.payload as { data: unknown } | undefined)?.data).toMatchObject({
      value: 80000,
      reason: "Best fit and price",
    });
  });

  it("a second lead converts and opens its opportunity at once, then is lost", async () => {
    const lead = await importLead("bo.lost@walkthrough-analytics.example");
    const before = await ticket(lead.ticketId);
    for (const status of ["researching", "contacted", "engaged"]) {
      await step("PUT", `/leads/${lead.id}/status`, { status });
    }
    const res = await api<Outcome & { prospect: { stage: string; status: string } }>(
      `/prospects/convert/${lead.id}`,
      {
        method: "POST",
        headers: { ...auth, "Idempotency-Key": `walk-convert-${lead.id}` },
        json: {
          qualification_data: QUALIFICATION,
          conversion_options: { create_opportunity: true },
          opportunity_data: {
            value: 12000,
            probability: 40,
            expected_close_date: "2024-05-01",
            products_services: "Backup",
          },
        },
      },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.steps.map((s) => `${s.stage}.${s.status}`)).toEqual([
      "prospect.new_prospect",
      "prospect.prospecting",
      "prospect.qualified",
      "opportunity.new_opportunity",
    ]);
    expect(res.body.prospect).toMatchObject({ stage: "opportunity", status: "new_opportunity" });
    expect(res.body.halopsa.note_ids).toHaveLength(4);
    let t = await ticket(lead.ticketId);
    expect([t.tickettype_id, t.status_id, t.oppvalue]).toEqual([3, 20, 12000]);
    expect(cf(t, 202)).toBe(QUALIFICATION.qualified_services);

    await step("PUT", `/opportunities/${lead.id}`, { status: "progressing" });
    await step("PUT", `/opportunities/${lead.id}`, { status: "negotiation" });
    const refused = await api<{ error: { code: string; details: { field: string } } }>(
      `/opportunities/${lead.id}`,
      { method: "PUT", headers: auth, json: { status: "lost" } },
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.field).toBe("reason");
    const lost = await step("PUT", `/opportunities/${lead.id}`, {
      status: "lost",
      notes: "Went with a cheaper competitor",
    });
    expect(lost.to.status).toBe("lost");
    t = await ticket(lead.ticketId);
    expect([t.tickettype_id, t.status_id]).toEqual([3, 24]);
    expect(cf(t, 304)).toBe("Went with a cheaper competitor");
    expect(t.oppreason).toBe("Went with a cheaper competitor");
    expectNothingLost(before, t);
    expect((await notes(lead.ticketId)).at(-1)).toContain(
      "to Lost (opportunity) by LeadBridge API key",
    );
  });
});
