import { createMiddleware } from "hono/factory";
import { hashSecret } from "../auth/api-key";
import { database } from "../db/client";
import {
  claimKey,
  completeKey,
  findKey,
  type IdempotencyRow,
  releaseKey,
} from "../db/idempotency-repo";
import { AppError } from "../errors";
import type { AppEnv } from "../http/types";

/** Published retention: a key may be reused for a new request 24 hours after its first use. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
// A fixed format keeps keys from colliding by accident ("1") and out of logs' way.
const KEY_FORMAT = /^[A-Za-z0-9._:-]{8,255}$/;

/**
 * `Idempotency-Key` per draft-ietf-httpapi-idempotency-key-header: the same key and body replay
 * the stored response; the same key with another body is 422; a request still running is 409.
 * Keys are scoped to the API key that sent them, so one client can never see another's
 * response. Only successful (2xx) results are kept: a request refused for bad input may be
 * corrected and retried with the same key.
 */
export const idempotency = createMiddleware<AppEnv>(async function idempotency(c, next) {
  const header = c.req.header("Idempotency-Key");
  if (header === undefined) return next();
  const key = header.trim().replace(/^"(.*)"$/, "$1");
  if (!KEY_FORMAT.test(key)) {
    throw new AppError(
      "VALIDATION_ERROR",
      "Idempotency-Key must be 8-255 characters [A-Za-z0-9._:-]",
      {
        details: { field: "Idempotency-Key" },
      },
    );
  }
  const db = database(c.env.DB);
  const principal = c.var.principal.keyId;
  const route = `${c.req.method} ${c.req.path}`;
  const bodyHash = await hashSecret(`${route}\n${await c.req.raw.clone().text()}`);
  const now = Date.now();

  let existing = await findKey(db, principal, key);
  if (existing && Date.parse(existing.expiresAt) <= now) {
    await releaseKey(db, principal, key);
    existing = undefined;
  }
  if (existing) return replayOrRefuse(existing, bodyHash);

  const claimed = await claimKey(db, {
    key,
    principal,
    route,
    bodyHash,
    expiresAt: new Date(now + IDEMPOTENCY_TTL_MS).toISOString(),
  });
  if (!claimed) {
    // Lost a race with a concurrent request carrying the same key.
    const winner = await findKey(db, principal, key);
    if (winner) return replayOrRefuse(winner, bodyHash);
  }

  try {
    await next();
  } catch (err) {
    await releaseKey(db, principal, key);
    throw err;
  }
  if (c.res.status >= 200 && c.res.status < 300) {
    await completeKey(db, principal, key, c.res.status, await c.res.clone().text());
  } else {
    await releaseKey(db, principal, key);
  }
});

function replayOrRefuse(row: IdempotencyRow, bodyHash: string): Response {
  if (row.bodyHash !== bodyHash) {
    throw new AppError(
      "IDEMPOTENCY_KEY_REUSED",
      "This Idempotency-Key was already used with a different request",
      { details: { field: "Idempotency-Key" } },
    );
  }
  if (row.state !== "completed" || row.status === null || row.response === null) {
    throw new AppError("CONFLICT", "A request with this Idempotency-Key is still being processed", {
      details: { field: "Idempotency-Key" },
      headers: { "Retry-After": "1" },
    });
  }
  return new Response(row.response, {
    status: row.status,
    headers: { "Content-Type": "application/json", "Idempotent-Replayed": "true" },
  });
}
