import { env, exports } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { database } from "../../src/db/client";
import { createImportJob } from "../../src/jobs/create-job";
import { recordHunterClaims } from "../../src/sync/hunter-claims";
import { api, BASE } from "../helpers/api";
import { JOB_OPTIONS } from "../helpers/jobs";
import { bearer, issueKey } from "../helpers/keys";

/**
 * Every change made through the API commits in the same D1 batch as its audit entry: whatever
 * fails, there is never a change without its entry nor an entry without its change. A change
 * that may find nothing to change (a concurrent delete or revoke got there first) records no
 * entry.
 */

let auth: Record<string, string>;

beforeAll(async () => {
  auth = bearer(await issueKey(["admin"]));
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** The SQL text of a prepared statement handed to `D1Database.batch`. */
function sqlOf(statement: D1PreparedStatement): string {
  const text = (statement as unknown as { statement?: unknown }).statement;
  if (typeof text !== "string") throw new Error("D1PreparedStatement no longer exposes its SQL");
  return text;
}

/**
 * Every batch that records an audit entry fails at its end, inside D1, after all of its
 * statements ran: a change committed in another round trip than its entry would survive it.
 */
function failBatchesThatAudit() {
  const real = env.DB.batch.bind(env.DB);
  const failing: string[][] = [];
  vi.spyOn(env.DB, "batch").mockImplementation(async (statements) => {
    const sqls = statements.map(sqlOf);
    if (!sqls.some((s) => /insert into "audit_log"/i.test(s))) return real(statements);
    failing.push(sqls);
    return real([...statements, env.DB.prepare("INSERT INTO no_such_table (x) VALUES (1)")]);
  });
  return failing;
}

/** A request the OpenAPI check does not see: a simulated D1 failure is an undocumented 500. */
async function raw(path: string, init: RequestInit & { json?: unknown } = {}) {
  const { json, ...rest } = init;
  const headers = new Headers({ ...auth, ...(rest.headers as Record<string, string>) });
  if (json !== undefined) headers.set("Content-Type", "application/json");
  const res = await exports.default.fetch(`${BASE}${path}`, {
    ...rest,
    headers,
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
  return { status: res.status, body: await res.text() };
}

async function audits(action: string, entityId?: string) {
  const rows = await env.DB.prepare(
    "SELECT entity_id, detail, request_id FROM audit_log WHERE action = ?1 AND (?2 IS NULL OR entity_id = ?2) ORDER BY id",
  )
    .bind(action, entityId ?? null)
    .all<{ entity_id: string; detail: string | null; request_id: string | null }>();
  return rows.results;
}

async function count(sql: string, ...params: unknown[]): Promise<number> {
  const row = await env.DB.prepare(sql)
    .bind(...params)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

const statuses = (results: { status: number }[]) => results.map((r) => r.status).sort();

describe("POST /suppressions", () => {
  it("a failure inside the batch leaves neither the entry, its pushes nor its audit row", async () => {
    const failing = failBatchesThatAudit();
    const res = await raw("/suppressions", {
      method: "POST",
      json: { kind: "email", value: "rollback@atomic.example" },
    });
    expect(res.status).toBe(500);
    expect(failing).toHaveLength(1);
    expect(
      await count("SELECT count(*) AS n FROM suppressions WHERE value = 'rollback@atomic.example'"),
    ).toBe(0);
    expect(await count("SELECT count(*) AS n FROM suppression_propagations")).toBe(0);
    expect(await audits("suppression.added")).toEqual([]);
  });

  it("records one entry for a new entry and none for a duplicate", async () => {
    const json = { kind: "email", value: "Once@Atomic.example", reason: "asked" };
    const first = await api<{ id: string }>("/suppressions", {
      method: "POST",
      headers: auth,
      json,
    });
    expect(first.status).toBe(201);
    const again = await api<{ id: string }>("/suppressions", {
      method: "POST",
      headers: auth,
      json,
    });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const rows = (await audits("suppression.added")).filter((r) =>
      (r.detail ?? "").includes("once@atomic.example"),
    );
    expect(rows.map((r) => r.entity_id)).toEqual([first.body.id]);
    expect(JSON.parse(rows[0]?.detail ?? "null")).toEqual({
      kind: "email",
      value: "once@atomic.example",
      reason: "asked",
    });
  });
});

describe("suppressions LeadBridge adds itself (Hunter's 451 claimed_email)", () => {
  it("a failure inside the batch leaves neither the entry, its pushes nor its audit row", async () => {
    const pushes = await count("SELECT count(*) AS n FROM suppression_propagations");
    const added = (await audits("suppression.added")).length;
    const failing = failBatchesThatAudit();
    await expect(
      recordHunterClaims(database(env.DB), ["claimed@atomic.example"], "email-finder", new Date()),
    ).rejects.toThrow();
    expect(failing).toHaveLength(1);
    expect(
      await count("SELECT count(*) AS n FROM suppressions WHERE value = 'claimed@atomic.example'"),
    ).toBe(0);
    expect(await count("SELECT count(*) AS n FROM suppression_propagations")).toBe(pushes);
    expect(await audits("suppression.added")).toHaveLength(added);
  });

  it("records the new entry's audit with it, and a repeated 451 as a confirmation", async () => {
    const db = database(env.DB);
    await recordHunterClaims(db, ["Again@Atomic.example"], "email-verifier", new Date());
    await recordHunterClaims(db, ["again@atomic.example"], "email-verifier", new Date());
    const id = (
      await env.DB.prepare(
        "SELECT id FROM suppressions WHERE value = 'again@atomic.example'",
      ).first<{
        id: string;
      }>()
    )?.id;
    expect(id).toMatch(/^sup_/);
    expect((await audits("suppression.added", id)).map((r) => r.entity_id)).toEqual([id]);
    expect((await audits("suppression.confirmed", id)).map((r) => r.entity_id)).toEqual([id]);
    expect(JSON.parse((await audits("suppression.added", id))[0]?.detail ?? "null")).toEqual({
      kind: "email",
      value: "again@atomic.example",
      provider: "hunter",
      endpoint: "email-verifier",
      http_status: 451,
    });
  });
});

describe("DELETE /suppressions/{id}", () => {
  async function suppress(value: string): Promise<string> {
    const res = await api<{ id: string }>("/suppressions", {
      method: "POST",
      headers: auth,
      json: { kind: "domain", value },
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  it("a failure inside the batch keeps the entry and records nothing", async () => {
    const id = await suppress("kept.atomic.example");
    failBatchesThatAudit();
    expect((await raw(`/suppressions/${id}`, { method: "DELETE" })).status).toBe(500);
    expect(await count("SELECT count(*) AS n FROM suppressions WHERE id = ?", id)).toBe(1);
    expect(
      await count(
        "SELECT count(*) AS n FROM suppression_propagations WHERE suppression_id = ? AND status = 'skipped' AND detail LIKE '%removed%'",
        id,
      ),
    ).toBe(0);
    expect(await audits("suppression.removed", id)).toEqual([]);
  });

  it("two concurrent deletes: one 204, one 404 and exactly one audit row", async () => {
    const id = await suppress("twice.atomic.example");
    const both = await Promise.all([
      api(`/suppressions/${id}`, { method: "DELETE", headers: auth }),
      api(`/suppressions/${id}`, { method: "DELETE", headers: auth }),
    ]);
    expect(statuses(both)).toEqual([204, 404]);
    const rows = await audits("suppression.removed", id);
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]?.detail ?? "null")).toMatchObject({
      kind: "domain",
      value: "twice.atomic.example",
      origin: "api",
    });
  });
});

describe("POST /keys and DELETE /keys/{id}", () => {
  it("a failure inside the batch issues no key and records nothing", async () => {
    failBatchesThatAudit();
    const res = await raw("/keys", {
      method: "POST",
      json: { name: "never-issued", scopes: ["read"] },
    });
    expect(res.status).toBe(500);
    expect(await count("SELECT count(*) AS n FROM api_keys WHERE name = 'never-issued'")).toBe(0);
    const created = await audits("api_key.created");
    expect(created.filter((r) => (r.detail ?? "").includes("never-issued"))).toEqual([]);
  });

  it("records the new key's entry with it", async () => {
    const res = await api<{ id: string }>("/keys", {
      method: "POST",
      headers: auth,
      json: { name: "audited", scopes: ["read", "read"] },
    });
    expect(res.status).toBe(201);
    const rows = await audits("api_key.created", res.body.id);
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]?.detail ?? "null")).toEqual({
      name: "audited",
      scopes: ["read"],
      rate_limits: null,
    });
  });

  async function newKey(): Promise<string> {
    const res = await api<{ id: string }>("/keys", {
      method: "POST",
      headers: auth,
      json: { name: "to-revoke", scopes: ["read"] },
    });
    return res.body.id;
  }

  it("a failure inside the revoke's batch leaves the key active and records nothing", async () => {
    const id = await newKey();
    failBatchesThatAudit();
    expect((await raw(`/keys/${id}`, { method: "DELETE" })).status).toBe(500);
    expect(
      await count("SELECT count(*) AS n FROM api_keys WHERE id = ? AND revoked_at IS NULL", id),
    ).toBe(1);
    expect(await audits("api_key.revoked", id)).toEqual([]);
  });

  it("two concurrent revokes: one 204, one 404 and exactly one audit row", async () => {
    const id = await newKey();
    const both = await Promise.all([
      api(`/keys/${id}`, { method: "DELETE", headers: auth }),
      api(`/keys/${id}`, { method: "DELETE", headers: auth }),
    ]);
    expect(statuses(both)).toEqual([204, 404]);
    const again = await api(`/keys/${id}`, { method: "DELETE", headers: auth });
    expect(again.status).toBe(404);
    expect(await audits("api_key.revoked", id)).toHaveLength(1);
  });
});

describe("PUT /config", () => {
  const version = async () => count("SELECT coalesce(max(version), 0) AS n FROM config_versions");

  it("a failure inside the batch stores no version, records nothing and is no 409", async () => {
    const before = await version();
    failBatchesThatAudit();
    const res = await raw("/config", { method: "PUT", json: { lists: { hot_min_score: 91 } } });
    expect(res.status).toBe(500);
    expect(await version()).toBe(before);
    expect(await audits("config.updated", String(before + 1))).toEqual([]);
  });

  it("two concurrent changes of the same version: one 200, one 409, one audit row", async () => {
    const before = await version();
    const put = (score: number) =>
      api("/config", {
        method: "PUT",
        headers: { ...auth, "If-Match": `"${before}"` },
        json: { lists: { hot_min_score: score } },
      });
    const both = await Promise.all([put(92), put(93)]);
    expect(statuses(both)).toEqual([200, 409]);
    expect(await version()).toBe(before + 1);
    const rows = await audits("config.updated", String(before + 1));
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]?.detail ?? "null")).toMatchObject({ from_version: before });
  });
});

describe("webhook subscriptions", () => {
  const url = (n: string) => `https://hooks.example.com/atomic/${n}`;
  async function register(name: string): Promise<string> {
    const res = await api<{ id: string }>("/webhooks", {
      method: "POST",
      headers: auth,
      json: { url: url(name), events: ["lead.created"] },
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }
  const exists = (id: string) =>
    count("SELECT count(*) AS n FROM webhook_subscriptions WHERE id = ?", id);

  it("a failure inside the batch registers nothing and records nothing", async () => {
    failBatchesThatAudit();
    const res = await raw("/webhooks", {
      method: "POST",
      json: { url: url("never"), events: ["lead.created"] },
    });
    expect(res.status).toBe(500);
    expect(
      await count("SELECT count(*) AS n FROM webhook_subscriptions WHERE url = ?", url("never")),
    ).toBe(0);
    const created = await audits("webhook.created");
    expect(created.filter((r) => (r.detail ?? "").includes(url("never")))).toEqual([]);
  });

  it("records the new endpoint's entry with it", async () => {
    const id = await register("created");
    const rows = await audits("webhook.created", id);
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]?.detail ?? "null")).toEqual({
      url: url("created"),
      events: ["lead.created"],
    });
  });

  it("a failure inside the delete's batch keeps the endpoint and records nothing", async () => {
    const id = await register("kept");
    failBatchesThatAudit();
    expect((await raw(`/webhooks/${id}`, { method: "DELETE" })).status).toBe(500);
    expect(await exists(id)).toBe(1);
    expect(await audits("webhook.deleted", id)).toEqual([]);
  });

  it("two concurrent deletes: one 204, one 404 and exactly one audit row", async () => {
    const id = await register("twice");
    const both = await Promise.all([
      api(`/webhooks/${id}`, { method: "DELETE", headers: auth }),
      api(`/webhooks/${id}`, { method: "DELETE", headers: auth }),
    ]);
    expect(statuses(both)).toEqual([204, 404]);
    expect(await exists(id)).toBe(0);
    expect(await audits("webhook.deleted", id)).toHaveLength(1);
  });

  it("an update racing a delete is audited only if it updated", async () => {
    const id = await register("raced");
    const [patched, deleted] = await Promise.all([
      api(`/webhooks/${id}`, {
        method: "PATCH",
        headers: auth,
        json: { description: "raced" },
      }),
      api(`/webhooks/${id}`, { method: "DELETE", headers: auth }),
    ]);
    expect(deleted.status).toBe(204);
    expect([200, 404]).toContain(patched.status);
    expect(await audits("webhook.updated", id)).toHaveLength(patched.status === 200 ? 1 : 0);
    expect(await audits("webhook.deleted", id)).toHaveLength(1);
  });
});

describe("POST /sync/jobs/{id}/retry", () => {
  /** A finished job with `failed` failed leads (chunk 0), its chunk messages swallowed. */
  async function failedJob(failed: number): Promise<string> {
    const swallow = vi.spyOn(env.JOBS, "sendBatch").mockResolvedValue(undefined as never);
    const created = await createImportJob(env, {
      kind: "bulk",
      source: "generic",
      records: Array.from({ length: failed }, (_, i) => ({
        first_name: `Retry${i}`,
        last_name: "Atomic",
        email: `retry${i}@atomic-${crypto.randomUUID().slice(0, 8)}.example`,
      })),
      options: JOB_OPTIONS,
      createdBy: "test",
    });
    swallow.mockRestore();
    await env.DB.batch([
      env.DB.prepare(
        "UPDATE job_items SET status = 'failed', error = 'HaloPSA answered 400' WHERE job_id = ?",
      ).bind(created.id),
      env.DB.prepare(
        "UPDATE jobs SET status = 'completed_with_errors', finished_at = '2026-01-01T00:00:00.000Z' WHERE id = ?",
      ).bind(created.id),
    ]);
    return created.id;
  }
  const failedItems = (id: string) =>
    count("SELECT count(*) AS n FROM job_items WHERE job_id = ? AND status = 'failed'", id);

  it("a failure inside the batch resets nothing, queues nothing and records nothing", async () => {
    const id = await failedJob(2);
    const send = vi.spyOn(env.JOBS, "sendBatch").mockResolvedValue(undefined as never);
    failBatchesThatAudit();
    expect((await raw(`/sync/jobs/${id}/retry`, { method: "POST" })).status).toBe(500);
    expect(await failedItems(id)).toBe(2);
    const job = await env.DB.prepare("SELECT status, finished_at FROM jobs WHERE id = ?")
      .bind(id)
      .first<{ status: string; finished_at: string | null }>();
    expect(job).toEqual({
      status: "completed_with_errors",
      finished_at: "2026-01-01T00:00:00.000Z",
    });
    expect(send).not.toHaveBeenCalled();
    expect(await audits("job.retried", id)).toEqual([]);
  });

  it("records what the retry did, counted in its own transaction", async () => {
    const id = await failedJob(3);
    const send = vi.spyOn(env.JOBS, "sendBatch").mockResolvedValue(undefined as never);
    const both = await Promise.all([
      api<{ replayed: number; resumed: number; chunks: number }>(`/sync/jobs/${id}/retry`, {
        method: "POST",
        headers: auth,
      }),
      api<{ replayed: number; resumed: number; chunks: number }>(`/sync/jobs/${id}/retry`, {
        method: "POST",
        headers: auth,
      }),
    ]);
    expect(statuses(both)).toEqual([202, 202]);
    // The three failed leads are replayed once between the two retries, whichever ran first.
    expect(both.map((r) => r.body.replayed).sort()).toEqual([0, 3]);
    expect(await failedItems(id)).toBe(0);
    const rows = await audits("job.retried", id);
    expect(rows).toHaveLength(2);
    const details = rows.map(
      (r) => JSON.parse(r.detail ?? "null") as { replayed: number; resumed: number },
    );
    // Each entry says what its own request answered (matched by request id).
    for (const res of both) {
      const requestId = res.headers.get("X-Request-Id");
      const row = rows.findIndex((r) => r.request_id === requestId);
      expect(row).toBeGreaterThanOrEqual(0);
      expect(details[row]).toEqual({
        replayed: res.body.replayed,
        resumed: res.body.resumed,
        chunks: res.body.chunks,
      });
    }
    const job = await env.DB.prepare("SELECT status, finished_at FROM jobs WHERE id = ?")
      .bind(id)
      .first<{ status: string; finished_at: string | null }>();
    expect(job).toEqual({ status: "queued", finished_at: null });
    expect(send).toHaveBeenCalled();
  });
});
