import type { Db } from "./client";
import { type ErrorLevel, errorLog } from "./schema";

export interface ErrorEntry {
  level: ErrorLevel;
  /** An API error code or a short machine-readable name (`CHUNK_FAILED`, `DEAD_LETTER`…). */
  code: string;
  message: string;
  /** Where it happened: `POST /api/v1/...`, `queue`, `provider-sync:<provider>:<search>`. */
  source: string | null;
  requestId?: string | null;
  detail?: unknown;
}

/**
 * The one writer of `error_log`, the table operators read through `GET /errors`. Callers must
 * keep secrets out of `message` and `detail`. It throws like any write; callers on a path that
 * must not fail because logging did (the error handler, the queue consumer) catch.
 */
export async function recordError(
  db: Db,
  entry: ErrorEntry,
  now: Date = new Date(),
): Promise<void> {
  await db.insert(errorLog).values({
    at: now.toISOString(),
    level: entry.level,
    code: entry.code,
    message: entry.message,
    source: entry.source,
    requestId: entry.requestId ?? null,
    detail: entry.detail ?? null,
  });
}
