import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import type { SandboxTenant } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";

interface SyncAnalytics {
  period: { start: string; end: string };
  totals: { leads_imported: number; prospects_created: number; opportunities_won: number };
  by_source: Record<
    string,
    {
      leads: number;
      records: number;
      success_rate: number | null;
      duplicates_prevented: number;
      suppressed: number;
    }
  >;
  funnel: { leads: number; prospects: number; opportunities: number; won: number };
  outcomes: {
    created: number;
    updated: number;
    preserved: number;
    suppressed: number;
    rejected: number;
    failed: number;
  };
  providers: Record<string, { configured: boolean; credits_spent_today: number | null }>;
  duplicates_prevented: number;
  suppressed: number;
  halopsa: { calls: number | null; baseline_calls: number; calls_saved: number | null };
  timeline: {
    granularity: string;
    points: { start: string; source: string; leads: number; suppressed: number }[];
  };
}
interface Performance {
  response_times: { average: number | null; p95: number | null; p99: number | null };
  error_rates: { total: number; client: number; by_endpoint: Record<string, number> };
  throughput: { requests: number; requests_per_minute: number; data_processed_mb: number };
  endpoints: { route: string; requests: number; p95: number | null }[];
  halopsa: {
    calls: number;
    responses_429: number;
    window: { limit: number | null; used: number; remaining: number | null } | null;
  };
}
interface ErrorBody {
  error: { code: string; details: { field: string } };
}

let auth: Record<string, string>;
let tenant: SandboxTenant;
/** Every API request this file made, to compare with what /analytics/performance counted. */
let requests = 0;
const leadIds: Record<string, string> = {};

async function call<T>(path: string, init: Parameters<typeof api>[1] = {}) {
  requests += 1;
  return api<T>(path, { headers: auth, ...init });
}

const person = (n: string, company: string) => ({
  first_name: n,
  last_name: "Metric",
  email: `${n.toLowerCase()}@${company.toLowerCase()}.example`,
  company,
});

beforeAll(async () => {
  ({ auth, tenant } = await tenantApp("analytics"));
  // Three new people: two generic, one from ZoomInfo.
  for (const [source, data] of [
    ["generic", person("Ana", "Alpha")],
    ["generic", person("Ben", "Beta")],
    [
      "zoominfo",
      { firstName: "Cai", lastName: "Metric", email: "cai@gamma.example", companyName: "Gamma" },
    ],
  ] as const) {
    const res = await call<{ lead_id: string }>("/sync/leads", {
      method: "POST",
      json: { source, data },
    });
    expect(res.status).toBe(201);
    leadIds[data.email] = res.body.lead_id;
  }
  // Ana again: matched to the lead she already is (a duplicate prevented).
  const again = await call<{ action: string }>("/sync/leads", {
    method: "POST",
    json: { source: "generic", data: person("Ana", "Alpha") },
  });
  expect(["updated", "preserved"]).toContain(again.body.action);
  // Dee is on the Do-Not-Contact list: suppressed.
  expect(
    (
      await call("/suppressions", {
        method: "POST",
        json: { kind: "email", value: "dee@delta.example", reason: "asked" },
      })
    ).status,
  ).toBe(201);
  const suppressed = await call<{ action: string }>("/sync/leads", {
    method: "POST",
    json: { source: "generic", data: person("Dee", "Delta") },
  });
  expect(suppressed.body.action).toBe("suppressed");
  // No identity at all: rejected.
  const rejected = await call("/sync/leads", {
    method: "POST",
    json: { source: "generic", data: { company: "Nobody Inc" } },
  });
  expect(rejected.status).toBe(400);
  // HaloPSA fails every write: Eve's import fails.
  await tenant.knobs({ error_rate: 1 });
  const failed = await call("/sync/leads", {
    method: "POST",
    json: { source: "generic", data: person("Eve", "Epsilon") },
  });
  expect(failed.status).toBe(502);
  await tenant.knobs({ error_rate: 0 });

  // The lifecycle moves (no lifecycle routes yet): Ben becomes a prospect, Cai a won opportunity.
  await env.DB.prepare("UPDATE leads SET stage = 'prospect', status = 'qualified' WHERE id = ?")
    .bind(leadIds["ben@beta.example"])
    .run();
  await env.DB.prepare("UPDATE leads SET stage = 'opportunity', status = 'won' WHERE id = ?")
    .bind(leadIds["cai@gamma.example"])
    .run();
});

describe("GET /analytics/sync", () => {
  it("counts what the imports did, with the funnel and the HaloPSA calls saved", async () => {
    const res = await call<SyncAnalytics>("/analytics/sync");
    expect(res.status).toBe(200);
    const a = res.body;
    expect(a.totals).toEqual({ leads_imported: 3, prospects_created: 2, opportunities_won: 1 });
    expect(a.funnel).toEqual({ leads: 3, prospects: 2, opportunities: 1, won: 1 });
    expect(a.outcomes.created).toBe(3);
    expect(a.outcomes.updated + a.outcomes.preserved).toBe(1);
    expect(a.outcomes).toMatchObject({ suppressed: 1, rejected: 1, failed: 1 });
    expect(a.duplicates_prevented).toBe(1);
    expect(a.suppressed).toBe(1);
    // generic: created Ana and Ben, matched Ana, suppressed Dee, rejected one, failed Eve.
    expect(a.by_source.generic).toEqual({
      leads: 2,
      records: 6,
      success_rate: 0.6,
      duplicates_prevented: 1,
      suppressed: 1,
    });
    expect(a.by_source.zoominfo).toEqual({
      leads: 1,
      records: 1,
      success_rate: 1,
      duplicates_prevented: 0,
      suppressed: 0,
    });
    // Every HaloPSA request LeadBridge sent, as the sandbox counted them.
    const stats = await tenant.stats();
    expect(a.halopsa.calls).toBe(stats.requests_total);
    expect(a.halopsa.baseline_calls).toBe(3 * 8 + 1 * 4);
    expect(a.halopsa.calls_saved).toBe(a.halopsa.baseline_calls - stats.requests_total);
    expect(a.timeline.granularity).toBe("day");
    // No provider sync ran: each configured provider's gate has spent nothing today.
    expect(a.providers.apollo).toMatchObject({ configured: true, credits_spent_today: 0 });
    expect(a.timeline.points.filter((p) => p.source === "generic").map((p) => p.leads)).toEqual([
      2,
    ]);
  });

  it("filters by source and by date", async () => {
    const zoominfo = await call<SyncAnalytics>("/analytics/sync?source=zoominfo");
    expect(zoominfo.body.totals).toEqual({
      leads_imported: 1,
      prospects_created: 1,
      opportunities_won: 1,
    });
    expect(Object.keys(zoominfo.body.by_source)).toEqual(["zoominfo"]);
    expect(zoominfo.body.halopsa.calls).toBeNull();

    const past = await call<SyncAnalytics>(
      "/analytics/sync?start_date=2020-01-01&end_date=2020-01-31",
    );
    expect(past.body.period).toEqual({
      start: "2020-01-01T00:00:00.000Z",
      end: "2020-02-01T00:00:00.000Z",
    });
    expect(past.body.totals).toEqual({
      leads_imported: 0,
      prospects_created: 0,
      opportunities_won: 0,
    });
    expect(past.body.funnel.leads).toBe(0);
    expect(past.body.halopsa.calls).toBe(0);

    const today = new Date().toISOString().slice(0, 10);
    const day = await call<SyncAnalytics>(`/analytics/sync?start_date=${today}&end_date=${today}`);
    expect(day.body.totals.leads_imported).toBe(3);
    expect(day.body.timeline.granularity).toBe("hour");
  });

  it("answers 400 naming the parameter at fault", async () => {
    for (const [query, field] of [
      ["start_date=yesterday", "start_date"],
      ["end_date=2026-02-30T25:00:00Z", "end_date"],
      ["source=linkedin", "source"],
      ["start_date=2026-02-01&end_date=2026-01-01", "end_date"],
    ] as const) {
      const res = await call<ErrorBody>(`/analytics/sync?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_ERROR");
      expect(res.body.error.details.field, query).toBe(field);
    }
  });

  it("needs a key", async () => {
    const res = await api<ErrorBody>("/analytics/sync");
    requests += 1;
    expect(res.status).toBe(401);
  });
});

describe("GET /analytics/performance", () => {
  it("counts every request by route pattern, with HaloGate's window", async () => {
    const res = await call<Performance>("/analytics/performance");
    expect(res.status).toBe(200);
    const p = res.body;
    // This request is counted after it answers: everything before it is in. (The test helper
    // reads the OpenAPI document to check answers against it: not one of ours.)
    const ours = p.endpoints.filter((e) => e.route !== "GET /api/v1/openapi.json");
    expect(ours.reduce((n, e) => n + e.requests, 0)).toBe(requests - 1);
    expect(p.throughput.requests).toBe(p.endpoints.reduce((n, e) => n + e.requests, 0));
    const sync = p.endpoints.find((e) => e.route === "POST /api/v1/sync/leads");
    expect(sync?.requests).toBe(7);
    expect(p.error_rates.by_endpoint["POST /api/v1/sync/leads"]).toBeCloseTo(1 / 7, 3);
    expect(p.endpoints.some((e) => e.route.includes("yesterday"))).toBe(false);
    expect(p.response_times.p95).toBeGreaterThan(0);
    expect(p.response_times.p99).toBeGreaterThanOrEqual(p.response_times.p95 ?? 0);
    expect(p.throughput.data_processed_mb).toBeGreaterThan(0);
    const stats = await tenant.stats();
    expect(p.halopsa.calls).toBe(stats.requests_total);
    expect(p.halopsa.window?.limit).toBe(500);
    expect(p.halopsa.window?.used).toBeGreaterThan(0);

    const later = await call<Performance>("/analytics/performance");
    expect(later.body.throughput.requests).toBe(p.throughput.requests + 1);
  });

  it("answers 400 on a bad date", async () => {
    const res = await call<ErrorBody>("/analytics/performance?start_date=2026-01-01T00:00");
    expect(res.status).toBe(400);
    expect(res.body.error.details.field).toBe("start_date");
  });
});
