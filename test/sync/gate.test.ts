import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ApolloClient } from "../../src/providers/apollo/client";
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

/** Domains of companies the sandbox's universe has people at (learnt through Apollo, ungated). */
async function companyDomains(senv: Env, count: number): Promise<string[]> {
  const apollo = new ApolloClient({ baseUrl: senv.APOLLO_BASE_URL, apiKey: "test-apollo-key" });
  const page = await apollo.searchPeople({}, 1, 100);
  if (page.kind !== "ok") throw new Error("throttled");
  const firsts = new Map<string, string>();
  for (const p of page.data.people) firsts.set(String(p.organization?.name), p.id);
  const matched = await apollo.bulkMatchByIds([...firsts.values()].slice(0, count));
  if (matched.kind !== "ok") throw new Error("throttled");
  return matched.data.matches.flatMap((m) =>
    m ? [(m.organization as { primary_domain: string }).primary_domain] : [],
  );
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

  it("makes every run on the key back off after Hunter's 403", async () => {
    const sandbox = new ProviderSandbox();
    const senv = sandbox.env();
    await patchConfig({
      providers: {
        hunter: {
          saved_searches: [
            { id: "h1", filters: { domains: ["stripe.com"] } },
            { id: "h2", filters: { domains: ["example.com"] } },
          ],
        },
      },
    });
    await sandbox.knobs({ hunter: { inject: [{ status: 403, route: "domain-search" }] } });
    const now = new Date();
    const first = await runProviderSync(senv, "hunter", "h1", now);
    expect(first.outcome).toBe("paused");
    const before = (await sandbox.calls("hunter")).length;
    const second = await runProviderSync(senv, "hunter", "h2", new Date(now.getTime() + 2_000));
    expect(second.outcome).toBe("paused");
    expect((await sandbox.calls("hunter")).length).toBe(before);
  });

  it("counts Hunter's searches against its budget", async () => {
    const sandbox = new ProviderSandbox();
    const senv = sandbox.env();
    const domains = await companyDomains(senv, 2);
    await patchConfig({
      providers: {
        hunter: {
          daily_credit_budget: 1,
          saved_searches: [
            {
              id: "domains",
              filters: { domains, limit: 10 },
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

describe("ProviderGate accounting", () => {
  const limit = { requests: 10, window_seconds: 60 };
  const at = Date.UTC(2026, 10, 30, 12);

  it("reserves a call's maximum credits, settles the real cost and starts each UTC day afresh", async () => {
    const gate = env.PROVIDER_GATE.get(env.PROVIDER_GATE.idFromName("unit:credits"));
    const ask = (now: number, credits: number) =>
      gate.admit({ now, limit, credits, dailyBudget: 15 });
    const first = await ask(at, 10);
    if (first.kind !== "ok") throw new Error(`admitted expected, got ${first.kind}`);
    // 10 reserved: another 10 would pass 15, so it is refused before being sent.
    expect(await ask(at, 10)).toMatchObject({ kind: "budget_exhausted", spent: 10, budget: 15 });
    await gate.settle(first.ticket, { now: at, throttle: null, credits: 4 });
    expect((await ask(at, 10)).kind).toBe("ok");
    expect((await gate.status(at, 60)).credits_spent_today).toBe(14);
    // A settle twice does not refund twice.
    await gate.settle(first.ticket, { now: at, throttle: null, credits: 0 });
    expect((await gate.status(at, 60)).credits_spent_today).toBe(14);
    expect((await ask(at + 12 * 3_600_000, 15)).kind).toBe("ok");
  });

  it("refuses past the window and tells the wait until the oldest slot leaves it", async () => {
    const gate = env.PROVIDER_GATE.get(env.PROVIDER_GATE.idFromName("unit:window"));
    const small = { requests: 2, window_seconds: 10 };
    const ask = (now: number) => gate.admit({ now, limit: small, credits: 0, dailyBudget: null });
    expect((await ask(at)).kind).toBe("ok");
    expect((await ask(at + 4_000)).kind).toBe("ok");
    expect(await ask(at + 5_000)).toMatchObject({
      kind: "throttled",
      retryAfterMs: 5_000,
      reason: "provider_gate_window",
    });
    expect((await ask(at + 10_001)).kind).toBe("ok");
  });

  it("keeps a provider's stop for every caller until its time", async () => {
    const gate = env.PROVIDER_GATE.get(env.PROVIDER_GATE.idFromName("unit:stop"));
    const ok = await gate.admit({ now: at, limit, credits: 0, dailyBudget: null });
    if (ok.kind !== "ok") throw new Error("admitted expected");
    const until = at + 3_600_000;
    await gate.settle(ok.ticket, {
      now: at,
      throttle: { retryAfterMs: 3_600_000, stopUntil: until, reason: "hunter_quota" },
      credits: 0,
    });
    expect(await gate.admit({ now: at + 60_000, limit, credits: 0, dailyBudget: null })).toEqual({
      kind: "throttled",
      retryAfterMs: 3_540_000,
      stopUntil: until,
      reason: "hunter_quota",
    });
    expect((await gate.admit({ now: until, limit, credits: 0, dailyBudget: null })).kind).toBe(
      "ok",
    );
  });
});
