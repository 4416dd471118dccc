const CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";

/**
 * Time-ordered ids (`ld_01jd…`): ULID layout in lower-case Crockford base32, so ids sort by
 * creation time and cursor paging by id is paging by age. `now` is a parameter to keep callers
 * testable.
 */
export function newId(prefix: string, now: number = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = (CROCKFORD[t % 32] ?? "0") + time;
    t = Math.floor(t / 32);
  }
  let rand = "";
  for (const b of crypto.getRandomValues(new Uint8Array(16))) rand += CROCKFORD[b % 32];
  return `${prefix}_${time}${rand}`;
}
