import { runAutomationSweep } from "../automation/sweep";
import { refreshConfigCheck } from "../config-check/check";
import { database } from "../db/client";
import { loadConfig } from "../db/config-repo";
import { deleteExpiredKeys } from "../db/idempotency-repo";
import { purgeWebhookHistory } from "../db/webhooks-repo";
import { kickDncPropagation } from "../dnc/kick";
import { runProviderSync } from "../sync/run";
import { apiKeyFor } from "../sync/sources";
import { SYNC_PROVIDERS, type SyncRunSummary } from "../sync/types";
import { kickOutbox, sweepWebhooks } from "../webhooks/dispatch";
import { mirrorSyncFailures } from "./error-mirror";
import { sweepStalledJobs } from "./sweeper";

/** The crons in wrangler.jsonc `triggers.crons`. */
export const SYNC_CRON = "*/15 * * * *";
export const HOUSEKEEPING_CRON = "0 3 * * *";
/**
 * Every minute: the stalled-job sweeper (a stranded chunk resumes within `jobs.stall_seconds`
 * plus at most a minute), the webhook outbox sweep (events and deliveries a dying Worker
 * left behind) and, when `halopsa.mirror_errors` is on, the copy of new sync failures to
 * HaloPSA's IntegrationError log. Provider syncs keep their 15-minute cadence.
 */
export const MINUTE_CRON = "* * * * *";
/** Finished webhook deliveries and their events are kept this long for the delivery log. */
const WEBHOOK_HISTORY_DAYS = 30;

/**
 * Every saved search of every enabled provider that has an API key. The searches of one
 * provider run one after another (they share its rate limit and credits); providers run side
 * by side (their limits are independent). Runs happen inside the scheduled invocation, not
 * through the jobs queue: a run is bounded by `max_pages_per_run`, a cron invocation may last
 * 15 minutes, and the checkpoint plus the lease in `sync_cursors` already give what a queue
 * would (resume after a crash, no double runs). The imports a run creates do go through the
 * queue, as ordinary import jobs.
 */
export async function runScheduledSyncs(env: Env, now: Date): Promise<SyncRunSummary[]> {
  const { config } = await loadConfig(database(env.DB));
  const byProvider = SYNC_PROVIDERS.filter(
    (p) => config.providers[p].enabled && apiKeyFor(env, p) !== undefined,
  ).map(async (provider) => {
    const out: SyncRunSummary[] = [];
    for (const search of config.providers[provider].saved_searches) {
      try {
        out.push(await runProviderSync(env, provider, search.id, now, { trigger: "cron" }));
      } catch (err) {
        // One broken search must not stop the others; the runner already logged provider errors.
        console.error(
          JSON.stringify({
            level: "error",
            source: `cron:${provider}:${search.id}`,
            message: String(err),
          }),
        );
      }
    }
    return out;
  });
  return (await Promise.all(byProvider)).flat();
}

/**
 * Checks the configuration against the tenant when no recent check describes it (never checked,
 * HaloPSA was down at the last check, or the tenant's lists may have changed since), so /health
 * reports mismatches nobody asked about.
 */
async function checkConfigAgain(env: Env, now: Date): Promise<void> {
  try {
    const { config, version } = await loadConfig(database(env.DB));
    await refreshConfigCheck(env, config, version, now);
  } catch (err) {
    console.error(
      JSON.stringify({ level: "error", source: "cron:config-check", message: String(err) }),
    );
  }
}

/** Daily housekeeping: expired idempotency keys and old webhook history go. */
export async function runHousekeeping(env: Env, now: Date): Promise<void> {
  await deleteExpiredKeys(database(env.DB), now.toISOString());
  const before = new Date(now.getTime() - WEBHOOK_HISTORY_DAYS * 86_400_000).toISOString();
  await purgeWebhookHistory(database(env.DB), before);
}

/** The Worker's `scheduled` handler. */
export async function handleScheduled(
  controller: ScheduledController,
  env: Env,
  ctx: ExecutionContext,
): Promise<void> {
  const now = new Date(controller.scheduledTime);
  switch (controller.cron) {
    case SYNC_CRON:
      // A failed run's sync.failed event and its jobs go out right after.
      ctx.waitUntil(runScheduledSyncs(env, now).then(() => kickOutbox(env)));
      ctx.waitUntil(checkConfigAgain(env, now));
      return;
    case MINUTE_CRON:
      ctx.waitUntil(sweepStalledJobs(env, now).then(() => undefined));
      ctx.waitUntil(sweepWebhooks(env, now).then(() => undefined));
      ctx.waitUntil(mirrorSyncFailures(env, now).then(() => undefined));
      // Automation rules (auto_promotion): engaged leads with complete qualification data.
      ctx.waitUntil(runAutomationSweep(env, now).then(() => undefined));
      // Do-Not-Contact pushes a dying Worker left pending (src/dnc).
      ctx.waitUntil(kickDncPropagation(env, now).then(() => undefined));
      return;
    case HOUSEKEEPING_CRON:
      ctx.waitUntil(runHousekeeping(env, now));
      return;
    default:
      console.warn(JSON.stringify({ level: "warn", message: `unknown cron "${controller.cron}"` }));
  }
}
