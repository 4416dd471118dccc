import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_RATE_LIMITS } from "../../src/auth/rate-limit-policy";
import headerFixture from "../fixtures/ratelimit-headers.json";
import { api } from "../helpers/api";
import { bearer, issueKey } from "../helpers/keys";
import type { SandboxTenant } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";

interface Envelope {
  error: { code: string; details: { limit?: string; field?: string } };
}

/** The generic `X-RateLimit-*` triple as the reference vector reads it: integers, reset in epoch s. */
function triple(headers: Headers): { limit: number; remaining: number; reset: number } | null {
  const read = (name: string) => {
    const v = headers.get(name);
    return v !== null && /^\d+$/.test(v) ? Number(v) : null;
  };
  const limit = read("X-RateLimit-Limit");
  const remaining = read("X-RateLimit-Remaining");
  const reset = read("X-RateLimit-Reset");
  return limit === null || remaining === null || reset === null
    ? null
    : { limit, remaining, reset };
}

/** RFC 9110 delay-seconds only: what LeadBridge promises to send (never a date, never < 0). */
function delaySeconds(value: string | null): number | null {
  return value !== null && /^\d+$/.test(value) ? Number(value) : null;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

function person(i: number) {
  return {
    first_name: `Rate${i}`,
    last_name: "Limit",
    email: `rate${i}.${crypto.randomUUID().slice(0, 6)}@limits.example`,
    company: "Limits Ltd",
  };
}

describe("the header parsers against the reference vectors", () => {
  it("reads the vector's X-RateLimit triple and its Retry-After values", () => {
    expect(triple(new Headers(headerFixture.x_ratelimit_triple.example))).toEqual({
      limit: 100,
      remaining: 95,
      reset: 1640000000,
    });
    for (const v of headerFixture.retry_after) expect(delaySeconds(v.header)).toBe(v.delay_seconds);
  });
});

describe("per-key request limit", () => {
  it("lets 5 requests through a limit of 5 and answers the 6th 429 with the seed's headers", async () => {
    const key = await issueKey(["read"], "five", { requests_per_hour: 5 });
    const before = nowSeconds();
    for (let i = 1; i <= 5; i++) {
      const res = await api("/leads", { headers: bearer(key) });
      expect(res.status).toBe(200);
      const t = triple(res.headers);
      expect(t).toMatchObject({ limit: 5, remaining: 5 - i });
      expect(t?.reset).toBeGreaterThan(before);
      expect(t?.reset).toBeLessThanOrEqual(nowSeconds() + 3601);
    }
    const sixth = await api<Envelope>("/leads", { headers: bearer(key) });
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.code).toBe("RATE_LIMIT_EXCEEDED");
    expect(sixth.body.error.details.limit).toBe("requests_per_hour");
    const t = triple(sixth.headers);
    expect(t).toMatchObject({ limit: 5, remaining: 0 });
    const retryAfter = delaySeconds(sixth.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    // Retry-After never points earlier than the reset (the draft's rule, in whole seconds).
    expect(nowSeconds() + (retryAfter ?? 0)).toBeGreaterThanOrEqual((t?.reset ?? 0) - 1);
  });

  it("never lets more than 5 of 20 concurrent requests through", async () => {
    const key = await issueKey(["read"], "burst", { requests_per_hour: 5 });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => api("/leads", { headers: bearer(key) })),
    );
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 429);
    expect(ok).toHaveLength(5);
    expect(refused).toHaveLength(15);
    expect(ok.map((r) => r.headers.get("X-RateLimit-Remaining")).sort()).toEqual([
      "0",
      "1",
      "2",
      "3",
      "4",
    ]);
  });

  it("counts each key on its own", async () => {
    const a = await issueKey(["read"], "a", { requests_per_hour: 1 });
    const b = await issueKey(["read"], "b", { requests_per_hour: 1 });
    expect((await api("/leads", { headers: bearer(a) })).status).toBe(200);
    expect((await api("/leads", { headers: bearer(a) })).status).toBe(429);
    expect((await api("/leads", { headers: bearer(b) })).status).toBe(200);
  });

  it("puts the headers on error answers too, and counts them", async () => {
    const key = await issueKey(["read"], "errors", { requests_per_hour: 3 });
    const forbidden = await api("/keys", { headers: bearer(key) });
    expect(forbidden.status).toBe(403);
    expect(triple(forbidden.headers)).toMatchObject({ limit: 3, remaining: 2 });
    const missing = await api(`/leads/ld_${"0".repeat(26)}`, { headers: bearer(key) });
    expect(missing.status).toBe(404);
    expect(triple(missing.headers)).toMatchObject({ limit: 3, remaining: 1 });
  });
});

describe("defaults and per-key configuration", () => {
  it("gives a key without its own limits the seed's, and lets an admin change them", async () => {
    const admin = await issueKey(["admin"]);
    const created = await api<{ id: string; key: string; rate_limits: unknown }>("/keys", {
      method: "POST",
      headers: bearer(admin),
      json: { name: "defaults", scopes: ["read"] },
    });
    expect(created.status).toBe(201);
    expect(created.body.rate_limits).toEqual(DEFAULT_RATE_LIMITS);
    const first = await api("/leads", { headers: bearer(created.body.key) });
    expect(triple(first.headers)).toMatchObject({ limit: 1000, remaining: 999 });

    const patched = await api<{ rate_limits: unknown }>(`/keys/${created.body.id}`, {
      method: "PATCH",
      headers: bearer(admin),
      json: { rate_limits: { requests_per_hour: 2 } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.rate_limits).toEqual({ ...DEFAULT_RATE_LIMITS, requests_per_hour: 2 });
    // The window keeps what it used (1); the new limit applies from the next request.
    const second = await api("/leads", { headers: bearer(created.body.key) });
    expect(triple(second.headers)).toMatchObject({ limit: 2, remaining: 0 });
    expect((await api("/leads", { headers: bearer(created.body.key) })).status).toBe(429);

    const reset = await api<{ rate_limits: unknown }>(`/keys/${created.body.id}`, {
      method: "PATCH",
      headers: bearer(admin),
      json: { rate_limits: null },
    });
    expect(reset.body.rate_limits).toEqual(DEFAULT_RATE_LIMITS);
    expect((await api("/leads", { headers: bearer(created.body.key) })).status).toBe(200);
    // Each change is audited, committed with it.
    const audited = await env.DB.prepare(
      "SELECT detail FROM audit_log WHERE action = 'api_key.updated' AND entity_id = ? ORDER BY id",
    )
      .bind(created.body.id)
      .all<{ detail: string }>();
    expect(audited.results.map((r) => JSON.parse(r.detail))).toEqual([
      { rate_limits: { requests_per_hour: 2 } },
      { rate_limits: null },
    ]);
  });

  it("refuses limits out of range with the field named, and an unknown key with 404", async () => {
    const admin = await issueKey(["admin"]);
    const bad = await api<Envelope>("/keys", {
      method: "POST",
      headers: bearer(admin),
      json: { name: "bad", scopes: ["read"], rate_limits: { requests_per_hour: 0 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.field).toBe("rate_limits.requests_per_hour");
    const unknown = await api<Envelope>("/keys/abcdefabcdef", {
      method: "PATCH",
      headers: bearer(admin),
      json: { rate_limits: null },
    });
    expect(unknown.status).toBe(404);
  });
});

describe("bulk and concurrency limits", () => {
  let tenant: SandboxTenant;

  beforeAll(async () => {
    ({ tenant } = await tenantApp("ratelimit"));
  });

  it("allows the key's bulk imports per hour, refunds a refused one, and answers 429 after", async () => {
    const key = await issueKey(["write"], "bulk", { bulk_imports_per_hour: 2 });
    const bulk = (leads: unknown[]) =>
      api<Envelope>("/sync/leads/bulk", {
        method: "POST",
        headers: bearer(key),
        json: { source: "generic", leads },
      });
    // A request the route refuses (no leads) does not use up one of the hour's imports.
    expect((await bulk([])).status).toBe(400);
    expect((await bulk([person(1)])).status).toBe(202);
    expect((await bulk([person(2)])).status).toBe(202);
    const third = await bulk([person(3)]);
    expect(third.status).toBe(429);
    expect(third.body.error.details.limit).toBe("bulk_imports_per_hour");
    expect(triple(third.headers)).toMatchObject({ limit: 2, remaining: 0 });
    expect(delaySeconds(third.headers.get("Retry-After"))).toBeGreaterThan(0);
    // Other requests of the key still go through.
    expect((await api("/sync/jobs", { headers: bearer(key) })).status).toBe(200);
  });

  it("holds a sync slot while a sync runs and releases it when the sync answers", async () => {
    const key = await issueKey(["write"], "concurrent", { concurrent_syncs: 1 });
    const sync = (i: number) =>
      api<Envelope>("/sync/leads", {
        method: "POST",
        headers: bearer(key),
        json: { source: "generic", data: person(i) },
      });
    // One after the other: each finds the slot the previous one released.
    expect((await sync(10)).status).toBe(201);
    expect((await sync(11)).status).toBe(201);

    await tenant.knobs({ latency_ms: 1500 });
    try {
      const slow = sync(12);
      await new Promise((r) => setTimeout(r, 400));
      const second = await sync(13);
      expect(second.status).toBe(429);
      expect(second.body.error.details.limit).toBe("concurrent_syncs");
      expect(delaySeconds(second.headers.get("Retry-After"))).toBe(1);
      // Reads are not sync operations.
      expect((await api("/leads", { headers: bearer(key) })).status).toBe(200);
      expect((await slow).status).toBe(201);
    } finally {
      await tenant.knobs({ latency_ms: 0 });
    }
    expect((await sync(14)).status).toBe(201);
  });
});
