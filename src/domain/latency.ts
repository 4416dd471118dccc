/**
 * Fixed latency buckets (upper bounds in ms; the last is open): a minute's latencies are kept as
 * counts per bucket, so rollups add up across minutes and routes and any percentile of any range
 * can be read back without keeping a sample per request.
 */
export const LATENCY_BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;
export const BUCKET_COUNT = LATENCY_BOUNDS_MS.length + 1;

export function bucketOf(ms: number): number {
  const i = LATENCY_BOUNDS_MS.findIndex((bound) => ms <= bound);
  return i === -1 ? LATENCY_BOUNDS_MS.length : i;
}

/**
 * The `p`-th percentile (0 < p ≤ 1) read from bucket counts: linear within the bucket it falls
 * in, so the answer is at most one bucket's width off. The open last bucket answers its lower
 * bound doubled. null when there is nothing counted.
 */
export function percentile(buckets: readonly number[], p: number): number | null {
  const total = buckets.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = p * total;
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    const n = buckets[i] ?? 0;
    if (n > 0 && seen + n >= rank) {
      const lower = i === 0 ? 0 : (LATENCY_BOUNDS_MS[i - 1] ?? 0);
      const upper = LATENCY_BOUNDS_MS[i] ?? lower * 2;
      return Math.round(lower + ((rank - seen) / n) * (upper - lower));
    }
    seen += n;
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1] ?? 0;
}

/** The minute a moment falls in, as the rollups key it: `2026-11-30T15:04`. */
export function minuteOf(at: Date | number): string {
  return new Date(at).toISOString().slice(0, 16);
}
