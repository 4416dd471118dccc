import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { captureQueue, deliver } from "../halo-index/drive";
import { api } from "../helpers/api";
import { HaloDirect } from "../helpers/halo-direct";
import { bearer, issueKey } from "../helpers/keys";
import type { SandboxTenant } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";
import { calls, goodAuth, receiverPath } from "./helpers";

interface SyncResult {
  action: string;
  lead_id: string;
  halopsa: { ticket_id: number; user_id: number };
  fields_updated: string[];
  fields_preserved: string[];
}
interface Audit {
  entries: { action: string; rule: string | null; detail: Record<string, unknown> }[];
}
interface Lead {
  stage: string;
  status: string;
  halopsa: { ticket_id: number | null; user_id: number | null };
}

let tenant: SandboxTenant;
let auth: Record<string, string>;
let halo: HaloDirect;

beforeAll(async () => {
  ({ tenant, auth } = await tenantApp("inbound-state"));
  halo = new HaloDirect(tenant);
});

const sync = (data: Record<string, unknown>) =>
  api<SyncResult>("/sync/leads", {
    method: "POST",
    headers: auth,
    json: {
      source: "generic",
      data: { company: "Quarry Labs", website: "quarry.example", ...data },
    },
  });

/** HaloPSA tells the service about `ticketId` (event-only), and the queue applies it. */
async function notify(ticketId: number, event = "ticket updated") {
  const queue = captureQueue();
  try {
    const res = await api(receiverPath(), {
      method: "POST",
      headers: { Authorization: goodAuth(), "Content-Type": "application/json" },
      body: JSON.stringify({ id: crypto.randomUUID(), event, object_id: ticketId }),
    });
    expect(res.status).toBe(200);
    for (const m of queue.sent) await deliver(m.body);
  } finally {
    queue.restore();
  }
}

const audit = async (leadId: string, action: string) =>
  (await api<Audit>(`/audit?lead_id=${leadId}&action=${action}`, { headers: auth })).body.entries;

describe("HaloPSA is the system of record", () => {
  it("takes an illegal lifecycle jump and records it as an external transition", async () => {
    const lead = await sync({
      first_name: "Ines",
      last_name: "Moreau",
      email: "ines@quarry.example",
    });
    // New Lead straight to Won: no arrow of the lifecycle allows it.
    await halo.post("Tickets", [
      { id: lead.body.halopsa.ticket_id, tickettype_id: 3, status_id: 23 },
    ]);
    await notify(lead.body.halopsa.ticket_id, "ticket status changed");
    const row = await api<Lead>(`/leads/${lead.body.lead_id}`, { headers: auth });
    expect(row.body).toMatchObject({ stage: "opportunity", status: "won" });
    const [entry] = await audit(lead.body.lead_id, "lead.external_transition");
    expect(entry?.rule).toBe("external_transition");
    expect(entry?.detail).toMatchObject({
      from: { stage: "lead", status: "new_lead" },
      to: { stage: "opportunity", status: "won" },
      legal: false,
    });
  });

  it("remembers a field edited by hand, so the next merge keeps it without reading HaloPSA", async () => {
    const person = { first_name: "Theo", last_name: "Brandt", email: "theo@quarry.example" };
    const lead = await sync({ ...person, employee_count: 30 });
    const ticketId = lead.body.halopsa.ticket_id;
    // CF_108 (employee count range) is enrichment: a newer import would overwrite it, unless
    // somebody typed it.
    await halo.post("Tickets", [
      { id: ticketId, customfields: [{ id: 108, value: "about 45, per call" }] },
    ]);
    await notify(ticketId);
    const [edited] = await audit(lead.body.lead_id, "lead.edited_in_halopsa");
    expect(edited?.detail).toMatchObject({ fields: ["ticket.cf.employee_count_range"] });

    const before = await tenant.stats();
    const again = await sync({ ...person, employee_count: 300 });
    const after = await tenant.stats();
    expect(again.body.fields_preserved).toContain("ticket.cf.employee_count_range");
    expect(again.body.fields_updated).not.toContain("ticket.cf.employee_count_range");
    // Known from the webhook: no read-back of the ticket, no write.
    expect(calls(before, after, "GET /api/tickets")).toBe(0);
    expect(calls(before, after, "POST /api/tickets")).toBe(0);
    const ticket = await halo.get(`Tickets/${ticketId}`);
    const cf = (ticket.customfields as { id: number; value: unknown }[]).find((c) => c.id === 108);
    expect(cf?.value).toBe("about 45, per call");
  });

  it("forgets a deleted ticket under on_deleted=recreate; the next import writes a new one", async () => {
    const person = { first_name: "Rosa", last_name: "Lind", email: "rosa@quarry.example" };
    const lead = await sync(person);
    await halo.delete(`Tickets/${lead.body.halopsa.ticket_id}`);
    await notify(lead.body.halopsa.ticket_id, "ticket deleted");
    const row = await api<Lead>(`/leads/${lead.body.lead_id}`, { headers: auth });
    expect(row.body.halopsa.ticket_id).toBeNull();
    const [entry] = await audit(lead.body.lead_id, "lead.deleted_in_halopsa");
    expect(entry?.rule).toBe("on_deleted:recreate");

    const again = await sync(person);
    expect(again.body.lead_id).toBe(lead.body.lead_id);
    expect(again.body.halopsa.ticket_id).not.toBe(lead.body.halopsa.ticket_id);
    expect(again.body.halopsa.user_id).toBe(lead.body.halopsa.user_id);
    const ticket = await halo.get(`Tickets/${again.body.halopsa.ticket_id}`);
    expect(ticket.third_party_id_string).toBe(lead.body.lead_id);
  });

  it("marks the lead deleted_in_halopsa under on_deleted=skip", async () => {
    const put = await api("/config", {
      method: "PUT",
      headers: auth,
      json: { halopsa: { on_deleted: "skip" } },
    });
    expect(put.status).toBe(200);
    try {
      const lead = await sync({
        first_name: "Yuki",
        last_name: "Sato",
        email: "yuki@quarry.example",
      });
      await halo.delete(`Tickets/${lead.body.halopsa.ticket_id}`);
      await notify(lead.body.halopsa.ticket_id, "ticket deleted");
      const row = await api<Lead>(`/leads/${lead.body.lead_id}`, { headers: auth });
      expect(row.body.status).toBe("deleted_in_halopsa");
      const [entry] = await audit(lead.body.lead_id, "lead.deleted_in_halopsa");
      expect(entry?.rule).toBe("on_deleted:skip");
    } finally {
      await api("/config", {
        method: "PUT",
        headers: auth,
        json: { halopsa: { on_deleted: "recreate" } },
      });
    }
  });
});

describe("GET /halo/webhook-setup", () => {
  it("tells an admin what to enter in HaloPSA, never the secret", async () => {
    const res = await api<{
      configured: boolean;
      payload_url: string;
      authentication: { username: string; password: string; password_set: boolean };
      events: { name: string }[];
    }>("/halo/webhook-setup", { headers: auth });
    expect(res.status).toBe(200);
    expect(res.body.configured).toBe(true);
    expect(res.body.payload_url).toBe(
      `http://localhost/api/v1/webhooks/halopsa/t/${env.HALO_WEBHOOK_PATH_TOKEN}`,
    );
    expect(res.body.authentication.username).toBe(env.HALO_WEBHOOK_USERNAME);
    expect(res.body.authentication.password).toContain("HALO_WEBHOOK_PASSWORD");
    expect(JSON.stringify(res.body)).not.toContain(env.HALO_WEBHOOK_PASSWORD);
    expect(res.body.events.map((e) => e.name)).toContain("Ticket Status Changed");
    const reader = await issueKey(["read"]);
    const refused = await api("/halo/webhook-setup", { headers: bearer(reader) });
    expect(refused.status).toBe(403);
  });
});
