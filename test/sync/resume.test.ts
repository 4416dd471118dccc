import { describe, expect, it } from "vitest";
import { ApolloClient } from "../../src/providers/apollo/client";
import { runProviderSync } from "../../src/sync/run";
import { cursorRow, jobInputs, ProviderSandbox, patchConfig } from "./helpers";

const FILTERS = { person_seniorities: ["c_suite", "founder", "vp", "director"], per_page: 5 };

describe("a resumed provider sync", () => {
  it("picks up at page 3 after two pages and never re-reads what it imported", async () => {
    const sandbox = new ProviderSandbox();
    const env = sandbox.env();
    await patchConfig({
      providers: {
        apollo: { saved_searches: [{ id: "resume", filters: FILTERS, max_pages_per_run: 2 }] },
      },
    });

    const first = await runProviderSync(env, "apollo", "resume", new Date());
    expect(first.outcome).toBe("ran");
    expect(first.pages_read).toBe(2);
    expect(first.checkpoint?.position.page).toBe(3);
    expect((await cursorRow("apollo", "resume"))?.status).toBe("active");

    const second = await runProviderSync(env, "apollo", "resume", new Date());
    expect(second.pages_read).toBe(2);
    expect(second.checkpoint?.position.page).toBe(5);

    // The sandbox saw pages 1, 2, 3, 4 once each, in order.
    const searches = (await sandbox.calls("apollo")).filter((c) => c.route.includes("api_search"));
    expect(searches.map((c) => c.detail.page)).toEqual([1, 2, 3, 4]);

    // What was imported is exactly the people of pages 1–4 read straight from the provider.
    const client = new ApolloClient({ baseUrl: env.APOLLO_BASE_URL, apiKey: "test-apollo-key" });
    const expected: string[] = [];
    for (const page of [1, 2, 3, 4]) {
      const r = await client.searchPeople(
        { person_seniorities: FILTERS.person_seniorities },
        page,
        5,
      );
      if (r.kind !== "ok") throw new Error("throttled");
      expected.push(...r.data.people.map((p) => p.id));
    }
    const imported = (await jobInputs([...first.job_ids, ...second.job_ids])).map(
      (r) => (r as { person: { id: string } }).person.id,
    );
    expect(imported).toHaveLength(20);
    expect(new Set(imported)).toEqual(new Set(expected));
    // Every enrichment credit went to a different person.
    const charged = (await sandbox.stats()).apollo?.charged ?? [];
    expect(new Set(charged).size).toBe(charged.length);
    expect((await cursorRow("apollo", "resume"))?.imported).toBe(20);
  });

  it("restarts from the first page when the saved search's filters change", async () => {
    const sandbox = new ProviderSandbox();
    const env = sandbox.env();
    const search = (filters: Record<string, unknown>) => ({
      providers: {
        apollo: { saved_searches: [{ id: "changing", filters, max_pages_per_run: 1 }] },
      },
    });
    await patchConfig(search({ person_seniorities: ["c_suite"], per_page: 3 }));
    expect((await runProviderSync(env, "apollo", "changing")).checkpoint?.position.page).toBe(2);
    await patchConfig(search({ person_seniorities: ["vp"], per_page: 3 }));
    const after = await runProviderSync(env, "apollo", "changing");
    expect(after.checkpoint?.position.page).toBe(2);
    const pages = (await sandbox.calls("apollo"))
      .filter((c) => c.route.includes("api_search"))
      .map((c) => c.detail.page);
    expect(pages).toEqual([1, 1]);
  });

  it("marks a search complete after its last page and then reads nothing", async () => {
    const sandbox = new ProviderSandbox();
    const env = sandbox.env();
    // One company's domain: a handful of people, all on one page.
    const domain = await firstDomain(sandbox);
    await patchConfig({
      providers: {
        apollo: {
          saved_searches: [
            {
              id: "small",
              filters: { q_organization_domains_list: [domain] },
              max_pages_per_run: 5,
            },
          ],
        },
      },
    });
    const run = await runProviderSync(env, "apollo", "small");
    expect(run.pages_read).toBe(1);
    expect(run.checkpoint?.done).toBe(true);
    expect((await cursorRow("apollo", "small"))?.status).toBe("complete");
    const callsBefore = (await sandbox.stats()).apollo?.calls;
    const again = await runProviderSync(env, "apollo", "small");
    expect(again.outcome).toBe("complete");
    expect(again.pages_read).toBe(0);
    expect((await sandbox.stats()).apollo?.calls).toBe(callsBefore);
  });
});

/** A company domain, learnt by enriching one search hit (Apollo hits carry no domain). */
async function firstDomain(sandbox: ProviderSandbox): Promise<string> {
  const env = sandbox.env();
  const client = new ApolloClient({ baseUrl: env.APOLLO_BASE_URL, apiKey: "test-apollo-key" });
  const r = await client.searchPeople({}, 1, 1);
  if (r.kind !== "ok") throw new Error("throttled");
  const name = r.data.people[0]?.organization?.name;
  const m = await client.bulkMatchByIds([r.data.people[0]?.id ?? ""]);
  if (m.kind !== "ok") throw new Error("throttled");
  const org = m.data.matches[0]?.organization as { primary_domain?: string } | undefined;
  expect(name).toBeTruthy();
  return org?.primary_domain ?? "";
}
