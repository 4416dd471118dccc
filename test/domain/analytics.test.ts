import { describe, expect, it } from "vitest";
import { baselineCalls, successRate, ZERO_IMPORT_COUNTS } from "../../src/domain/analytics";
import { BUCKET_COUNT, bucketOf, minuteOf, percentile } from "../../src/domain/latency";
import { elapsedMinutes, minuteRange, resolvePeriod } from "../../src/domain/period";

const buckets = (entries: [number, number][]) => {
  const b = new Array<number>(BUCKET_COUNT).fill(0);
  for (const [ms, n] of entries) b[bucketOf(ms)] = (b[bucketOf(ms)] ?? 0) + n;
  return b;
};

describe("latency buckets", () => {
  it("puts a latency in the first bucket whose bound holds it", () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(5)).toBe(0);
    expect(bucketOf(5.1)).toBe(1);
    expect(bucketOf(10_000)).toBe(10);
    expect(bucketOf(60_000)).toBe(11);
  });

  it("reads percentiles back within one bucket's width", () => {
    // 90 fast requests (≤ 25 ms), 9 slow (≤ 500 ms), 1 very slow (≤ 5 s).
    const b = buckets([
      [20, 90],
      [400, 9],
      [4000, 1],
    ]);
    const p50 = percentile(b, 0.5) ?? -1;
    expect(p50).toBeGreaterThan(10);
    expect(p50).toBeLessThanOrEqual(25);
    const p95 = percentile(b, 0.95) ?? -1;
    expect(p95).toBeGreaterThan(250);
    expect(p95).toBeLessThanOrEqual(500);
    expect(percentile(b, 0.99)).toBe(500);
    expect(percentile(b, 1)).toBe(5000);
    expect(percentile(new Array(BUCKET_COUNT).fill(0), 0.95)).toBeNull();
  });

  it("keys minutes in UTC", () => {
    expect(minuteOf(Date.UTC(2026, 0, 31, 9, 30, 59, 999))).toBe("2026-01-31T09:30");
  });
});

describe("analytics periods", () => {
  const now = new Date("2026-03-10T12:34:56Z");

  it("defaults to a span ending now, and a bare end date includes its day", () => {
    expect(resolvePeriod({}, now, 86_400_000)).toEqual({
      start: new Date("2026-03-09T12:34:56Z"),
      end: now,
    });
    expect(resolvePeriod({ start_date: "2026-03-01", end_date: "2026-03-01" }, now, 1)).toEqual({
      start: new Date("2026-03-01T00:00:00Z"),
      end: new Date("2026-03-02T00:00:00Z"),
    });
    expect(resolvePeriod({ start_date: "2026-03-05", end_date: "2026-03-01" }, now, 1)).toEqual({
      field: "end_date",
      message: "end_date must be after start_date",
    });
  });

  it("covers the minute a period ends in, and counts minutes only up to now", () => {
    const p = { start: new Date("2026-03-10T12:00:30Z"), end: now };
    expect(minuteRange(p)).toEqual({ from: "2026-03-10T12:00", to: "2026-03-10T12:35" });
    expect(elapsedMinutes(p, now)).toBe(35);
    expect(elapsedMinutes({ start: p.start, end: new Date("2026-04-01T00:00:00Z") }, now)).toBe(35);
  });
});

describe("import figures", () => {
  it("compares with the per-lead workflow and leaves suppressions out of the success rate", () => {
    const c = { ...ZERO_IMPORT_COUNTS, created: 3, updated: 1, suppressed: 5, failed: 1 };
    expect(baselineCalls(c)).toBe(3 * 8 + 4);
    expect(successRate(c)).toBe(0.8);
    expect(successRate(ZERO_IMPORT_COUNTS)).toBeNull();
  });
});
