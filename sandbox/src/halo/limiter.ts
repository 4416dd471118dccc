import type { Sql } from "./db";

export interface WindowUsage {
  limit: number;
  window_seconds: number;
  used: number;
  remaining: number;
  /** When each request in the window was admitted (epoch ms, oldest first): the bench reads
   * exact admission times from these instead of estimating them from its 1 s samples. */
  admitted_at: number[];
}

/**
 * HaloPSA's limiter is a rolling window ("Rate Limit Reached - 300 Requests per rolling 5 minute
 * window", halopsa-api.md §4). Only admitted requests are recorded, so a client that keeps
 * hammering during a 429 does not extend its own penalty beyond the window.
 */
export class RollingWindow {
  constructor(private readonly sql: Sql) {}

  private prune(now: number, windowSeconds: number): void {
    this.sql.exec("DELETE FROM hits WHERE ts <= ?", now - windowSeconds * 1000);
  }

  /** Records the request and returns true, or returns false when the window is full. */
  admit(now: number, limit: number, windowSeconds: number): boolean {
    this.prune(now, windowSeconds);
    if (this.count() >= limit) return false;
    this.sql.exec("INSERT INTO hits (ts) VALUES (?)", now);
    return true;
  }

  usage(now: number, limit: number, windowSeconds: number): WindowUsage {
    this.prune(now, windowSeconds);
    const admitted_at = this.sql
      .exec<{ ts: number }>("SELECT ts FROM hits ORDER BY ts")
      .toArray()
      .map((r) => r.ts);
    const used = admitted_at.length;
    return {
      limit,
      window_seconds: windowSeconds,
      used,
      remaining: Math.max(0, limit - used),
      admitted_at,
    };
  }

  private count(): number {
    const row = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM hits").toArray()[0];
    return row ? row.n : 0;
  }
}

/** The 429 body seen in the wild, as text, with the tenant's numbers. */
export function rateLimitText(limit: number, windowSeconds: number): string {
  const minutes = Number((windowSeconds / 60).toFixed(2));
  return `Rate Limit Reached - ${limit} Requests per rolling ${minutes} minute window`;
}

export function rateLimitResponse(limit: number, windowSeconds: number): Response {
  // Deliberately no Retry-After (and no X-RateLimit-*): no source shows Halo sending them (§4).
  return new Response(rateLimitText(limit, windowSeconds), {
    status: 429,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}
