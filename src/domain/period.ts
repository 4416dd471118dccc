const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export interface Period {
  /** Inclusive. */
  start: Date;
  /** Exclusive. */
  end: Date;
}

export type PeriodProblem = { field: "start_date" | "end_date"; message: string };

/**
 * The analytics period from the seed's `start_date` / `end_date` (ISO 8601 dates or date-times,
 * already checked for shape). A bare end date includes that whole day; a missing end is `now`,
 * a missing start `defaultSpanMs` before the end.
 */
export function resolvePeriod(
  q: { start_date?: string | undefined; end_date?: string | undefined },
  now: Date,
  defaultSpanMs: number,
): Period | PeriodProblem {
  const end = q.end_date
    ? new Date(Date.parse(q.end_date) + (DATE_ONLY.test(q.end_date) ? DAY_MS : 0))
    : now;
  const start = q.start_date
    ? new Date(Date.parse(q.start_date))
    : new Date(end.getTime() - defaultSpanMs);
  if (start.getTime() >= end.getTime()) {
    return { field: "end_date", message: "end_date must be after start_date" };
  }
  return { start, end };
}

/**
 * The rollup minute keys covering a period: [from, to). The end's own minute is included when
 * the end falls inside it (a period ending "now" counts the current minute).
 */
export function minuteRange(p: Period): { from: string; to: string } {
  const key = (ms: number) => new Date(ms).toISOString().slice(0, 16);
  return {
    from: key(Math.floor(p.start.getTime() / MINUTE_MS) * MINUTE_MS),
    to: key(Math.ceil(p.end.getTime() / MINUTE_MS) * MINUTE_MS),
  };
}

/** Minutes the period covers up to `now` (at least one), for per-minute rates. */
export function elapsedMinutes(p: Period, now: Date): number {
  const end = Math.min(p.end.getTime(), now.getTime());
  return Math.max(1, Math.ceil((end - p.start.getTime()) / MINUTE_MS));
}

/** Hourly series for short periods (up to three days), daily otherwise. */
export function seriesGranularity(p: Period): "hour" | "day" {
  return p.end.getTime() - p.start.getTime() <= 3 * DAY_MS ? "hour" : "day";
}
