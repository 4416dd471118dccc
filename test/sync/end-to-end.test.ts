import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runProviderSync } from "../../src/sync/run";
import { sleep } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";
import { ProviderSandbox, patchConfig } from "./helpers";

async function waitForJobs(ids: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const marks = ids.map(() => "?").join(", ");
    const { results } = await env.DB.prepare(`SELECT status FROM jobs WHERE id IN (${marks})`)
      .bind(...ids)
      .all<{ status: string }>();
    if (results.every((r) => r.status.startsWith("completed"))) return;
    if (Date.now() > deadline) throw new Error(`jobs still ${JSON.stringify(results)}`);
    await sleep(250);
  }
}

describe("provider sync through the import path", () => {
  it("imports into HaloPSA, after which a restarted search finds everyone known", async () => {
    const { tenant } = await tenantApp("provider-e2e");
    const sandbox = new ProviderSandbox();
    const senv = sandbox.env();
    await patchConfig({
      providers: {
        apollo: {
          saved_searches: [
            {
              id: "e2e",
              filters: { person_seniorities: ["c_suite"], per_page: 4 },
              max_pages_per_run: 1,
            },
          ],
        },
      },
    });
    const first = await runProviderSync(senv, "apollo", "e2e");
    expect(first.enriched).toBe(4);
    await waitForJobs(first.job_ids);
    const leads = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM leads WHERE source = 'apollo'",
    ).first<{
      n: number;
    }>();
    expect(leads?.n).toBe(4);
    expect(await tenant.listAll("Tickets", "tickets")).toHaveLength(4);

    // The same page again: every person is known by Apollo id, so no credit is spent.
    const credits = (await sandbox.stats()).apollo?.credits;
    const again = await runProviderSync(senv, "apollo", "e2e", new Date(), { restart: true });
    expect(again.pages_read).toBe(1);
    expect(again.skipped_known).toBe(4);
    expect(again.credits_spent).toBe(0);
    expect(again.job_ids).toEqual([]);
    expect((await sandbox.stats()).apollo?.credits).toBe(credits);
  });
});
