import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { database } from "../../src/db/client";
import { finishRun } from "../../src/db/sync-cursors-repo";
import { EVENT_TYPES } from "../../src/domain/webhook-events";
import { finish } from "../../src/jobs/chunk-runner";
import { createImportJob } from "../../src/jobs/create-job";
import { api } from "../helpers/api";
import { HaloDirect } from "../helpers/halo-direct";
import { JOB_OPTIONS } from "../helpers/jobs";
import { bearer, issueKey } from "../helpers/keys";
import type { SandboxTenant } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";
import { captureDeliveries } from "./helpers";

interface Webhook {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  active: boolean;
  description: string | null;
  secret?: string;
}

let tenant: SandboxTenant;
let auth: Record<string, string>;

beforeAll(async () => {
  ({ tenant, auth } = await tenantApp("webhook-api"));
});
beforeEach(() => {
  vi.restoreAllMocks();
  captureDeliveries();
});

const URL_OK = "https://hooks.example.com/leadbridge";

async function events(type: string) {
  const rows = await env.DB.prepare("SELECT payload FROM webhook_events WHERE type = ? ORDER BY id")
    .bind(type)
    .all<{ payload: string }>();
  return rows.results.map(
    (r) => JSON.parse(r.payload) as { id: string; type: string; data: Record<string, unknown> },
  );
}

describe("webhook subscriptions API", () => {
  it("registers (seed body), shows the generated secret once, lists, reads, updates, deletes", async () => {
    const created = await api<Webhook>("/webhooks", {
      method: "POST",
      headers: auth,
      json: { url: URL_OK, events: ["lead.created", "opportunity.won"], active: true },
    });
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^wh_/);
    expect(created.body.secret).toMatch(/^whsec_/);
    expect(created.body).toMatchObject({ enabled: true, active: true });

    const list = await api<{ webhooks: Webhook[] }>("/webhooks", { headers: auth });
    expect(list.status).toBe(200);
    expect(list.body.webhooks.map((w) => w.id)).toContain(created.body.id);
    const text = JSON.stringify(list.body);
    expect(text).not.toContain("whsec_");
    expect(text).not.toContain('"secret"');
    const one = await api<Webhook>(`/webhooks/${created.body.id}`, { headers: auth });
    expect(one.body.secret).toBeUndefined();

    const patched = await api<Webhook>(`/webhooks/${created.body.id}`, {
      method: "PATCH",
      headers: auth,
      json: { events: ["*"], description: "CRM bridge", enabled: false },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      events: ["*"],
      description: "CRM bridge",
      enabled: false,
    });

    const gone = await api(`/webhooks/${created.body.id}`, { method: "DELETE", headers: auth });
    expect(gone.status).toBe(204);
    const after = await api<{ error: { code: string } }>(`/webhooks/${created.body.id}`, {
      headers: auth,
    });
    expect(after.status).toBe(404);
    expect(after.body.error.code).toBe("RESOURCE_NOT_FOUND");

    const audit = await api<{ entries: { action: string; entity_id: string; detail: unknown }[] }>(
      "/audit?entity=webhook",
      { headers: auth },
    );
    const mine = audit.body.entries.filter((e) => e.entity_id === created.body.id);
    expect(mine.map((e) => e.action).sort()).toEqual([
      "webhook.created",
      "webhook.deleted",
      "webhook.updated",
    ]);
    expect(JSON.stringify(mine)).not.toContain("whsec_");
  });

  it("keeps a secret the caller gives, and refuses a malformed one", async () => {
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ok = await api<Webhook>("/webhooks", {
      method: "POST",
      headers: auth,
      json: { url: URL_OK, events: ["ping"], secret },
    });
    expect(ok.body.secret).toBe(secret);
    const bad = await api<{ error: { code: string; details: { field: string } } }>("/webhooks", {
      method: "POST",
      headers: auth,
      json: { url: URL_OK, events: ["ping"], secret: "whsec_c2hvcnQ=" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.field).toBe("secret");
  });

  it("answers bad input with 400 and the field, never 500", async () => {
    const cases: [unknown, string][] = [
      [{ url: URL_OK, events: ["lead.exploded"] }, "events.0"],
      [{ url: URL_OK, events: [] }, "events"],
      [{ events: ["ping"] }, "url"],
      [{ url: URL_OK, events: ["ping"], colour: "red" }, ""],
    ];
    for (const [json, field] of cases) {
      const res = await api<{ error: { code: string; details: { field: string } } }>("/webhooks", {
        method: "POST",
        headers: auth,
        json,
      });
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_ERROR");
      if (field) expect(res.body.error.details.field).toBe(field);
    }
    const patch = await api(`/webhooks/wh_01jd0000000000000000000000`, {
      method: "PATCH",
      headers: auth,
      json: {},
    });
    expect(patch.status).toBe(400);
    const missing = await api(`/webhooks/wh_01jd0000000000000000000000`, {
      method: "PATCH",
      headers: auth,
      json: { enabled: true },
    });
    expect(missing.status).toBe(404);
    const badId = await api(`/webhooks/123`, { headers: auth });
    expect(badId.status).toBe(400);
  });

  it("is admin-only", async () => {
    const write = await issueKey(["write"]);
    expect((await api("/webhooks", { headers: bearer(write) })).status).toBe(403);
    expect((await api("/webhooks")).status).toBe(401);
  });

  it("replays a POST with the same Idempotency-Key instead of registering twice", async () => {
    const headers = { ...auth, "Idempotency-Key": `wh-${crypto.randomUUID()}` };
    const json = { url: URL_OK, events: ["ping"] };
    const first = await api<Webhook>("/webhooks", { method: "POST", headers, json });
    const second = await api<Webhook>("/webhooks", { method: "POST", headers, json });
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers.get("Idempotent-Replayed")).toBe("true");
  });

  it("documents every event as an OpenAPI 3.1 webhook with its payload schema", async () => {
    const doc = await api<{
      webhooks: Record<string, { post: { requestBody: { content: Record<string, unknown> } } }>;
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    }>("/openapi.json");
    expect(Object.keys(doc.body.webhooks).sort()).toEqual([...EVENT_TYPES].sort());
    const created = JSON.stringify(doc.body.webhooks["lead.created"]);
    expect(created).toContain("webhook-signature");
    expect(created).toContain("#/components/schemas/WebhookEvent_lead_created");
    expect(JSON.stringify(doc.body.components.schemas.WebhookEvent_lead_created)).toContain(
      "lead_id",
    );
    expect(doc.body.paths["/api/v1/webhooks/{id}/deliveries/{delivery_id}/replay"]).toBeDefined();
  });
});

describe("events produced today", () => {
  it("lead.updated and lead.status_changed when an import reads back a moved ticket", async () => {
    const halo = new HaloDirect(tenant);
    const lead = {
      first_name: "Edsger",
      last_name: "Dijkstra",
      email: "edsger@shortest-path.example",
      company: "Shortest Path BV",
      title: "Researcher",
    };
    const first = await api<{ lead_id: string; halopsa: { ticket_id: number } }>("/sync/leads", {
      method: "POST",
      headers: auth,
      json: { source: "generic", data: lead },
    });
    // A salesperson moves the ticket to "Researching" (status 2) in HaloPSA.
    await halo.post("Tickets", [{ id: first.body.halopsa.ticket_id, status_id: 2 }]);
    const again = await api<{ action: string }>("/sync/leads", {
      method: "POST",
      headers: auth,
      json: { source: "generic", data: { ...lead, phone: "+31 20 555 0101" } },
    });
    expect(again.body.action).toBe("updated");
    const updated = (await events("lead.updated")).filter(
      (e) => e.data.lead_id === first.body.lead_id,
    );
    expect(updated).toHaveLength(1);
    expect(updated[0]?.data.fields_updated).toContain("user.phonenumber");
    const changed = (await events("lead.status_changed")).filter(
      (e) => e.data.lead_id === first.body.lead_id,
    );
    expect(changed.map((e) => e.data)).toEqual([
      {
        lead_id: first.body.lead_id,
        from: { stage: "lead", status: "new_lead" },
        to: { stage: "lead", status: "researching" },
        observed_in: "halopsa",
      },
    ]);
  });

  it("lead.suppressed, and contact.suppressed with its origin for API and provider opt-outs", async () => {
    await api("/suppressions", {
      method: "POST",
      headers: auth,
      json: { kind: "domain", value: "blocked-corp.example" },
    });
    // Added twice: the second add changes nothing and announces nothing.
    await api("/suppressions", {
      method: "POST",
      headers: auth,
      json: { kind: "domain", value: "blocked-corp.example" },
    });
    await api("/sync/leads", {
      method: "POST",
      headers: auth,
      json: {
        source: "generic",
        data: { first_name: "Al", last_name: "Blocked", email: "al@blocked-corp.example" },
      },
    });
    await api("/sync/leads", {
      method: "POST",
      headers: auth,
      json: {
        source: "generic",
        data: {
          first_name: "Una",
          last_name: "Subscribed",
          email: "una@optout.example",
          company: "Opt Out Ltd",
          email_unsubscribed: true,
        },
      },
    });
    const contact = (await events("contact.suppressed")).map((e) => e.data);
    expect(contact.filter((d) => d.value === "blocked-corp.example")).toEqual([
      expect.objectContaining({ kind: "domain", origin: "api" }),
    ]);
    expect(contact.filter((d) => d.value === "una@optout.example")).toEqual([
      expect.objectContaining({ kind: "email", origin: "generic" }),
    ]);
    const suppressed = (await events("lead.suppressed")).map((e) => e.data);
    expect(suppressed.some((d) => String(d.dedup_key).includes("al@blocked-corp.example"))).toBe(
      true,
    );
  });

  it("job.completed once when a job finishes, and sync.failed when a provider run errors", async () => {
    vi.spyOn(env.JOBS, "sendBatch").mockResolvedValue(undefined as never);
    const job = await createImportJob(env, {
      kind: "bulk",
      source: "generic",
      records: [{ first_name: "No", last_name: "Email" }],
      options: JOB_OPTIONS,
      createdBy: "test",
      rejected: new Map([[0, [{ field: "email", code: "missing_identity", message: "no email" }]]]),
    });
    // Every lead was rejected up front: nothing pending, so two finishers race to complete it.
    const now = new Date();
    await Promise.all([finish(env, job.id, now), finish(env, job.id, now)]);
    const done = (await events("job.completed")).filter((e) => e.data.job_id === job.id);
    expect(done).toHaveLength(1);
    expect(done[0]?.data).toMatchObject({ status: "completed_with_errors", rejected: 1, total: 1 });

    await finishRun(
      database(env.DB),
      "apollo",
      "s1",
      { status: "error", pausedUntil: null, lastError: "401 invalid key" },
      now,
    );
    expect((await events("sync.failed")).map((e) => e.data)).toContainEqual({
      provider: "apollo",
      search_id: "s1",
      error: "401 invalid key",
    });
  });
});
