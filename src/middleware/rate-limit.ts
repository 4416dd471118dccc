import type { Context } from "hono";
import type { Principal } from "../auth/principal";
import type { Admission, RateLimitStatus, RequestKind } from "../auth/rate-limit-policy";
import { AppError } from "../errors";
import type { AppEnv } from "../http/types";

const API = "/api/v1";
/** Bulk imports (JSON or CSV): the seed's "10 bulk operations per hour". */
const BULK = new Set([`${API}/sync/leads/bulk`]);
/** Requests that run or start an import: the seed's "100 concurrent sync operations". */
const SYNC = [
  /^\/api\/v1\/sync\/leads(\/bulk)?\/?$/,
  /^\/api\/v1\/sync\/providers\/[^/]+\/run\/?$/,
  /^\/api\/v1\/sync\/jobs\/[^/]+\/retry\/?$/,
];

export function requestKind(method: string, path: string): RequestKind {
  if (method !== "POST") return { bulk: false, sync: false };
  const normalised = path.replace(/\/+$/, "");
  return { bulk: BULK.has(normalised), sync: SYNC.some((re) => re.test(path)) };
}

function headers(status: RateLimitStatus): Record<string, string> {
  return {
    "X-RateLimit-Limit": String(status.limit),
    "X-RateLimit-Remaining": String(status.remaining),
    "X-RateLimit-Reset": String(status.reset),
  };
}

/** What the rest of the request needs to hand back when it ends. */
export interface Admitted {
  status: RateLimitStatus;
  lease: string | null;
  bulk: boolean;
}

function limiter(env: Env, keyId: string) {
  return env.API_KEY_LIMITER.get(env.API_KEY_LIMITER.idFromName(keyId));
}

/**
 * One round-trip to the key's limiter. Over a limit: 429 `RATE_LIMIT_EXCEEDED` with
 * `Retry-After` and the headers of the limit that refused. The limiter being unreachable must
 * not take the API down with it: the request goes through unlimited and the failure is logged.
 */
export async function admitRequest(
  c: Context<AppEnv>,
  principal: Principal,
): Promise<{ admitted: Admitted | null; touch: boolean }> {
  const kind = requestKind(c.req.method, c.req.path);
  let admission: Admission;
  try {
    admission = await limiter(c.env, principal.keyId).admit(principal.rateLimits, kind);
  } catch (err) {
    console.error(
      JSON.stringify({
        level: "error",
        code: "RATE_LIMITER_UNAVAILABLE",
        request_id: c.get("requestId"),
        message: err instanceof Error ? err.message : String(err),
      }),
    );
    return { admitted: null, touch: false };
  }
  if (!admission.allowed) {
    throw new AppError("RATE_LIMIT_EXCEEDED", `Rate limit exceeded: ${admission.refusedBy}`, {
      details: {
        limit: admission.refusedBy,
        value: admission.status.limit,
        retry_after_seconds: admission.retryAfterSeconds,
      },
      headers: { ...headers(admission.status), "Retry-After": String(admission.retryAfterSeconds) },
    });
  }
  for (const [name, value] of Object.entries(headers(admission.status))) c.header(name, value);
  return {
    admitted: { status: admission.status, lease: admission.lease, bulk: kind.bulk },
    touch: admission.touch,
  };
}

/**
 * After the request: the headers again (a handler may have built its own Response), and the
 * sync slot handed back before the answer leaves, so a client that starts its next sync as soon
 * as this one answers finds the slot free. A bulk import that was not accepted is refunded.
 * `answered`: false when the request ended in an exception still on its way to the error
 * handler (whose answer gets the headers set before `next`).
 */
export async function settleRequest(
  c: Context<AppEnv>,
  principal: Principal,
  admitted: Admitted,
  answered: boolean,
): Promise<void> {
  const accepted = answered && c.res.status >= 200 && c.res.status < 300;
  if (answered) {
    for (const [name, value] of Object.entries(headers(admitted.status))) c.header(name, value);
  }
  if (!admitted.lease) return;
  const refundBulk = admitted.bulk && !accepted;
  await limiter(c.env, principal.keyId)
    .release(admitted.lease, refundBulk)
    .catch(() => undefined);
}
