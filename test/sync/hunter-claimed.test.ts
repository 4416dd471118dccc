import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ApolloClient } from "../../src/providers/apollo/client";
import { HunterClient } from "../../src/providers/hunter/client";
import { runProviderSync } from "../../src/sync/run";
import { api } from "../helpers/api";
import { tenantApp } from "../helpers/tenant-app";
import { jobInputs, ProviderSandbox, patchConfig } from "./helpers";

const writes = (byRoute: Record<string, number>) =>
  Object.entries(byRoute)
    .filter(([route]) => route.startsWith("POST "))
    .reduce((n, [, c]) => n + c, 0);

describe("Hunter 451 claimed_email", () => {
  it("a verifying Hunter sync suppresses a claimed address; re-importing it writes nothing to HaloPSA", async () => {
    const { tenant, auth } = await tenantApp("hunter-claimed");
    const sandbox = new ProviderSandbox();
    const senv = sandbox.env();
    const apollo = new ApolloClient({ baseUrl: senv.APOLLO_BASE_URL, apiKey: "test-apollo-key" });
    const hunter = new HunterClient({ baseUrl: senv.HUNTER_BASE_URL, apiKey: "test-hunter-key" });
    // A company of the fixed universe, and the first person Hunter lists there.
    const people = await apollo.searchPeople({}, 1, 1);
    if (people.kind !== "ok") throw new Error("throttled");
    const match = await apollo.bulkMatchByIds(people.data.people.map((p) => p.id));
    if (match.kind !== "ok") throw new Error("throttled");
    const domain = (match.data.matches[0] as { organization: { primary_domain: string } })
      .organization.primary_domain;
    const page = await hunter.domainSearch(domain, { limit: 10, offset: 0, type: "personal" });
    if (page.kind !== "ok") throw new Error("throttled");
    const entry = page.data.data.emails[0];
    const claimed = String(entry?.value);
    expect(claimed).toContain("@");
    // Its owner then asks Hunter to stop processing it: the verifier answers 451.
    await sandbox.knobs({ hunter: { claimed_emails: [claimed.toUpperCase()] } });
    const before = await sandbox.stats();

    await patchConfig({
      providers: {
        hunter: {
          saved_searches: [
            {
              id: "verified",
              filters: { domains: [domain], type: "personal", verify: true },
              max_pages_per_run: 5,
            },
          ],
        },
      },
    });
    const run = await runProviderSync(senv, "hunter", "verified");
    const verifier = (await sandbox.calls("hunter")).filter((c) =>
      c.route.includes("email-verifier"),
    );
    expect(verifier.map((c) => c.status)).toContain(451);
    expect(verifier).toHaveLength(run.records_found);
    const imported = (await jobInputs(run.job_ids)).map(
      (r) => (r as { data: { emails: { value: string }[] } }).data.emails[0]?.value,
    );
    expect(imported).not.toContain(claimed);
    expect(imported).toHaveLength(run.records_found - 1);
    // Searches plus one verification per imported person; the 451 is free.
    const after = await sandbox.stats();
    expect(run.credits_spent).toBe((after.hunter?.credits ?? 0) - (before.hunter?.credits ?? 0));

    const sup = await env.DB.prepare(
      "SELECT id, origin, reason FROM suppressions WHERE kind = 'email' AND value = ?",
    )
      .bind(claimed.toLowerCase())
      .first<{ id: string; origin: string; reason: string }>();
    expect(sup).toMatchObject({ origin: "hunter", reason: "hunter_claimed_email" });
    const audit = await env.DB.prepare(
      "SELECT action, rule, detail FROM audit_log WHERE entity_id = ?",
    )
      .bind(sup?.id)
      .first<{ action: string; rule: string; detail: string }>();
    expect(audit?.action).toBe("suppression.added");
    expect(audit?.rule).toBe("hunter_claimed_email");
    expect(JSON.parse(audit?.detail ?? "{}")).toMatchObject({ http_status: 451 });

    // The same person, from Hunter's shape, in two letter cases: suppressed, no HaloPSA write.
    const halo = await tenant.stats();
    for (const email of [claimed, claimed.toUpperCase()]) {
      const res = await api<{ action: string; results: { action: string }[] }>("/sync/leads", {
        method: "POST",
        headers: auth,
        json: {
          source: "hunter",
          data: { ...page.data.data, emails: [{ ...entry, value: email }] },
        },
      });
      expect(res.status).toBe(200);
      expect(res.body.action).toBe("suppressed");
    }
    expect(writes((await tenant.stats()).requests_by_route)).toBe(writes(halo.requests_by_route));
  }, 120_000);
});
