import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { captureQueue, deliver } from "../halo-index/drive";
import { api } from "../helpers/api";
import { HaloDirect } from "../helpers/halo-direct";
import type { SandboxTenant } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";
import { calls, type Echo, fireWebhooksToEcho, forward, nextEchoes } from "./helpers";

interface SyncResult {
  action: string;
  lead_id: string | null;
  halopsa: { ticket_id: number; user_id: number };
}
interface Audit {
  entries: {
    action: string;
    rule: string | null;
    entity_id: string | null;
    detail: Record<string, unknown>;
  }[];
}

let tenant: SandboxTenant;
let auth: Record<string, string>;
let halo: HaloDirect;

beforeAll(async () => {
  ({ tenant, auth } = await tenantApp("inbound-dnc"));
  halo = new HaloDirect(tenant);
});

const sync = (source: string, data: Record<string, unknown>) =>
  api<SyncResult>("/sync/leads", { method: "POST", headers: auth, json: { source, data } });

/** The same person as each provider shapes them, with the email in three letter cases. */
function reimports(first: string, last: string, email: string, domain: string) {
  const upper = email.toUpperCase();
  const mixed = email
    .replace(/^./, (c) => c.toUpperCase())
    .replace(/@(.)/, (_, c) => `@${c.toUpperCase()}`);
  return [
    sync("apollo", {
      person: {
        id: `5f${crypto.randomUUID().replaceAll("-", "").slice(0, 22)}`,
        first_name: first,
        last_name: last,
        email: ` ${mixed} `,
        organization: { name: "Stillwater", primary_domain: domain },
      },
    }),
    sync("zoominfo", { firstName: first, lastName: last, email: upper, companyName: "Stillwater" }),
    sync("hunter", { first_name: first, last_name: last, email, domain, company: "Stillwater" }),
  ];
}

/**
 * A salesperson marks a lead Do-Not-Contact in HaloPSA; the sandbox fires its real webhook; the
 * service takes it, re-reads the ticket and suppresses the person for every provider.
 */
async function dncFlow(
  variant: { batch: boolean; payload: "full" | "event_only"; via: "custom_field" | "status" },
  person: { first: string; last: string; email: string; phone: string; domain: string },
) {
  const created = await sync("generic", {
    first_name: person.first,
    last_name: person.last,
    email: person.email,
    phone: person.phone,
    company: "Stillwater",
    website: person.domain,
  });
  expect(created.body.action).toBe("created");
  const leadId = created.body.lead_id as string;
  const ticketId = created.body.halopsa.ticket_id;

  await fireWebhooksToEcho(tenant, variant);
  const seen = (await fetch(`${tenant.baseUrl}/_sandbox/echo`).then((r) => r.json())) as {
    count: number;
  };
  // As an agent would: one POST to HaloPSA's API setting CF_105 or the DNC status.
  await halo.post("Tickets", [
    variant.via === "custom_field"
      ? { id: ticketId, customfields: [{ id: 105, value: true }] }
      : { id: ticketId, status_id: 6 },
  ]);
  const [sent] = await nextEchoes(tenant, seen.count);
  const echo = sent as Echo;
  expect(Array.isArray(JSON.parse(echo.raw))).toBe(variant.batch);
  expect(echo.authorization).toMatch(/^Basic /);

  const queue = captureQueue();
  try {
    const res = await forward(echo);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1, duplicates: 0, rejected: 0 });
    const webhookMessages = () =>
      queue.sent.filter((m) => (m.body as { type?: string }).type === "halo.webhook");
    expect(webhookMessages()).toHaveLength(1);
    const before = await tenant.stats();
    await deliver(queue.sent[0]?.body);
    const after = await tenant.stats();
    // One read (ticketids) and one tag write for the ticket.
    expect(calls(before, after, "GET /api/tickets")).toBe(1);
    expect(calls(before, after, "POST /api/tickets")).toBe(1);

    // A replay of the same delivery: taken as a duplicate, nothing queued, nothing changes.
    const replay = await forward(echo);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(webhookMessages()).toHaveLength(1);
  } finally {
    queue.restore();
  }

  const suppressions = await api<{
    suppressions: { kind: string; value: string; origin: string }[];
  }>(`/suppressions?kind=email&value=${encodeURIComponent(person.email.toUpperCase())}`, {
    headers: auth,
  });
  expect(suppressions.body.suppressions).toEqual([
    expect.objectContaining({
      kind: "email",
      value: person.email.toLowerCase(),
      origin: "halopsa",
    }),
  ]);
  const phones = await api<{ suppressions: { origin: string }[] }>(
    `/suppressions?kind=phone&value=${encodeURIComponent(person.phone)}`,
    { headers: auth },
  );
  expect(phones.body.suppressions).toEqual([expect.objectContaining({ origin: "halopsa" })]);

  const lead = await api<{ lists: string[]; status: string }>(`/leads/${leadId}`, {
    headers: auth,
  });
  expect(lead.body.lists).toContain("dnc_list");
  const ticket = await halo.get(`Tickets/${ticketId}`);
  expect((ticket.tags as { text: string }[]).map((t) => t.text)).toContain("dnc_list");

  // Re-imported from Apollo, ZoomInfo and Hunter, in three letter cases: suppressed, 0 writes.
  const before = await tenant.stats();
  const results = await Promise.all(
    reimports(person.first, person.last, person.email, person.domain),
  );
  for (const r of results) {
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.action).toBe("suppressed");
  }
  const after = await tenant.stats();
  expect(calls(before, after, "POST /api/")).toBe(0);

  // The audit names each step.
  const received = await api<Audit>("/audit?action=halopsa.webhook_received", { headers: auth });
  const deliveryIds = JSON.parse(echo.raw) as { id: string } | { id: string }[];
  const ids = (Array.isArray(deliveryIds) ? deliveryIds : [deliveryIds]).map((d) => d.id);
  for (const id of ids) {
    expect(received.body.entries.map((e) => e.entity_id)).toContain(id);
  }
  const trail = await api<Audit>(`/audit?lead_id=${leadId}`, { headers: auth });
  const actions = trail.body.entries.map((e) => e.action);
  expect(actions).toEqual(
    expect.arrayContaining(["lead.created", "suppression.added", "lead.do_not_contact"]),
  );
  const dnc = trail.body.entries.find((e) => e.action === "lead.do_not_contact");
  expect(dnc?.rule).toBe("halopsa_dnc");
  expect(dnc?.detail).toMatchObject({ signal: variant.via, tag_written: "dnc_list" });
  const suppressedAudit = await api<Audit>("/audit?action=lead.suppressed", { headers: auth });
  const reasons = suppressedAudit.body.entries.filter((e) =>
    JSON.stringify(e.detail).includes(person.email.toLowerCase()),
  );
  expect(reasons.length).toBeGreaterThanOrEqual(3);
  return { leadId, ticketId };
}

describe("Do-Not-Contact set in HaloPSA", () => {
  it("unbatched, full payload, CF_105 → suppressed everywhere with 0 HaloPSA writes", async () => {
    await dncFlow(
      { batch: false, payload: "full", via: "custom_field" },
      {
        first: "Dana",
        last: "Ng",
        email: "dana.ng@stillwater.example",
        phone: "+44 20 7946 0301",
        domain: "stillwater.example",
      },
    );
  });

  it("batched, event-only payload, DNC status → suppressed, and the lead follows the status", async () => {
    const { leadId } = await dncFlow(
      { batch: true, payload: "event_only", via: "status" },
      {
        first: "Omar",
        last: "Haddad",
        email: "omar.haddad@stillwater.example",
        phone: "+44 20 7946 0302",
        domain: "stillwater.example",
      },
    );
    const lead = await api<{ stage: string; status: string }>(`/leads/${leadId}`, {
      headers: auth,
    });
    expect(lead.body).toMatchObject({ stage: "lead", status: "do_not_contact" });
    const changed = await api<Audit>(`/audit?lead_id=${leadId}&action=lead.external_transition`, {
      headers: auth,
    });
    // The seed's arrows reach Do Not Contact only from Contacted: HaloPSA's jump is taken and
    // recorded, not refused.
    expect(changed.body.entries[0]?.rule).toBe("external_transition");
    expect(changed.body.entries[0]?.detail).toMatchObject({
      from: { stage: "lead", status: "new_lead" },
      to: { stage: "lead", status: "do_not_contact" },
      legal: false,
    });
    const rows = await env.DB.prepare(
      "SELECT outcome FROM halo_webhook_deliveries WHERE object_id = (SELECT halo_ticket_id FROM leads WHERE id = ?)",
    )
      .bind(leadId)
      .all<{ outcome: string }>();
    expect(rows.results.map((r) => r.outcome)).toContain("applied");
  });
});
