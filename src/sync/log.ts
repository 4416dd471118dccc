import type { Db } from "../db/client";
import { recordError } from "../db/error-log-repo";

/**
 * Operator-visible sync events in `error_log` (the table GET /errors reads): provider
 * failures at level "error", pauses for rate limits at level "warning". Never carries API keys:
 * messages come from ProviderError, which describes response bodies only.
 */
export async function logSyncEvent(
  db: Db,
  event: {
    level: "error" | "warning";
    code: string;
    message: string;
    provider: string;
    searchId: string;
    detail?: Record<string, unknown>;
  },
  now: Date,
): Promise<void> {
  const source = `provider-sync:${event.provider}:${event.searchId}`;
  console.log(
    JSON.stringify({ level: event.level, code: event.code, source, message: event.message }),
  );
  await recordError(
    db,
    {
      level: event.level,
      code: event.code,
      message: event.message,
      source,
      detail: event.detail ?? null,
    },
    now,
  );
}
