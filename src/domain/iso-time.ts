/**
 * `date.toISOString()`, remembered for the last instant asked: an import passes one `now` to
 * every lead it maps, and formatting it afresh for each was a measurable share of the per-lead
 * work. Keyed by the time value, not the object, so a Date changed in place is formatted again.
 */
let lastTime = Number.NaN;
let lastIso = "";

export function isoString(date: Date): string {
  const t = date.getTime();
  if (t !== lastTime) {
    lastIso = date.toISOString(); // throws RangeError for an invalid date, as before
    lastTime = t;
  }
  return lastIso;
}
