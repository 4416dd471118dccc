import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import { bearer, issueKey } from "../helpers/keys";
import type { SandboxTenant } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";

interface Mismatch {
  field: string;
  value: number;
  message: string;
  candidates: { id: number; name: string }[];
}
interface Refusal {
  error: {
    code: string;
    message: string;
    details: { field: string; candidates?: Mismatch["candidates"]; mismatches?: Mismatch[] };
  };
}
interface Check {
  state: "ok" | "mismatch" | "unverified";
  checked_at: string;
  config_version: number;
  mismatches: Mismatch[];
  reason: string | null;
  lookups_fetched_at: string | null;
}
interface Health {
  config: string;
  details?: { config?: Check };
}

let tenant: SandboxTenant;
let auth: Record<string, string>;

beforeAll(async () => {
  ({ tenant, auth } = await tenantApp("config-checks"));
});

const put = (json: unknown, headers = auth) =>
  api<Refusal & { version: number; verification: Check | null }>("/config", {
    method: "PUT",
    headers,
    json,
  });
const version = async () =>
  (await api<{ version: number }>("/config", { headers: auth })).body.version;

describe("PUT /config refuses settings that contradict each other", () => {
  const cases: [string, unknown, string][] = [
    ["hot threshold below warm", { lists: { hot_min_score: 50 } }, "lists.hot_min_score"],
    [
      "size bands out of order",
      { lists: { size_bands: { smb_max: 600 } } },
      "lists.size_bands.mid_market_max",
    ],
    [
      "two saved searches with one id",
      {
        providers: {
          apollo: {
            saved_searches: [
              { id: "cfo", filters: {} },
              { id: "cfo", filters: { per_page: 5 } },
            ],
          },
        },
      },
      "providers.apollo.saved_searches.1.id",
    ],
    [
      "two lead statuses on one id",
      { halopsa: { lifecycle: { lead: { statuses: { researching: 1 } } } } },
      "halopsa.lifecycle.lead.statuses.researching",
    ],
    [
      "a prospect status on a lead status's id",
      { halopsa: { lifecycle: { prospect: { statuses: { new_prospect: 3 } } } } },
      "halopsa.lifecycle.prospect.statuses.new_prospect",
    ],
    [
      "two custom fields on one id",
      { halopsa: { custom_fields: { services_offered: 101 } } },
      "halopsa.custom_fields.services_offered",
    ],
  ];
  for (const [what, patch, field] of cases) {
    it(`refuses ${what}, naming ${field}`, async () => {
      const before = await version();
      const res = await put(patch);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_ERROR");
      expect(res.body.error.details.field).toBe(field);
      expect(await version()).toBe(before);
    });
  }

  it("still accepts hot equal to warm and the seed's own bands", async () => {
    const res = await put({ lists: { hot_min_score: 70, warm_min_score: 70 } });
    expect(res.status).toBe(200);
    expect((await put({ lists: { hot_min_score: null, warm_min_score: null } })).status).toBe(200);
  });
});

describe("PUT /config checks HaloPSA ids against the tenant", () => {
  const cases: [string, unknown, string, { id: number; name: string }][] = [
    [
      "a status the tenant does not have",
      { halopsa: { lifecycle: { lead: { statuses: { new_lead: 999 } } } } },
      "halopsa.lifecycle.lead.statuses.new_lead",
      { id: 1, name: "New Lead" },
    ],
    [
      "an Incident ticket type for leads",
      { halopsa: { lifecycle: { lead: { ticket_type_id: 21 } } } },
      "halopsa.lifecycle.lead.ticket_type_id",
      { id: 1, name: "Lead" },
    ],
    [
      "a custom field the tenant does not have",
      { halopsa: { custom_fields: { competitors: 999 } } },
      "halopsa.custom_fields.competitors",
      { id: 303, name: "Competitors" },
    ],
    [
      "a priority the tenant does not have",
      { halopsa: { lifecycle: { opportunity: { priority_id: 9 } } } },
      "halopsa.lifecycle.opportunity.priority_id",
      { id: 1, name: "Critical" },
    ],
  ];
  for (const [what, patch, field, candidate] of cases) {
    it(`refuses ${what} with the tenant's candidates`, async () => {
      const before = await version();
      const res = await put(patch);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_ERROR");
      expect(res.body.error.details.field).toBe(field);
      expect(res.body.error.details.candidates?.[0]).toEqual(candidate);
      expect(await version()).toBe(before);
    });
  }

  it("names every status an Incident ticket type would not take", async () => {
    const res = await put({ halopsa: { lifecycle: { lead: { ticket_type_id: 21 } } } });
    const fields = res.body.error.details.mismatches?.map((m) => m.field) ?? [];
    expect(fields).toContain("halopsa.lifecycle.lead.statuses.researching");
    // New Lead (1) is one the tenant allows on Incidents too.
    expect(fields).not.toContain("halopsa.lifecycle.lead.statuses.new_lead");
  });

  it("accepts ids the tenant has, and reports the check", async () => {
    const res = await put({ halopsa: { lifecycle: { lead: { priority_id: 2 } } } });
    expect(res.status).toBe(200);
    expect(res.body.verification).toMatchObject({ state: "ok", mismatches: [] });
    expect((await api<Health>("/health")).body.config).toBe("ok");
  });

  it("does not ask HaloPSA when a change touches no HaloPSA id", async () => {
    const before = await tenant.stats();
    const res = await put({ lists: { hot_min_score: 85 } });
    expect(res.status).toBe(200);
    expect(res.body.verification).toBeNull();
    expect((await tenant.stats()).requests_total).toBe(before.requests_total);
  });

  it("accepts a change while HaloPSA is unreachable and flags it unverified", async () => {
    await env.DB.prepare("DELETE FROM halo_lookups").run();
    await tenant.knobs({ error_rate: 1 });
    try {
      const res = await put({ halopsa: { lifecycle: { lead: { priority_id: 4 } } } });
      expect(res.status).toBe(200);
      expect(res.body.verification?.state).toBe("unverified");
      expect(res.body.verification?.reason).toContain("HaloPSA");
    } finally {
      await tenant.knobs({ error_rate: 0 });
    }
    const health = await api<Health>("/health");
    expect(health.body.config).toBe("unverified");
    // States only without a key: no field names, no ids.
    expect(health.body.details).toBeUndefined();
  });
});

describe("POST /config/verify", () => {
  it("reads the tenant afresh and answers the report; /health shows it", async () => {
    const res = await api<Check>("/config/verify", {
      method: "POST",
      headers: { ...auth, "Idempotency-Key": "verify-0001" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      state: "ok",
      mismatches: [],
      reason: null,
      config_version: await version(),
    });
    expect(Date.parse(res.body.checked_at)).not.toBeNaN();
    expect(res.body.lookups_fetched_at).toBe(res.body.checked_at);
    const health = await api<Health>("/health", { headers: auth });
    expect(health.body.config).toBe("ok");
    expect(health.body.details?.config?.state).toBe("ok");

    const replay = await api<Check>("/config/verify", {
      method: "POST",
      headers: { ...auth, "Idempotency-Key": "verify-0001" },
    });
    expect(replay.body.checked_at).toBe(res.body.checked_at);
    const audited = await env.DB.prepare(
      "SELECT count(*) AS n FROM audit_log WHERE action = 'config.verified'",
    ).first<{ n: number }>();
    expect(audited?.n).toBe(1);
  });

  it("reports a stored configuration the tenant does not fit as a mismatch", async () => {
    // Stored while HaloPSA was down: PUT had to accept it unverified.
    await env.DB.prepare("DELETE FROM halo_lookups").run();
    await tenant.knobs({ error_rate: 1 });
    try {
      const res = await put({ halopsa: { custom_fields: { competitors: 998 } } });
      expect(res.body.verification?.state).toBe("unverified");
    } finally {
      await tenant.knobs({ error_rate: 0 });
    }
    const res = await api<Check>("/config/verify", { method: "POST", headers: auth });
    expect(res.status).toBe(200);
    expect(res.body.state).toBe("mismatch");
    expect(res.body.mismatches).toEqual([
      {
        field: "halopsa.custom_fields.competitors",
        value: 998,
        message: expect.stringContaining("no custom field 998"),
        candidates: expect.arrayContaining([{ id: 303, name: "Competitors" }]),
      },
    ]);
    const health = await api<Health>("/health", { headers: auth });
    expect(health.body.config).toBe("mismatch");
    expect(health.body.details?.config?.mismatches[0]?.field).toBe(
      "halopsa.custom_fields.competitors",
    );
    expect((await put({ halopsa: { custom_fields: { competitors: null } } })).status).toBe(200);
  });

  it("is admin-only", async () => {
    const reader = await issueKey(["read", "write"]);
    const res = await api("/config/verify", { method: "POST", headers: bearer(reader) });
    expect(res.status).toBe(403);
  });
});
