import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../../src/db/client";
import { addSuppression, addSuppressions } from "../../src/db/suppressions-repo";
import { runDncPropagation } from "../../src/dnc/propagate";
import { importContext } from "../../src/pipeline/context";
import { importLeads } from "../../src/pipeline/import-leads";
import { DEFAULT_IMPORT_OPTIONS } from "../../src/pipeline/options";
import { api } from "../helpers/api";
import { HaloDirect } from "../helpers/halo-direct";
import { type SandboxTenant, sleep } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";
import { patchConfig } from "../sync/helpers";

/** Defaults of the config (src/config/schema.ts): CF_105, lead status do_not_contact = 6. */
const CF_DNC = 105;
const DNC_STATUS = 6;
const DNC_STAGE = "6095a710bd01d100a506d4b4";

interface Propagation {
  target: string;
  status: string;
  detail: string | null;
}
interface SuppressionDetail {
  id: string;
  origin: string;
  propagation: Propagation[];
}

let tenant: SandboxTenant;
let auth: Record<string, string>;
let halo: HaloDirect;

beforeAll(async () => {
  ({ tenant, auth } = await tenantApp("dnc"));
  halo = new HaloDirect(tenant);
  // The Apollo simulator of the same sandbox tenant.
  env.APOLLO_BASE_URL = `${tenant.baseUrl}/apollo`;
});

const sync = (email: string, name: string) =>
  api<{ lead_id: string; halopsa: { ticket_id: number } }>("/sync/leads", {
    method: "POST",
    headers: auth,
    json: {
      source: "generic",
      data: {
        first_name: name,
        last_name: "Quiet",
        email,
        company: `${name} Works`,
        website: `https://${email.split("@")[1]}`,
      },
    },
  });

/** Waits until no push of this suppression is pending (the jobs queue runs them). */
async function settled(id: string, timeoutMs = 20_000): Promise<SuppressionDetail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api<SuppressionDetail>(`/suppressions/${id}`, { headers: auth });
    expect(res.status).toBe(200);
    if (res.body.propagation.every((p) => p.status !== "pending")) return res.body;
    if (Date.now() > deadline) throw new Error(`still pending: ${JSON.stringify(res.body)}`);
    await sleep(200);
  }
}

const byTarget = (d: SuppressionDetail) =>
  Object.fromEntries(d.propagation.map((p) => [p.target, p]));

async function apolloContacts() {
  const res = await fetch(`${tenant.baseUrl}/_sandbox/providers/apollo/contacts`);
  return (
    (await res.json()) as {
      contacts: {
        id: string;
        email: string;
        contact_stage_id: string;
        contact_stage_name: string;
      }[];
    }
  ).contacts;
}

const ticketPosts = async () => (await tenant.stats()).requests_by_route["POST /api/tickets"] ?? 0;

describe("Do-Not-Contact into HaloPSA", () => {
  it("an API suppression flags the existing ticket: CF, status, dnc_list tag, private note", async () => {
    const lead = await sync("nora@hush.example", "Nora");
    const ticketId = lead.body.halopsa.ticket_id;
    const added = await api<{ id: string }>("/suppressions", {
      method: "POST",
      headers: auth,
      json: { kind: "email", value: "NORA@hush.example", reason: "asked by phone" },
    });
    expect(added.status).toBe(201);
    const detail = byTarget(await settled(added.body.id));
    expect(detail.halopsa?.status).toBe("done");
    expect(detail.halopsa?.detail).toContain(`ticket ${ticketId}: status Do Not Contact`);

    const ticket = await halo.get(`Tickets/${ticketId}`);
    expect(ticket.status_id).toBe(DNC_STATUS);
    const cf = (ticket.customfields as { id: number; value: unknown }[]).find(
      (f) => f.id === CF_DNC,
    );
    expect(cf?.value).toBe(true);
    expect((ticket.tags as { text: string }[]).map((t) => t.text)).toContain("dnc_list");
    const actions = await halo.get(`Actions?ticket_id=${ticketId}`);
    const notes = (actions.actions as { note: string; hiddenfromuser: boolean }[]).filter((a) =>
      a.note.includes("Do Not Contact"),
    );
    expect(notes).toHaveLength(1);
    expect(notes[0]?.note).toContain("nora@hush.example");
    expect(notes[0]?.note).toContain("the LeadBridge API");
    expect(notes[0]?.hiddenfromuser).toBe(true);

    // Locally: status, list and the audit name the step.
    const row = await env.DB.prepare("SELECT status, lists FROM leads WHERE id = ?")
      .bind(lead.body.lead_id)
      .first<{ status: string; lists: string }>();
    expect(row?.status).toBe("do_not_contact");
    expect(JSON.parse(row?.lists ?? "[]")).toContain("dnc_list");
    const audit = await env.DB.prepare(
      "SELECT action FROM audit_log WHERE entity_id IN (?, ?) ORDER BY id",
    )
      .bind(lead.body.lead_id, added.body.id)
      .all<{ action: string }>();
    expect(audit.results.map((a) => a.action)).toEqual(
      expect.arrayContaining(["suppression.added", "lead.dnc_flagged", "suppression.propagated"]),
    );
  });

  it("a prospect is flagged, not moved, even when only HaloPSA knows it moved", async () => {
    const lead = await sync("pia@prospects.example", "Pia");
    const ticketId = lead.body.halopsa.ticket_id;
    // The lead became a prospect in HaloPSA (status new_prospect = 10 by default); LeadBridge
    // still holds it as a lead: the push reads HaloPSA's ticket before writing.
    await halo.post("Tickets", [{ id: ticketId, tickettype_id: 2, status_id: 10 }]);
    const stale = await env.DB.prepare("SELECT stage FROM leads WHERE id = ?")
      .bind(lead.body.lead_id)
      .first<{ stage: string }>();
    expect(stale?.stage).toBe("lead");
    const { row } = await addSuppression(database(env.DB), {
      kind: "email",
      value: "pia@prospects.example",
      reason: null,
      origin: "api",
      createdBy: "test",
    });
    await runDncPropagation(env);
    const detail = byTarget(await settled(row.id));
    expect(detail.halopsa?.detail).toContain("prospect in HaloPSA, flagged not moved");
    const ticket = await halo.get(`Tickets/${ticketId}`);
    expect(ticket.status_id).toBe(10);
    expect(
      (ticket.customfields as { id: number; value: unknown }[]).find((f) => f.id === CF_DNC)?.value,
    ).toBe(true);
    // Locally the lead follows HaloPSA's stage instead of being set to Do Not Contact.
    const local = await env.DB.prepare("SELECT stage, status FROM leads WHERE id = ?")
      .bind(lead.body.lead_id)
      .first<{ stage: string; status: string }>();
    expect(local).toEqual({ stage: "prospect", status: "new_prospect" });
  });

  it("tags added by hand in HaloPSA survive the dnc_list tag", async () => {
    const lead = await sync("hana@handtags.example", "Hana");
    const ticketId = lead.body.halopsa.ticket_id;
    const before = (await halo.get(`Tickets/${ticketId}`)).tags as { text: string }[];
    // An agent adds a tag in HaloPSA; LeadBridge's lists do not know it.
    await halo.post("Tickets", [
      { id: ticketId, tags: [...before.map((t) => ({ text: t.text })), { text: "vip_by_hand" }] },
    ]);
    const { row } = await addSuppression(database(env.DB), {
      kind: "email",
      value: "hana@handtags.example",
      reason: null,
      origin: "api",
      createdBy: "test",
    });
    await runDncPropagation(env);
    expect(byTarget(await settled(row.id)).halopsa?.status).toBe("done");
    const tags = ((await halo.get(`Tickets/${ticketId}`)).tags as { text: string }[]).map(
      (t) => t.text,
    );
    expect(tags).toEqual(expect.arrayContaining(["vip_by_hand", "dnc_list"]));
    for (const t of before) expect(tags).toContain(t.text);
  });

  it("250 suppressed people cost 3 ticket reads, 3 ticket POSTs and 3 note POSTs", async () => {
    const ctx = await importContext(env, {
      actor: "test",
      requestId: null,
      options: DEFAULT_IMPORT_OPTIONS,
      dryRun: false,
      maxWaitMs: 30_000,
    });
    const people = Array.from({ length: 250 }, (_, i) => ({
      index: i,
      source: "generic",
      data: {
        first_name: `Many${i}`,
        last_name: "Quiet",
        email: `many${i}@bulk-dnc.example`,
        company: "Bulk DNC",
      },
    }));
    const outcomes = await importLeads(ctx, people);
    expect(outcomes.filter((o) => o.action === "created")).toHaveLength(250);

    // This test counts HaloPSA calls; Apollo's pushes are shown below (and would spend 500
    // calls of its 200-a-minute window here).
    await patchConfig({ providers: { apollo: { enabled: false } } });
    const before = await tenant.stats();
    await addSuppressions(
      database(env.DB),
      people.map((p) => ({
        kind: "email" as const,
        value: p.data.email,
        reason: "bulk opt-out",
        origin: "api",
        createdBy: "test",
      })),
    );
    // Drive the queue's work until nothing is pending (a queued message may take a share).
    for (let i = 0; i < 10; i++) {
      const run = await runDncPropagation(env);
      if (run.suppressions === 0) break;
    }
    const left = await env.DB.prepare(
      "SELECT count(*) AS n FROM suppression_propagations WHERE target = 'halopsa' AND status = 'pending'",
    ).first<{ n: number }>();
    expect(left?.n).toBe(0);
    const after = await tenant.stats();
    const delta = (route: string) =>
      (after.requests_by_route[route] ?? 0) - (before.requests_by_route[route] ?? 0);
    console.log(
      JSON.stringify({
        dnc_250: {
          ticket_posts: delta("POST /api/tickets"),
          action_posts: delta("POST /api/actions"),
          ticket_reads: delta("GET /api/tickets"),
          halo_requests: after.requests_total - before.requests_total,
        },
      }),
    );
    // One ticket read (by `ticketids`), one ticket POST and one note POST per 100 tickets; no
    // per-ticket reads.
    expect(delta("GET /api/tickets")).toBe(3);
    expect(delta("POST /api/tickets")).toBe(3);
    expect(delta("POST /api/actions")).toBe(3);
    expect(after.requests_total - before.requests_total).toBeLessThanOrEqual(9);
    const flagged = await env.DB.prepare(
      "SELECT count(*) AS n FROM leads WHERE email LIKE '%@bulk-dnc.example' AND status = 'do_not_contact'",
    ).first<{ n: number }>();
    expect(flagged?.n).toBe(250);
    await patchConfig({ providers: { apollo: { enabled: true } } });
  }, 240_000);
});

describe("Do-Not-Contact to the providers", () => {
  it("a HaloPSA-origin suppression: Apollo contact in the DNC stage, ZoomInfo/Hunter have no API, HaloPSA untouched", async () => {
    const posts = await ticketPosts();
    const { row } = await addSuppression(database(env.DB), {
      kind: "email",
      value: "olga@from-halo.example",
      reason: "CF_105 set in HaloPSA",
      origin: "halopsa",
      createdBy: "halopsa-webhook",
    });
    await runDncPropagation(env);
    const detail = await settled(row.id);
    const t = byTarget(detail);
    expect(t.halopsa?.status).toBe("skipped");
    expect(t.apollo?.status).toBe("done");
    expect(t.zoominfo?.status).toBe("no_provider_api");
    expect(t.hunter?.status).toBe("no_provider_api");
    expect(t.zoominfo?.detail).toContain("no provider API");
    expect(await ticketPosts()).toBe(posts);

    const contact = (await apolloContacts()).find((c) => c.email === "olga@from-halo.example");
    expect(contact?.contact_stage_id).toBe(DNC_STAGE);
    expect(contact?.contact_stage_name).toBe("Do Not Contact");

    // Pushing the same person again finds the saved contact instead of saving a second one.
    const again = await addSuppression(database(env.DB), {
      kind: "domain",
      value: "from-halo.example",
      reason: null,
      origin: "halopsa",
      createdBy: "halopsa-webhook",
    });
    await runDncPropagation(env);
    expect(byTarget(await settled(again.row.id)).apollo?.status).toBe("skipped");
    expect(
      (await apolloContacts()).filter((c) => c.email === "olga@from-halo.example"),
    ).toHaveLength(1);

    const audit = await env.DB.prepare(
      "SELECT detail FROM audit_log WHERE action = 'suppression.propagated' AND entity_id = ?",
    )
      .bind(row.id)
      .first<{ detail: string }>();
    const results = JSON.parse(audit?.detail ?? "{}").results as Record<string, { status: string }>;
    expect(results.zoominfo?.status).toBe("no_provider_api");
    expect(results.apollo?.status).toBe("done");
  });

  it("an existing Apollo contact is moved, not duplicated", async () => {
    await fetch(`${tenant.baseUrl}/apollo/api/v1/contacts`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "test-apollo-key" },
      body: JSON.stringify({
        first_name: "Saved",
        last_name: "Before",
        email: "saved@apollo-team.example",
      }),
    });
    const { row } = await addSuppression(database(env.DB), {
      kind: "email",
      value: "saved@apollo-team.example",
      reason: null,
      origin: "api",
      createdBy: "test",
    });
    await runDncPropagation(env);
    expect(byTarget(await settled(row.id)).apollo?.detail).toMatch(/^contact /);
    const saved = (await apolloContacts()).filter((c) => c.email === "saved@apollo-team.example");
    expect(saved).toHaveLength(1);
    expect(saved[0]?.contact_stage_name).toBe("Do Not Contact");
  });
});

describe("Apollo's Do Not Contact stage", () => {
  it("is read from contact_stages, cached, and suppresses a contact in it", async () => {
    const { resolveApolloDncStageIds } = await import("../../src/pipeline/apollo-dnc-stages");
    const { ApolloClient } = await import("../../src/providers/apollo/client");
    const { loadConfig } = await import("../../src/db/config-repo");
    const db = database(env.DB);
    const { config } = await loadConfig(db);
    const client = new ApolloClient({
      baseUrl: `${tenant.baseUrl}/apollo`,
      apiKey: "test-apollo-key",
    });
    const ids = await resolveApolloDncStageIds(db, config, client, new Date());
    expect(ids.kind === "ok" && ids.data).toEqual([DNC_STAGE]);

    const res = await api<{ action: string }>("/sync/leads", {
      method: "POST",
      headers: auth,
      json: {
        source: "apollo",
        data: {
          person: {
            id: "5f00000000000000000000d1",
            first_name: "Stage",
            last_name: "Dnc",
            email: "stage.dnc@apollo-stage.example",
            organization: { name: "Stage Co", primary_domain: "apollo-stage.example" },
            contact: { id: "c-1", contact_stage_id: DNC_STAGE },
          },
        },
      },
    });
    expect(res.body.action).toBe("suppressed");
    const list = await api<{ suppressions: { origin: string }[] }>(
      "/suppressions?kind=email&value=stage.dnc@apollo-stage.example",
      { headers: auth },
    );
    expect(list.body.suppressions[0]?.origin).toBe("apollo");
  });
});

describe("DELETE /suppressions/{id}", () => {
  it("lifts the import block and flips nothing back", async () => {
    const lead = await sync("ula@lifted.example", "Ula");
    const ticketId = lead.body.halopsa.ticket_id;
    const added = await api<{ id: string }>("/suppressions", {
      method: "POST",
      headers: auth,
      json: { kind: "email", value: "ula@lifted.example" },
    });
    await settled(added.body.id);
    const posts = await ticketPosts();
    const removed = await api(`/suppressions/${added.body.id}`, {
      method: "DELETE",
      headers: auth,
    });
    expect(removed.status).toBe(204);
    expect((await api(`/suppressions/${added.body.id}`, { headers: auth })).status).toBe(404);
    await runDncPropagation(env);
    expect(await ticketPosts()).toBe(posts);
    const ticket = await halo.get(`Tickets/${ticketId}`);
    expect(ticket.status_id).toBe(DNC_STATUS);
    expect((ticket.tags as { text: string }[]).map((t) => t.text)).toContain("dnc_list");
    // The block is lifted: the person imports again (merged, not suppressed).
    const again = await sync("ula@lifted.example", "Ula");
    expect(["updated", "preserved"]).toContain(
      (again.body as unknown as { action: string }).action,
    );
    const audit = await env.DB.prepare(
      "SELECT count(*) AS n FROM audit_log WHERE action = 'suppression.removed' AND entity_id = ?",
    )
      .bind(added.body.id)
      .first<{ n: number }>();
    expect(audit?.n).toBe(1);
  });

  it("needs the admin scope", async () => {
    const { issueKey, bearer } = await import("../helpers/keys");
    const writer = bearer(await issueKey(["write"]));
    const res = await api("/suppressions/sup_01jd0000000000000000000000", {
      method: "DELETE",
      headers: writer,
    });
    expect(res.status).toBe(403);
  });
});

describe("GET /feedback", () => {
  it("serves what no provider API accepts, as JSON and CSV, paged", async () => {
    const json = await api<{
      feedback: { provider: string; kind: string; email: string | null }[];
      pagination: { next_cursor: string | null };
    }>("/feedback?provider=zoominfo&limit=2", { headers: auth });
    expect(json.status).toBe(200);
    expect(json.body.feedback).toHaveLength(2);
    expect(json.body.feedback.every((f) => f.provider === "zoominfo" && f.kind === "opt_out")).toBe(
      true,
    );
    expect(json.body.pagination.next_cursor).toMatch(/^fb_/);
    const next = await api<{ feedback: { id: string }[] }>(
      `/feedback?provider=zoominfo&limit=2&cursor=${json.body.pagination.next_cursor}`,
      { headers: auth },
    );
    expect(next.body.feedback).toHaveLength(2);

    const csv = await api<string>("/feedback?provider=hunter&limit=200", {
      headers: { ...auth, Accept: "text/csv" },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("Content-Type")).toContain("text/csv");
    const lines = csv.body.trim().split("\r\n");
    expect(lines[0]).toBe("id,provider,kind,lead_id,email,detail,created_at");
    expect(lines.some((l) => l.includes('"olga@from-halo.example"'))).toBe(true);
    const viaQuery = await api<string>("/feedback?provider=hunter&format=csv&limit=1", {
      headers: auth,
    });
    expect(viaQuery.body.trim().split("\r\n")).toHaveLength(2);
    expect(viaQuery.headers.get("X-Next-Cursor")).toMatch(/^fb_/);
  });

  it("refuses an unknown provider with the field named", async () => {
    const res = await api<{ error: { code: string; details: { field: string } } }>(
      "/feedback?provider=linkedin",
      { headers: auth },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details.field).toBe("provider");
  });
});
