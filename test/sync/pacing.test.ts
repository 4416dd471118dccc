import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runProviderSync } from "../../src/sync/run";
import { cursorRow, ProviderSandbox, patchConfig } from "./helpers";

async function syncWarnings(
  source: string,
): Promise<{ level: string; code: string; message: string; detail: string }[]> {
  const { results } = await env.DB.prepare(
    "SELECT level, code, message, detail FROM error_log WHERE source = ? ORDER BY id",
  )
    .bind(source)
    .all<{ level: string; code: string; message: string; detail: string }>();
  return results;
}

const seconds = (a: string | null, b: Date) =>
  Math.round((Date.parse(a ?? "") - b.getTime()) / 1000);

describe("pacing a provider sync", () => {
  it("pauses on Apollo's 429 for its retry-after and does nothing until then", async () => {
    const sandbox = new ProviderSandbox();
    const senv = sandbox.env();
    await patchConfig({
      providers: {
        apollo: {
          saved_searches: [{ id: "limited", filters: { per_page: 5 }, max_pages_per_run: 2 }],
        },
      },
    });
    await sandbox.knobs({
      apollo: { inject: [{ status: 429, retry_after_seconds: 120, route: "api_search" }] },
    });
    const now = new Date();
    const run = await runProviderSync(senv, "apollo", "limited", now);
    expect(run.outcome).toBe("paused");
    expect(run.pages_read).toBe(0);
    expect(seconds(run.paused_until, now)).toBe(120);
    const row = await cursorRow("apollo", "limited");
    expect(row?.status).toBe("paused");
    expect(row?.paused_until).toBe(run.paused_until);
    const logged = await syncWarnings("provider-sync:apollo:limited");
    expect(logged[0]?.code).toBe("RATE_LIMIT_EXCEEDED");
    expect(logged[0]?.level).toBe("warning");
    expect(JSON.parse(logged[0]?.detail ?? "{}").reason).toBe("apollo_429");

    // Before the pause ends: nothing is asked of Apollo.
    const callsBefore = (await sandbox.stats()).apollo?.calls;
    const early = await runProviderSync(
      senv,
      "apollo",
      "limited",
      new Date(now.getTime() + 60_000),
    );
    expect(early.outcome).toBe("paused");
    expect((await sandbox.stats()).apollo?.calls).toBe(callsBefore);

    // After it: the run starts where it would have, at page 1.
    const later = await runProviderSync(
      senv,
      "apollo",
      "limited",
      new Date(now.getTime() + 121_000),
    );
    expect(later.outcome).toBe("ran");
    expect(later.pages_read).toBe(2);
    const pages = (await sandbox.calls("apollo"))
      .filter((c) => c.route.includes("api_search") && c.status === 200)
      .map((c) => c.detail.page);
    expect(pages).toEqual([1, 2]);
  });

  it("stops mid-page when Apollo's window is spent and never enriches a person twice", async () => {
    const sandbox = new ProviderSandbox();
    const senv = sandbox.env();
    // 10 per minute for search, so bulk_match gets 1 per minute (a tenth; providers.md §1.5).
    await sandbox.knobs({ apollo: { minute_limit: 10 } });
    await patchConfig({
      providers: {
        apollo: {
          saved_searches: [{ id: "window", filters: { per_page: 15 }, max_pages_per_run: 1 }],
        },
      },
    });
    const now = new Date();
    const first = await runProviderSync(senv, "apollo", "window", now);
    expect(first.outcome).toBe("paused");
    expect(first.enriched).toBe(10);
    expect(first.checkpoint?.position.page).toBe(1);
    expect(first.checkpoint?.partial).toHaveLength(10);
    expect(first.job_ids).toHaveLength(1);

    await fetch(`${sandbox.base}/_sandbox/clock`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ advance_seconds: 61 }),
    });
    const second = await runProviderSync(
      senv,
      "apollo",
      "window",
      new Date(now.getTime() + 61_000),
    );
    expect(second.skipped_already_read).toBe(10);
    expect(second.enriched).toBe(5);
    expect(second.checkpoint?.position.page).toBe(2);
    expect(second.checkpoint?.partial).toEqual([]);
    const charged = (await sandbox.stats()).apollo?.charged ?? [];
    expect(charged).toHaveLength(15);
    expect(new Set(charged).size).toBe(15);
  });

  it("backs off after Hunter's 403 without moving the checkpoint", async () => {
    const sandbox = new ProviderSandbox();
    const senv = sandbox.env();
    await patchConfig({
      providers: {
        hunter: {
          saved_searches: [
            { id: "slow", filters: { domains: ["example.com"] }, max_pages_per_run: 3 },
          ],
        },
      },
    });
    await sandbox.knobs({ hunter: { inject: [{ status: 403 }] } });
    const now = new Date();
    const run = await runProviderSync(senv, "hunter", "slow", now);
    expect(run.outcome).toBe("paused");
    expect(seconds(run.paused_until, now)).toBe(60);
    expect(run.checkpoint?.position).toEqual({ page: 1, domain: 0, offset: 0 });
    const logged = await syncWarnings("provider-sync:hunter:slow");
    expect(JSON.parse(logged.at(-1)?.detail ?? "{}").reason).toBe("hunter_rate_limit");
    expect(
      (await runProviderSync(senv, "hunter", "slow", new Date(now.getTime() + 30_000))).outcome,
    ).toBe("paused");
  });

  it("stops Hunter until the quota resets when it answers 429", async () => {
    const sandbox = new ProviderSandbox();
    const senv = sandbox.env();
    await patchConfig({
      providers: {
        hunter: {
          saved_searches: [
            { id: "quota", filters: { domains: ["example.com"] }, max_pages_per_run: 3 },
          ],
        },
      },
    });
    await sandbox.knobs({ hunter: { quota: 0, reset_date: "2030-02-01" } });
    const run = await runProviderSync(senv, "hunter", "quota", new Date());
    expect(run.outcome).toBe("paused");
    expect(run.paused_until).toBe("2030-02-01T00:00:00.000Z");
    const hunterCalls = await sandbox.calls("hunter");
    // One refused search and one free /account call: no retry loop.
    expect(hunterCalls.map((c) => `${c.route} ${c.status}`)).toEqual([
      "GET /v2/domain-search 429",
      "GET /v2/account 200",
    ]);
  });

  it("pauses ZoomInfo for its Retry-After", async () => {
    const sandbox = new ProviderSandbox();
    const senv = sandbox.env();
    await patchConfig({
      providers: {
        zoominfo: { saved_searches: [{ id: "zi", filters: { rpp: 5 }, max_pages_per_run: 2 }] },
      },
    });
    await sandbox.knobs({
      zoominfo: { inject: [{ status: 429, retry_after_seconds: 45, route: "search" }] },
    });
    const now = new Date();
    const run = await runProviderSync(senv, "zoominfo", "zi", now);
    expect(run.outcome).toBe("paused");
    expect(seconds(run.paused_until, now)).toBe(45);
    expect((await sandbox.stats()).zoominfo?.credits).toBe(0);
  });
});
