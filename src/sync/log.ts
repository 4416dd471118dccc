import type { Db } from "../db/client";
import { errorLog } from "../db/schema";

/**
 * Operator-visible sync events in `error_log` (the table GET /errors reads): provider
 * failures at level "error", pauses for rate limits at level "warn". Never carries API keys:
 * messages come from ProviderError, which describes response bodies only.
 */
export async function logSyncEvent(
  db: Db,
  event: {
    level: "error" | "warn";
    code: string;
    message: string;
    provider: string;
    searchId: string;
    detail?: Record<string, unknown>;
  },
  now: Date,
): Promise<void> {
  console.log(
    JSON.stringify({
      level: event.level,
      code: event.code,
      source: `provider-sync:${event.provider}:${event.searchId}`,
      message: event.message,
    }),
  );
  await db.insert(errorLog).values({
    at: now.toISOString(),
    level: event.level,
    code: event.code,
    message: event.message,
    source: `provider-sync:${event.provider}:${event.searchId}`,
    detail: event.detail ?? null,
  });
}
