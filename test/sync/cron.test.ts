import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { handleScheduled } from "../../src/jobs/cron";
import { cursorRow, ProviderSandbox, patchConfig } from "./helpers";

describe("the scheduled handler", () => {
  it("runs every saved search of the enabled, configured providers every 15 minutes", async () => {
    const sandbox = new ProviderSandbox();
    await patchConfig({
      providers: {
        apollo: {
          saved_searches: [
            {
              id: "cron-a",
              filters: { person_seniorities: ["vp"], per_page: 5 },
              max_pages_per_run: 1,
            },
            {
              id: "cron-b",
              filters: { person_seniorities: ["director"], per_page: 5 },
              max_pages_per_run: 1,
            },
          ],
        },
        // Disabled: its search must not run.
        zoominfo: {
          enabled: false,
          saved_searches: [{ id: "cron-z", filters: { rpp: 5 }, max_pages_per_run: 1 }],
        },
        // No API key (below): its search must not run either.
        hunter: {
          saved_searches: [
            { id: "cron-h", filters: { domains: ["example.com"] }, max_pages_per_run: 1 },
          ],
        },
      },
    });
    const controller = createScheduledController({
      cron: "*/15 * * * *",
      scheduledTime: Date.now(),
    });
    const ctx = createExecutionContext();
    await handleScheduled(controller, sandbox.env({ HUNTER_API_KEY: "" }), ctx);
    await waitOnExecutionContext(ctx);

    for (const id of ["cron-a", "cron-b"]) {
      const row = await cursorRow("apollo", id);
      expect(row?.status).toBe("active");
      expect(JSON.parse(row?.cursor ?? "{}").position.page).toBe(2);
    }
    expect(await cursorRow("zoominfo", "cron-z")).toBeNull();
    expect(await cursorRow("hunter", "cron-h")).toBeNull();
    const stats = await sandbox.stats();
    expect(stats.apollo?.calls).toBeGreaterThanOrEqual(4); // two searches, two enrichments
    expect(stats.zoominfo?.calls).toBe(0);
    expect(stats.hunter?.calls).toBe(0);
    const jobs = await env.DB.prepare(
      "SELECT created_by FROM jobs WHERE kind = 'provider_sync' ORDER BY created_by",
    ).all<{ created_by: string }>();
    expect(jobs.results.map((j) => j.created_by)).toEqual([
      "cron:apollo:cron-a",
      "cron:apollo:cron-b",
    ]);
  });

  it("deletes expired idempotency keys at the daily housekeeping run", async () => {
    const insert = (key: string, expiresAt: string) =>
      env.DB.prepare(
        `INSERT INTO idempotency_keys (key, principal, route, body_hash, state, expires_at)
         VALUES (?, 'p', 'POST /x', 'h', 'done', ?)`,
      )
        .bind(key, expiresAt)
        .run();
    await insert("old", "2020-01-01T00:00:00.000Z");
    await insert("fresh", "2999-01-01T00:00:00.000Z");
    const controller = createScheduledController({ cron: "0 3 * * *", scheduledTime: Date.now() });
    const ctx = createExecutionContext();
    await handleScheduled(controller, env, ctx);
    await waitOnExecutionContext(ctx);
    const { results } = await env.DB.prepare("SELECT key FROM idempotency_keys").all<{
      key: string;
    }>();
    expect(results.map((r) => r.key)).toEqual(["fresh"]);
  });
});
