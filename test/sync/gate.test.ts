import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { providerGateName } from "../../src/providers/gate/call";
import { nextUtcMidnight } from "../../src/providers/gate/store";
import { runProviderSync } from "../../src/sync/run";
import { baseUrlFor } from "../../src/sync/sources";
import { api } from "../helpers/api";
import { bearer, issueKey } from "../helpers/keys";
import { ProviderSandbox, patchConfig } from "./helpers";

async function gateOf(senv: Env, provider: "apollo" | "hunter", key: string) {
  const base = baseUrlFor(senv, provider);
  if (!base.ok) throw new Error(base.reason);
  const name = await providerGateName(provider, base.url, key);
  return env.PROVIDER_GATE.get(env.PROVIDER_GATE.idFromName(name));
}

/** The most calls the sandbox received in any `spanMs` after a call (its own log's clock). */
function busiestSpan(times: number[], spanMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i] ?? 0;
    most = Math.max(most, sorted.filter((t) => t >= start && t < start + spanMs).length);
  }
  return most;
}

describe("the provider gate, shared by every run on one key", () => {
  it("keeps two concurrent runs on one key within the rate limit together", async () => {
    const sandbox = new ProviderSandbox();
    const senv = sandbox.env();
    const LIMIT = 3;
    await patchConfig({
      providers: {
        apollo: {
          rate_limit: { requests: LIMIT, window_seconds: 1 },
          saved_searches: [
            // The same search twice: two runs on one key, each paging its own checkpoint.
            { id: "left", filters: { per_page: 5 }, max_pages_per_run: 3 },
            { id: "right", filters: { per_page: 5 }, max_pages_per_run: 3 },
          ],
        },
      },
    });
    const [left, right] = await Promise.all([
      runProviderSync(senv, "apollo", "left"),
      runProviderSync(senv, "apollo", "right"),
    ]);
    expect(left.outcome).toBe("ran");
    expect(right.outcome).toBe("ran");
    expect(left.pages_read + right.pages_read).toBe(6);

    const calls = await sandbox.calls("apollo");
    const times = calls.map((c) => Date.parse((c as unknown as { at: string }).at));
    // 6 searches and at least one enrichment per page: together far more than 3 per second.
    expect(calls.length).toBeGreaterThanOrEqual(8);
    expect(calls.every((c) => c.status === 200)).toBe(true);
    // Never more than the limit in a window. The sandbox stamps arrival, a little after the
    // gate's reservation, so a window is checked at 750 ms to absorb delivery jitter; without
    // the gate the calls of both runs land within a few hundred milliseconds.
    expect(busiestSpan(times, 750)).toBeLessThanOrEqual(LIMIT);
    const spread = Math.max(...times) - Math.min(...times);
    expect(spread).toBeGreaterThanOrEqual(Math.floor(calls.length / LIMIT - 1) * 1000 - 250);
  });

  it("makes every run on the key honour a provider's 429", async () => {
    const sandbox = new ProviderSandbox();
    const senv = sandbox.env();
    await patchConfig({
      providers: {
        apollo: {
          rate_limit: { requests: 200, window_seconds: 60 },
          saved_searches: [
            { id: "first", filters: { per_page: 5 }, max_pages_per_run: 1 },
            {
              id: "second",
              filters: { per_page: 5, person_titles: ["CEO"] },
              max_pages_per_run: 1,
            },
          ],
        },
      },
    });
    await sandbox.knobs({
      apollo: { inject: [{ status: 429, retry_after_seconds: 90, route: "api_search" }] },
    });
    const now = new Date();
    const first = await runProviderSync(senv, "apollo", "first", now);
    expect(first.outcome).toBe("paused");
    const callsBefore = (await sandbox.calls("apollo")).length;
    // Another search on the same key: the gate knows Apollo said "not for 90 s".
    const second = await runProviderSync(senv, "apollo", "second", new Date(now.getTime() + 1_000));
    expect(second.outcome).toBe("paused");
    expect((await sandbox.calls("apollo")).length).toBe(callsBefore);
    const resumesIn = Date.parse(second.paused_until ?? "") - now.getTime();
    expect(resumesIn).toBeGreaterThan(85_000);
    expect(resumesIn).toBeLessThanOrEqual(91_000);
  });

  it("stops a run before it spends past the daily credit budget, for every run on the key", async () => {
    const sandbox = new ProviderSandbox();
    const senv = sandbox.env();
    const BUDGET = 12;
    await patchConfig({
      providers: {
        apollo: {
          rate_limit: { requests: 200, window_seconds: 60 },
          daily_credit_budget: BUDGET,
          saved_searches: [
            { id: "spender", filters: { per_page: 10 }, max_pages_per_run: 3 },
            { id: "latecomer", filters: { per_page: 10, person_titles: ["VP Sales"] } },
          ],
        },
      },
    });
    const now = new Date();
    const run = await runProviderSync(senv, "apollo", "spender", now);
    expect(run.outcome).toBe("budget_exhausted");
    expect(run.paused_until).toBe(new Date(nextUtcMidnight(now.getTime())).toISOString());
    expect(run.credits_spent).toBeGreaterThan(0);
    expect(run.credits_spent).toBeLessThanOrEqual(BUDGET);
    const charged = (await sandbox.stats()).apollo?.credits ?? 0;
    expect(charged).toBe(run.credits_spent);
    // The refused call was never sent: one paid bulk_match per enriched page, no more.
    const paid = (await sandbox.calls("apollo")).filter((c) => c.route.includes("bulk_match"));
    expect(paid.length).toBe(1);

    const warned = await env.DB.prepare(
      "SELECT level, code FROM error_log WHERE source = 'provider-sync:apollo:spender'",
    ).first<{ level: string; code: string }>();
    expect(warned).toEqual({ level: "warning", code: "BUDGET_EXHAUSTED" });

    const reader = await issueKey(["read"]);
    const listed = await api<{
      searches: { search_id: string; status: string; paused_until: string | null }[];
    }>("/sync/providers", { headers: bearer(reader) });
    expect(listed.body.searches.find((s) => s.search_id === "spender")).toMatchObject({
      status: "budget_exhausted",
      paused_until: run.paused_until,
    });

    // The budget is the key's, not the run's: another search stops too, and after an eviction
    // the gate still knows what was spent today.
    const gate = await gateOf(senv, "apollo", "test-apollo-key");
    await evictDurableObject(gate);
    const later = await runProviderSync(
      senv,
      "apollo",
      "latecomer",
      new Date(now.getTime() + 5_000),
    );
    expect(later.outcome).toBe("budget_exhausted");
    expect((await sandbox.stats()).apollo?.credits ?? 0).toBe(charged);
    const status = await gate.status(now.getTime() + 5_000, 60);
    expect(status.credits_spent_today).toBe(charged);
    expect(status.counters.budget_refusals).toBeGreaterThanOrEqual(2);
  });

  it("counts Hunter's searches against its budget", async () => {
    const sandbox = new ProviderSandbox();
    const senv = sandbox.env();
    await patchConfig({
      providers: {
        hunter: {
          daily_credit_budget: 1,
          saved_searches: [
            {
              id: "domains",
              filters: { domains: ["stripe.com", "example.com"], limit: 10 },
              max_pages_per_run: 5,
            },
          ],
        },
      },
    });
    const run = await runProviderSync(senv, "hunter", "domains");
    expect(run.outcome).toBe("budget_exhausted");
    expect(run.pages_read).toBe(1);
    const searches = (await sandbox.calls("hunter")).filter((c) =>
      c.route.includes("domain-search"),
    );
    expect(searches.length).toBe(1);
  });
});
