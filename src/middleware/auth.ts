import { createMiddleware } from "hono/factory";
import { digestsEqual, hashSecret, parseApiKey } from "../auth/api-key";
import { hasScope, type Scope } from "../auth/principal";
import { database } from "../db/client";
import { findKey, touchKey } from "../db/keys-repo";
import { AppError } from "../errors";
import type { AppEnv } from "../http/types";

const CHALLENGE = { "WWW-Authenticate": 'Bearer realm="leadbridge"' };

function unauthenticated(message: string): AppError {
  return new AppError("AUTHENTICATION_ERROR", message, { headers: CHALLENGE });
}

/**
 * Bearer API-key authentication with a minimum scope. Unknown, malformed and revoked keys all
 * get the same 401 so the answer does not tell an attacker which part was wrong.
 */
export function requireScope(scope: Scope) {
  return createMiddleware<AppEnv>(async function auth(c, next) {
    const header = c.req.header("Authorization");
    if (!header) throw unauthenticated("Missing Authorization header");
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const parsed = match?.[1] ? parseApiKey(match[1]) : null;
    if (!parsed) throw unauthenticated("Invalid API key");

    const db = database(c.env.DB);
    const row = await findKey(db, parsed.id);
    const presented = await hashSecret(parsed.secret);
    // Hash and compare even when no row exists so timing does not reveal valid key ids.
    const stored = row?.hash ?? "0".repeat(presented.length);
    if (!digestsEqual(presented, stored) || !row || row.revokedAt) {
      throw unauthenticated("Invalid API key");
    }

    const principal = { keyId: row.id, name: row.name, scopes: row.scopes };
    if (!hasScope(principal, scope)) {
      throw new AppError("AUTHORIZATION_ERROR", `This API key lacks the '${scope}' scope`, {
        details: { required_scope: scope, key_scopes: principal.scopes },
      });
    }
    c.set("principal", principal);
    // Last-used is a convenience for operators; it must not slow or fail the request.
    c.executionCtx.waitUntil(touchKey(db, row.id, new Date().toISOString()).catch(() => {}));
    return next();
  });
}
