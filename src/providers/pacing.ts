/**
 * Provider pacing, shared by the three clients and the sync runner. Every provider signals
 * "slow down" differently (providers.md §1.5, §2.5, §3.5); the clients fold those signals into
 * one `Throttle`, and the runner either waits briefly or stops the run and pauses the search.
 */

export interface Throttle {
  /** How long to wait before the next call to this provider. */
  retryAfterMs: number;
  /**
   * Set when the provider said "stop until then" (Hunter's monthly quota, an Apollo daily
   * window): the runner pauses the search until this time rather than waiting.
   */
  stopUntil?: Date;
  /** Machine-readable cause, e.g. "apollo_429", "hunter_quota", "apollo_minute_window". */
  reason: string;
}

/** What a client call gives back: data (maybe with a pre-emptive throttle) or a refusal. */
export type CallResult<T> =
  | { kind: "ok"; data: T; throttle: Throttle | null }
  | { kind: "throttled"; throttle: Throttle };

/**
 * `Retry-After` is delta-seconds or an HTTP date (RFC 9110 §10.2.3); anything unreadable or
 * missing falls back, so a 429 without the header still backs off.
 */
export function retryAfterMs(value: string | null, now: Date, fallbackMs: number): number {
  if (value === null || value.trim() === "") return fallbackMs;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return fallbackMs;
  return Math.max(0, at - now.getTime());
}

/** Milliseconds until the next multiple of `lengthMs` (clock-aligned fixed windows). */
export function untilWindowEnd(now: Date, lengthMs: number): number {
  const t = now.getTime();
  return Math.floor(t / lengthMs) * lengthMs + lengthMs - t;
}

export interface RateLimit {
  requests: number;
  window_seconds: number;
}

/**
 * Client-side rolling window for one run: the configured `rate_limit` of the provider
 * (`config.providers.<p>.rate_limit`). Hunter publishes no rate headers at all, so this is the
 * only pacing it gets; for Apollo and ZoomInfo it keeps a run below the limit before the
 * provider has to refuse. A wait longer than `maxWaitMs` is not slept: the caller stops.
 */
export class Pacer {
  private readonly calls: number[] = [];

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
    readonly maxWaitMs = 5_000,
  ) {}

  /** Waits for room in the window; false when that would take longer than `maxWaitMs`. */
  async acquire(): Promise<boolean> {
    const windowMs = this.limit.window_seconds * 1000;
    let now = this.clock();
    while (this.calls.length > 0 && (this.calls[0] ?? 0) <= now - windowMs) this.calls.shift();
    if (this.calls.length >= this.limit.requests) {
      const wait = (this.calls[0] ?? now) + windowMs - now;
      if (wait > this.maxWaitMs) return false;
      await this.sleep(wait);
      now = this.clock();
      this.calls.shift();
    }
    this.calls.push(now);
    return true;
  }

  /** Sleeps for a provider-announced short wait; false when it is too long to sleep here. */
  async pause(ms: number): Promise<boolean> {
    if (ms > this.maxWaitMs) return false;
    if (ms > 0) await this.sleep(ms);
    return true;
  }
}
