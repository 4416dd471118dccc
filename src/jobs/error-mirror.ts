import { database } from "../db/client";
import { loadConfig } from "../db/config-repo";
import { type ErrorRow, markMirrored, unmirroredSyncFailures } from "../db/error-log-repo";
import { haloClient } from "../halo/client";
import { HaloThrottledError } from "../halo/errors";
import { haloSettings } from "../halo/settings";
import { write } from "../halo/transport";

/** One array POST per cron tick carries at most this many entries. */
const BATCH = 100;
/** Entries older than this when the mirror first sees them stay local. */
const LOOKBACK_MS = 86_400_000;
/** HaloPSA's `error` is free text; keep each entry readable in its grid. */
const MAX_ERROR_CHARS = 1000;

/**
 * An error_log entry as a HaloPSA IntegrationError record (reference/data/halo-openapi.json
 * `IntegrationError`: entity_type, entity_name, endpoint, error, date). No ids of ours fit its
 * integer `entity_id`, so the lead or job id travels in the text.
 */
function toIntegrationError(row: ErrorRow) {
  const detail =
    row.detail && typeof row.detail === "object" ? (row.detail as Record<string, unknown>) : {};
  const subject = [detail.lead_id, detail.job_id].filter((v) => typeof v === "string").join(" ");
  return {
    entity_type: "LeadBridge",
    entity_name: (subject || (row.source ?? "leadbridge")).slice(0, 200),
    endpoint: row.source ?? "",
    error: `${row.code}: ${row.message}`.slice(0, MAX_ERROR_CHARS),
    date: row.at,
  };
}

export type MirrorOutcome = "off" | "idle" | "sent" | "throttled" | "failed";

/**
 * `halopsa.mirror_errors`: copies new sync failures into HaloPSA's IntegrationError log, up to
 * 100 in one array POST per minute, through HaloGate like every HaloPSA call (a full window
 * means "next minute", never a wait). Entries are marked once HaloPSA may have them, including
 * after an uncertain answer: a log entry shown twice is worse than one missing, and the error
 * list of GET /errors keeps the original either way. A failure here is only logged: writing it
 * to error_log would mirror the mirror's own trouble back.
 */
export async function mirrorSyncFailures(env: Env, now: Date): Promise<MirrorOutcome> {
  const db = database(env.DB);
  const { config } = await loadConfig(db);
  if (!config.halopsa.mirror_errors) return "off";
  const since = new Date(now.getTime() - LOOKBACK_MS).toISOString();
  const rows = await unmirroredSyncFailures(db, since, BATCH);
  if (rows.length === 0) return "idle";
  try {
    const halo = haloClient(env, haloSettings(env, config));
    await write(halo, {
      method: "POST",
      path: "/api/IntegrationError",
      body: rows.map(toIntegrationError),
    });
    await markMirrored(
      db,
      rows.map((r) => r.id),
      now.toISOString(),
    );
    return "sent";
  } catch (err) {
    if (err instanceof HaloThrottledError) return "throttled";
    console.error(
      JSON.stringify({
        level: "error",
        source: "cron:error-mirror",
        message: err instanceof Error ? err.message : String(err),
      }),
    );
    return "failed";
  }
}
