import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../../src/db/client";
import { loadConfig } from "../../src/db/config-repo";
import { loadSources } from "../../src/db/leads-repo";
import { haloPort } from "../../src/pipeline/halo-adapter";
import { importLeads } from "../../src/pipeline/import-leads";
import { DEFAULT_IMPORT_OPTIONS } from "../../src/pipeline/options";
import legacy from "../fixtures/providers/zoominfo-legacy-enrich.json";
import { api } from "../helpers/api";
import type { SandboxTenant } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";

// The same person from Apollo and ZoomInfo in one run (two providers' syncs sharing a queue
// batch): one lead is created from both records, and each provider's own record is kept, so a
// later re-send of either one is recognised as nothing new.
let tenant: SandboxTenant;
let auth: Record<string, string>;

beforeAll(async () => {
  ({ tenant, auth } = await tenantApp("batch-sources"));
});

const apollo = {
  person: {
    id: "5f00000000000000000000e1",
    first_name: "Maeve",
    last_name: "O'Connell",
    email: "maeve.oconnell@helvetia-data-example.ch",
    title: "CIO",
    organization: { name: "Helvetia Data AG", primary_domain: "helvetia-data-example.ch" },
  },
};

describe("one person from two providers in one run", () => {
  it("creates one lead, keeps both records, and answers either re-sent record with no call", async () => {
    const { config } = await loadConfig(database(env.DB));
    const outcomes = await importLeads(
      {
        db: database(env.DB),
        halo: haloPort(env, config, { maxWaitMs: 5_000 }),
        config,
        now: new Date(),
        actor: "test",
        requestId: null,
        options: DEFAULT_IMPORT_OPTIONS,
      },
      [
        { index: 0, source: "apollo", data: apollo },
        { index: 1, source: "zoominfo", data: legacy },
      ],
    );
    expect(outcomes.map((o) => o.action)).toEqual(["created", "merged"]);
    const leadId = outcomes[0]?.lead_id ?? "";
    expect(outcomes[1]?.lead_id).toBe(leadId);
    const stored = (await loadSources(database(env.DB), [leadId])).get(leadId) ?? [];
    expect(stored.map((s) => s.source).sort()).toEqual(["apollo", "zoominfo"]);

    const before = await tenant.stats();
    for (const [source, data] of [
      ["zoominfo", legacy],
      ["apollo", apollo],
    ] as const) {
      const res = await api<{ action: string; fields_updated: string[] }>("/sync/leads", {
        method: "POST",
        headers: auth,
        json: { source, data },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ action: "preserved", fields_updated: [] });
    }
    const after = await tenant.stats();
    expect(after.requests_total - before.requests_total).toBe(0);
  });
});
