import { BUCKET_COUNT, bucketOf, minuteOf } from "../domain/latency";
import { type RequestRollup, requestRollupStatements } from "./analytics-repo";
import { runBatch } from "./batch";
import type { Db } from "./client";

/** Flush when the oldest unflushed request is this old, or this many rows are waiting. */
const FLUSH_AFTER_MS = 10_000;
const FLUSH_AT_ROWS = 100;

export interface RequestSample {
  at: number;
  /** `GET /api/v1/leads/:id`: the route pattern, never the raw path. */
  route: string;
  status: number;
  latencyMs: number;
  bytesIn: number;
}

/**
 * Request metrics accumulated in the isolate and written to D1 in one batch now and then, so the
 * hot path never waits for (or pays) a D1 write per request. The flush rides on the request
 * that finds it due, so an isolate that dies loses what it had not written yet (its last
 * seconds, or the requests before a quiet spell): analytics can afford that.
 */
export class RequestMetrics {
  private pending = new Map<string, RequestRollup>();
  private oldest = 0;

  record(s: RequestSample): void {
    const minute = minuteOf(s.at);
    const key = `${minute}|${s.route}`;
    let r = this.pending.get(key);
    if (!r) {
      r = {
        minute,
        route: s.route,
        count: 0,
        serverErrors: 0,
        clientErrors: 0,
        rateLimited: 0,
        latencyMsSum: 0,
        bytesIn: 0,
        buckets: new Array<number>(BUCKET_COUNT).fill(0),
      };
      this.pending.set(key, r);
    }
    if (this.oldest === 0) this.oldest = s.at;
    r.count += 1;
    if (s.status >= 500) r.serverErrors += 1;
    else if (s.status >= 400) r.clientErrors += 1;
    if (s.status === 429) r.rateLimited += 1;
    r.latencyMsSum += Math.round(s.latencyMs);
    r.bytesIn += s.bytesIn;
    const b = bucketOf(s.latencyMs);
    r.buckets[b] = (r.buckets[b] ?? 0) + 1;
  }

  due(now: number): boolean {
    return (
      this.pending.size > 0 &&
      (this.pending.size >= FLUSH_AT_ROWS || now - this.oldest >= FLUSH_AFTER_MS)
    );
  }

  /** Writes what is pending in one batch; on failure the counts go back to be tried again. */
  async flush(db: Db): Promise<void> {
    if (this.pending.size === 0) return;
    const rows = [...this.pending.values()];
    this.pending = new Map();
    this.oldest = 0;
    try {
      await runBatch(db, requestRollupStatements(db, rows));
    } catch (err) {
      for (const r of rows) this.restore(r);
      throw err;
    }
  }

  private restore(r: RequestRollup): void {
    const key = `${r.minute}|${r.route}`;
    const cur = this.pending.get(key);
    if (this.oldest === 0) this.oldest = Date.now();
    if (!cur) {
      this.pending.set(key, r);
      return;
    }
    cur.count += r.count;
    cur.serverErrors += r.serverErrors;
    cur.clientErrors += r.clientErrors;
    cur.rateLimited += r.rateLimited;
    cur.latencyMsSum += r.latencyMsSum;
    cur.bytesIn += r.bytesIn;
    cur.buckets = cur.buckets.map((n, i) => n + (r.buckets[i] ?? 0));
  }
}

/** The isolate's accumulator: module state lives as long as the isolate. */
export const requestMetrics = new RequestMetrics();
