/**
 * The public API's per-key rate limits, as a pure decision over a small state (no clock, no
 * storage): the `ApiKeyLimiter` Durable Object holds the state and calls `admit`/`release`
 * once per request, so decisions for one key are serialised and exact under concurrency.
 *
 * Three limits, the seed's defaults: 1,000 authenticated requests per hour, 10 bulk imports per
 * hour, 100 concurrent sync operations. Hourly limits are fixed windows that open at the first
 * request after the previous one closed (GitHub's model): `X-RateLimit-Reset` is then a real
 * moment at which the whole budget comes back, which a sliding window cannot promise.
 */

export interface RateLimits {
  requests_per_hour: number;
  bulk_imports_per_hour: number;
  concurrent_syncs: number;
}

/** The seed's limits ("Rate Limiting" in the API reference), used for keys without their own. */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  requests_per_hour: 1000,
  bulk_imports_per_hour: 10,
  concurrent_syncs: 100,
};

/** A key's stored limits (any field may be missing) completed with the defaults. */
export function effectiveLimits(own: Partial<RateLimits> | null | undefined): RateLimits {
  return { ...DEFAULT_RATE_LIMITS, ...(own ?? {}) };
}

export const RATE_WINDOW_MS = 3_600_000;
/**
 * A sync slot not released by then is reclaimed: the Worker that held it died. Longer than any
 * sync request runs (a single sync waits at most about 12 s for busy items; a provider run is
 * bounded by its page budget).
 */
export const SYNC_LEASE_MS = 15 * 60_000;
/** `last_used_at` is written at most this often per key, so it costs no D1 write per request. */
export const TOUCH_INTERVAL_MS = 60_000;

/** Which limits a request counts against, beyond the hourly request budget every request uses. */
export interface RequestKind {
  bulk: boolean;
  sync: boolean;
}

interface WindowCount {
  start: number;
  count: number;
}

export interface LimiterState {
  requests: WindowCount | null;
  bulk: WindowCount | null;
  /** Open sync operations: lease id → expiry (epoch ms). */
  leases: Record<string, number>;
  touchedAt: number;
}

export const EMPTY_LIMITER_STATE: LimiterState = {
  requests: null,
  bulk: null,
  leases: {},
  touchedAt: 0,
};

export type LimitName = "requests_per_hour" | "bulk_imports_per_hour" | "concurrent_syncs";

/** What the `X-RateLimit-*` headers say: limit, remaining, reset in epoch seconds. */
export interface RateLimitStatus {
  limit: number;
  remaining: number;
  reset: number;
}

export type Admission =
  | {
      allowed: true;
      status: RateLimitStatus;
      /** Present for a sync operation: hand it back to `release` when the request ends. */
      lease: string | null;
      /** Time to write the key's `last_used_at` again. */
      touch: boolean;
    }
  | {
      allowed: false;
      /** The limit that refused; the status describes that limit. */
      refusedBy: LimitName;
      status: RateLimitStatus;
      retryAfterSeconds: number;
      touch: boolean;
    };

function current(window: WindowCount | null, now: number): WindowCount {
  return window && now < window.start + RATE_WINDOW_MS ? window : { start: now, count: 0 };
}

const epochSeconds = (ms: number) => Math.ceil(ms / 1000);
const secondsUntil = (ms: number, now: number) => Math.max(1, Math.ceil((ms - now) / 1000));

function liveLeases(leases: Record<string, number>, now: number): Record<string, number> {
  return Object.fromEntries(Object.entries(leases).filter(([, expires]) => expires > now));
}

/**
 * Decides one request and returns the state to store. All or nothing: a refused request
 * consumes no budget of any limit, so a client that backs off loses nothing.
 */
export function admit(
  state: LimiterState,
  limits: RateLimits,
  kind: RequestKind,
  now: number,
  newLeaseId: () => string,
): { admission: Admission; state: LimiterState } {
  const requests = current(state.requests, now);
  const bulk = current(state.bulk, now);
  const leases = liveLeases(state.leases, now);
  const touch = now - state.touchedAt >= TOUCH_INTERVAL_MS;
  const touchedAt = touch ? now : state.touchedAt;
  const requestsReset = requests.start + RATE_WINDOW_MS;

  const refuse = (
    refusedBy: LimitName,
    status: RateLimitStatus,
    retryAfterSeconds: number,
  ): { admission: Admission; state: LimiterState } => ({
    admission: { allowed: false, refusedBy, status, retryAfterSeconds, touch },
    state: { requests, bulk, leases, touchedAt },
  });

  if (requests.count >= limits.requests_per_hour) {
    return refuse(
      "requests_per_hour",
      { limit: limits.requests_per_hour, remaining: 0, reset: epochSeconds(requestsReset) },
      secondsUntil(requestsReset, now),
    );
  }
  if (kind.bulk && bulk.count >= limits.bulk_imports_per_hour) {
    const reset = bulk.start + RATE_WINDOW_MS;
    return refuse(
      "bulk_imports_per_hour",
      { limit: limits.bulk_imports_per_hour, remaining: 0, reset: epochSeconds(reset) },
      secondsUntil(reset, now),
    );
  }
  if (kind.sync && Object.keys(leases).length >= limits.concurrent_syncs) {
    // No moment is known at which a slot frees up: a sync ends when it ends. One second is the
    // smallest honest Retry-After, and the reset says the same.
    return refuse(
      "concurrent_syncs",
      { limit: limits.concurrent_syncs, remaining: 0, reset: epochSeconds(now + 1000) },
      1,
    );
  }

  const lease = kind.sync ? newLeaseId() : null;
  const next: LimiterState = {
    requests: { start: requests.start, count: requests.count + 1 },
    bulk: kind.bulk ? { start: bulk.start, count: bulk.count + 1 } : bulk,
    leases: lease ? { ...leases, [lease]: now + SYNC_LEASE_MS } : leases,
    touchedAt,
  };
  return {
    admission: {
      allowed: true,
      status: {
        limit: limits.requests_per_hour,
        remaining: limits.requests_per_hour - (requests.count + 1),
        reset: epochSeconds(requestsReset),
      },
      lease,
      touch,
    },
    state: next,
  };
}

/**
 * Ends a sync operation. `refundBulk`: the bulk import was not accepted (bad input, a refused
 * upload), so it does not use up one of the hour's imports.
 */
export function release(
  state: LimiterState,
  lease: string | null,
  refundBulk: boolean,
  now: number,
): LimiterState {
  const leases = liveLeases(state.leases, now);
  if (lease) delete leases[lease];
  const bulk =
    refundBulk && state.bulk && now < state.bulk.start + RATE_WINDOW_MS
      ? { start: state.bulk.start, count: Math.max(0, state.bulk.count - 1) }
      : state.bulk;
  return { ...state, bulk, leases };
}
