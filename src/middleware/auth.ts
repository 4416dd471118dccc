import { createMiddleware } from "hono/factory";
import { digestsEqual, hashSecret, parseApiKey } from "../auth/api-key";
import { hasScope, type Principal, type Scope } from "../auth/principal";
import { effectiveLimits } from "../auth/rate-limit-policy";
import { database } from "../db/client";
import { findKey, touchKey } from "../db/keys-repo";
import { AppError } from "../errors";
import type { AppEnv } from "../http/types";
import { admitRequest, settleRequest } from "./rate-limit";

const CHALLENGE = { "WWW-Authenticate": 'Bearer realm="leadbridge"' };

function unauthenticated(message: string): AppError {
  return new AppError("AUTHENTICATION_ERROR", message, { headers: CHALLENGE });
}

/**
 * The key's principal; throws AUTHENTICATION_ERROR for a missing, unknown or revoked key.
 * Unknown, malformed and revoked keys all get the same 401 so the answer does not tell an
 * attacker which part was wrong.
 */
async function verifyKey(db: D1Database, header: string | undefined): Promise<Principal> {
  if (!header) throw unauthenticated("Missing Authorization header");
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const parsed = match?.[1] ? parseApiKey(match[1]) : null;
  if (!parsed) throw unauthenticated("Invalid API key");

  const row = await findKey(database(db), parsed.id);
  const presented = await hashSecret(parsed.secret);
  // Hash and compare even when no row exists so timing does not reveal valid key ids.
  const stored = row?.hash ?? "0".repeat(presented.length);
  if (!digestsEqual(presented, stored) || !row || row.revokedAt) {
    throw unauthenticated("Invalid API key");
  }
  return {
    keyId: row.id,
    name: row.name,
    scopes: row.scopes,
    rateLimits: effectiveLimits(row.rateLimits),
  };
}

/**
 * For routes open to everyone that tell more to a key holder (GET /health): the principal of a
 * valid key, or null for no key or a bad one (never an error).
 */
export async function optionalPrincipal(
  db: D1Database,
  header: string | undefined,
): Promise<Principal | null> {
  if (!header) return null;
  try {
    return await verifyKey(db, header);
  } catch (err) {
    if (err instanceof AppError) return null;
    throw err;
  }
}

/**
 * Bearer API-key authentication with a minimum scope, and the key's rate limits: every
 * authenticated request, whatever its scope, counts against its key's hourly budget (one
 * Durable Object round-trip) and carries the `X-RateLimit-*` headers.
 */
export function requireScope(scope: Scope) {
  return createMiddleware<AppEnv>(async function auth(c, next) {
    const principal = await verifyKey(c.env.DB, c.req.header("Authorization"));
    const { admitted, touch } = await admitRequest(c, principal);
    let answered = false;
    try {
      if (!hasScope(principal, scope)) {
        throw new AppError("AUTHORIZATION_ERROR", `This API key lacks the '${scope}' scope`, {
          details: { required_scope: scope, key_scopes: principal.scopes },
        });
      }
      c.set("principal", principal);
      // Last-used is a convenience for operators: written when the limiter says a minute has
      // passed (so no D1 write per request), and it must not slow or fail the request.
      if (touch) {
        c.executionCtx.waitUntil(
          touchKey(database(c.env.DB), principal.keyId, new Date().toISOString()).catch(() => {}),
        );
      }
      await next();
      answered = true;
    } finally {
      if (admitted) await settleRequest(c, principal, admitted, answered);
    }
  });
}
