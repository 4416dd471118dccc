import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { database } from "../../src/db/client";
import { addSuppression } from "../../src/db/suppressions-repo";
import { dedupKey } from "../../src/domain/dedup-key";
import { normaliseRecord } from "../../src/providers";
import { ApolloClient } from "../../src/providers/apollo/client";
import { HunterClient } from "../../src/providers/hunter/client";
import { ZoomInfoClient } from "../../src/providers/zoominfo/client";
import { runProviderSync } from "../../src/sync/run";
import { jobInputs, ProviderSandbox, patchConfig } from "./helpers";

/** A lead LeadBridge already holds: a `leads` row plus its per-provider record. */
async function seedKnownLead(source: string, record: unknown, email: string | null): Promise<void> {
  const r = normaliseRecord(source, record, new Date());
  if (!r.ok) throw new Error("seed record does not normalise");
  const lead = r.leads[0];
  const key = lead ? dedupKey(lead) : null;
  if (!key) throw new Error("seed lead has no dedup key");
  const id = `ld_${crypto.randomUUID().replace(/-/g, "").slice(0, 26)}`;
  const at = new Date().toISOString();
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO leads (id, dedup_key, dedup_kind, email, stage, status, quality_score, source,
         sources, lists, canonical, written, updated_at)
       VALUES (?, ?, ?, ?, 'lead', 'new_lead', 50, ?, ?, '[]', ?, '{}', ?)`,
    ).bind(
      id,
      key.value,
      key.kind,
      email,
      source,
      JSON.stringify([source]),
      JSON.stringify(lead),
      at,
    ),
    env.DB.prepare(
      "INSERT INTO lead_sources (lead_id, source, record, received_at) VALUES (?, ?, ?, ?)",
    ).bind(id, source, JSON.stringify(lead), at),
  ]);
}

async function suppress(kind: "email" | "domain", value: string): Promise<void> {
  await addSuppression(database(env.DB), {
    kind,
    value,
    reason: "test",
    origin: "api",
    createdBy: "test",
  });
}

describe("credits are spent only on unknown, unsuppressed people", () => {
  it("Apollo: a known person and a suppressed domain cost nothing", async () => {
    const sandbox = new ProviderSandbox();
    const senv = sandbox.env();
    const apollo = new ApolloClient({ baseUrl: senv.APOLLO_BASE_URL, apiKey: "test-apollo-key" });
    // Learn two companies' domains and one person's full record, outside the run.
    const probe = await enrichOnePerCompany(apollo);
    const orgs = probe.domains;
    expect(orgs.length).toBeGreaterThanOrEqual(2);
    const [keepDomain, blockedDomain] = orgs as [string, string];
    const known = probe.matches.find(
      (m) => (m.organization as { primary_domain: string }).primary_domain === keepDomain,
    );
    await seedKnownLead("apollo", { person: known }, String(known?.email));
    await suppress("domain", blockedDomain);
    const creditsBefore = (await sandbox.stats()).apollo?.credits ?? 0;

    await patchConfig({
      providers: {
        apollo: {
          saved_searches: [
            {
              id: "credits",
              filters: { q_organization_domains_list: [keepDomain, blockedDomain] },
              max_pages_per_run: 5,
            },
          ],
        },
      },
    });
    const run = await runProviderSync(senv, "apollo", "credits");
    const stats = await sandbox.stats();
    const spent = stats.apollo?.charged.slice(probe.matches.length) ?? [];
    // The suppressed domain never reached the search; the known person was never enriched.
    const searched = (await sandbox.calls("apollo")).filter((c) => c.route.includes("api_search"));
    expect(JSON.stringify(searched.at(-1))).not.toContain(blockedDomain);
    expect(run.skipped_known).toBe(1);
    expect(spent).not.toContain(String(known?.id));
    expect(run.records_found).toBe(run.skipped_known + spent.length);
    expect((stats.apollo?.credits ?? 0) - creditsBefore).toBe(spent.length);
    expect(run.credits_spent).toBe(spent.length);
    const imported = await jobInputs(run.job_ids);
    expect(imported).toHaveLength(spent.length);
    for (const r of imported) {
      const domain = (r as { person: { organization: { primary_domain: string } } }).person
        .organization.primary_domain;
      expect(domain).toBe(keepDomain);
    }
  });

  it("ZoomInfo: people known by name and company are not enriched", async () => {
    const sandbox = new ProviderSandbox();
    const senv = sandbox.env();
    const zi = new ZoomInfoClient({ baseUrl: senv.ZOOMINFO_BASE_URL, apiKey: "test-zoominfo-key" });
    const page = await zi.searchContacts({ managementLevel: ["C-Level"] }, 1, 10);
    if (page.kind !== "ok") throw new Error("throttled");
    const [a, b] = page.data.contacts;
    // Known from another provider: same person and company, no ZoomInfo id in sight.
    await seedKnownLead(
      "generic",
      { first_name: a?.firstName, last_name: a?.lastName, company_name: a?.company?.name },
      null,
    );
    // Known by ZoomInfo id from an earlier import.
    await seedKnownLead("zoominfo", b, null);
    await patchConfig({
      providers: {
        zoominfo: {
          saved_searches: [
            {
              id: "clevel",
              filters: { managementLevel: ["C-Level"], rpp: 10 },
              max_pages_per_run: 1,
            },
          ],
        },
      },
    });
    const run = await runProviderSync(senv, "zoominfo", "clevel");
    const charged = (await sandbox.stats()).zoominfo?.charged ?? [];
    expect(run.skipped_known).toBe(2);
    expect(charged).not.toContain(String(a?.id));
    expect(charged).not.toContain(String(b?.id));
    expect(charged).toHaveLength(page.data.contacts.length - 2);
    expect(run.credits_spent).toBe(charged.length);
  });

  it("Hunter: a suppressed domain costs no search; known and suppressed emails are not imported", async () => {
    const sandbox = new ProviderSandbox();
    const senv = sandbox.env();
    const hunter = new HunterClient({ baseUrl: senv.HUNTER_BASE_URL, apiKey: "test-hunter-key" });
    const apollo = new ApolloClient({ baseUrl: senv.APOLLO_BASE_URL, apiKey: "test-apollo-key" });
    const { domains } = await enrichOnePerCompany(apollo);
    // Companies the Apollo test above did not touch (storage is shared within a file).
    const [, , open, blocked] = domains as [string, string, string, string];
    const page = await hunter.domainSearch(open, { limit: 10, offset: 0 });
    if (page.kind !== "ok") throw new Error("throttled");
    const [knownEmail, suppressedEmail] = page.data.data.emails.map((e) => String(e.value));
    await seedKnownLead(
      "generic",
      { email: knownEmail, first_name: "K", last_name: "Nown" },
      String(knownEmail),
    );
    await suppress("email", String(suppressedEmail));
    await suppress("domain", blocked);
    const before = await sandbox.stats();

    await patchConfig({
      providers: {
        hunter: {
          saved_searches: [
            { id: "domains", filters: { domains: [blocked, open] }, max_pages_per_run: 10 },
          ],
        },
      },
    });
    const run = await runProviderSync(senv, "hunter", "domains");
    const calls = (await sandbox.calls("hunter")).filter((c) => c.route.includes("domain-search"));
    expect(calls.every((c) => c.detail.domain !== blocked)).toBe(true);
    expect(run.skipped_known).toBe(1);
    expect(run.skipped_suppressed).toBe(1);
    const after = await sandbox.stats();
    expect(run.credits_spent).toBe((after.hunter?.credits ?? 0) - (before.hunter?.credits ?? 0));
    const imported = (await jobInputs(run.job_ids)).map(
      (r) => (r as { data: { emails: { value: string }[] } }).data.emails[0]?.value,
    );
    expect(imported).not.toContain(knownEmail);
    expect(imported).not.toContain(suppressedEmail);
    expect(imported.length).toBe(run.records_found - 2);
    expect(run.checkpoint?.done).toBe(true);
  });
});

/** Enriches the first hit of up to 10 different companies: their records and domains. */
async function enrichOnePerCompany(
  apollo: ApolloClient,
): Promise<{ matches: Record<string, unknown>[]; domains: string[] }> {
  const r = await apollo.searchPeople({}, 1, 100);
  if (r.kind !== "ok") throw new Error("throttled");
  const firsts = new Map<string, string>();
  for (const p of r.data.people) {
    const org = String(p.organization?.name);
    if (!firsts.has(org)) firsts.set(org, p.id);
  }
  const m = await apollo.bulkMatchByIds([...firsts.values()].slice(0, 10));
  if (m.kind !== "ok") throw new Error("throttled");
  const matches = m.data.matches.filter((x): x is Record<string, unknown> => x !== null);
  const domains = matches.map((x) => (x.organization as { primary_domain: string }).primary_domain);
  return { matches, domains };
}
