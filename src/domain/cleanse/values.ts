import type { Issue } from "../lead";

/**
 * Loose scalar parsing for provider payloads. Providers send empty strings where they mean null,
 * booleans as strings ("false", "1", "Yes"), numbers as strings ("$400 Million" aside) and three
 * different date formats (providers.md §2.4, §4). Every helper here is total: bad input → null.
 */

/** Trim, NFC-normalise and turn "" / whitespace into null. Numbers are stringified. */
export function cleanString(value: unknown): string | null {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value !== "string") return null;
  // Most provider text is printable ASCII words with single spaces: already NFC, nothing to
  // collapse or trim. Skipping the three passes is the same result (this runs ~40× per lead).
  if (isTidyAscii(value)) return value;
  const s = value.normalize("NFC").replace(/\s+/g, " ").trim();
  return s === "" ? null : s;
}

/**
 * True when every UTF-16 unit is ASCII. Such a string is its own NFC, NFKC and NFKD form (no
 * ASCII character decomposes or composes), so the hot paths skip `normalize` for it.
 */
export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** `s.normalize("NFC")`, without the call for ASCII text (the same result). */
export function nfc(s: string): string {
  return isAscii(s) ? s : s.normalize("NFC");
}

/**
 * Printable ASCII, no leading, trailing or repeated space; never empty (the regular expression
 * /^[!-~]+(?: [!-~]+)*$/, as a scan of the characters).
 */
function isTidyAscii(s: string): boolean {
  const n = s.length;
  if (n === 0 || s.charCodeAt(0) === 32 || s.charCodeAt(n - 1) === 32) return false;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 32) {
      if (prev === 32) return false;
    } else if (c < 33 || c > 126) return false;
    prev = c;
  }
  return true;
}

const TRUE_STRINGS = new Set(["true", "1", "yes", "y", "t", "on"]);
const FALSE_STRINGS = new Set(["false", "0", "no", "n", "f", "off"]);

/**
 * true/false/"true"/"false"/"1"/"0"/"yes"/"no"/1/0 → boolean. "", null, "Uncertain" and anything
 * else → null (unknown), so callers can tell "provider said no" from "provider did not say".
 */
export function parseLooseBoolean(value: unknown): boolean | null {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value === 1 ? true : value === 0 ? false : null;
  if (typeof value !== "string") return null;
  const s = value.trim().toLowerCase();
  if (TRUE_STRINGS.has(s)) return true;
  if (FALSE_STRINGS.has(s)) return false;
  return null;
}

/**
 * A consent flag (do not contact, do not email, do not call). Unlike other booleans, a value
 * that is present but not understood ("x", "Uncertain") reads as set, with a warning: a wrong
 * "set" costs one lost contact, a wrong "not set" costs a compliance breach.
 */
export function parseConsentFlag(
  value: unknown,
  field: string,
): { set: boolean; issue: Issue | null } {
  const parsed = parseLooseBoolean(value);
  if (parsed !== null) return { set: parsed, issue: null };
  const absent = value === null || value === undefined || cleanString(value) === null;
  if (absent) return { set: false, issue: null };
  return {
    set: true,
    issue: {
      field,
      code: "unrecognised_flag",
      message: `"${String(value).slice(0, 40)}" is not a yes/no value; read as set (do not contact)`,
    },
  };
}

/** 1600, "1600", "1,600", " 1600 " → 1600. Non-numeric text → null. */
export function parseLooseNumber(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value !== "string") return null;
  const s = value.trim().replace(/,/g, "");
  if (!/^-?\d+(\.\d+)?$/.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

export function parseLooseInteger(value: unknown): number | null {
  const n = parseLooseNumber(value);
  return n === null ? null : Math.trunc(n);
}

const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM)?)?$/i;
const ISO_DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Dates as providers send them → ISO 8601 (UTC) or null:
 * - ISO with or without zone ("2024-11-14T22:29:00Z", "2023-08-01T00:00:00.000+00:00"),
 * - date only "2015-07-29",
 * - ZoomInfo legacy "1/5/2020 2:59 PM" and "06/27/2020" (US month-first; no zone is given, so we
 *   read them as UTC — a choice, documented in the report),
 * - epoch milliseconds as number or numeric string (10-digit values are read as seconds).
 * Anything else ("Notice not required", "") → null.
 */
export function parseLooseDate(value: unknown): string | null {
  if (typeof value === "number") return fromEpoch(value);
  if (typeof value !== "string") return null;
  const s = value.trim();
  if (s === "") return null;
  if (/^\d{10,13}$/.test(s)) return fromEpoch(Number(s));
  const us = US_DATE.exec(s);
  if (us) {
    const [, mo, d, y, h, mi, sec, ampm] = us;
    let hour = h === undefined ? 0 : Number(h);
    if (ampm !== undefined) {
      const pm = ampm.toUpperCase() === "PM";
      if (hour === 12) hour = pm ? 12 : 0;
      else if (pm) hour += 12;
    }
    return fromParts(Number(y), Number(mo), Number(d), hour, Number(mi ?? 0), Number(sec ?? 0));
  }
  const dateOnly = ISO_DATE_ONLY.exec(s);
  if (dateOnly) {
    const [, y, mo, d] = dateOnly;
    return fromParts(Number(y), Number(mo), Number(d), 0, 0, 0);
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(s)) {
    // A zone-less ISO date-time is read as UTC rather than the runtime's local zone.
    const withZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(s) ? s : `${s}Z`;
    const t = Date.parse(withZone);
    return Number.isNaN(t) ? null : new Date(t).toISOString();
  }
  return null;
}

function fromEpoch(n: number): string | null {
  if (!Number.isFinite(n) || n <= 0) return null;
  const ms = n < 1e11 ? n * 1000 : n;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function fromParts(y: number, mo: number, d: number, h: number, mi: number, s: number) {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Reject roll-overs such as 2/31.
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return isoOf(date);
}

/**
 * `date.toISOString()` for a valid date, written out from its UTC fields for years 0–9999
 * (the native call is a slow runtime call, once per dated field of every lead).
 */
function isoOf(date: Date): string {
  const y = date.getUTCFullYear();
  if (y < 0 || y > 9999) return date.toISOString();
  return `${pad(y, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}T${pad(
    date.getUTCHours(),
    2,
  )}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}.${pad(
    date.getUTCMilliseconds(),
    3,
  )}Z`;
}
const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** Strings out of an array that may hold nulls, numbers or objects; trimmed, de-duplicated. */
export function cleanStringList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const v of value) {
    const s = cleanString(v);
    if (s !== null && !out.includes(s)) out.push(s);
  }
  return out;
}

/** Parses revenue text such as "$400 Million", "$1.2 Billion", "100M", "251.2M" into dollars. */
export function parseRevenueText(value: unknown): number | null {
  const direct = parseLooseNumber(value);
  if (direct !== null) return direct;
  if (typeof value !== "string") return null;
  const m = /^\$?\s*([\d.,]+)\s*(k|thousand|m|mil\.?|million|b|bil\.?|billion|t|trillion)?\b/i.exec(
    value.trim(),
  );
  if (!m || m[1] === undefined) return null;
  const n = Number(m[1].replace(/,/g, ""));
  if (!Number.isFinite(n)) return null;
  const unit = (m[2] ?? "").toLowerCase().replace(".", "");
  const mult: Record<string, number> = {
    "": 1,
    k: 1e3,
    thousand: 1e3,
    m: 1e6,
    mil: 1e6,
    million: 1e6,
    b: 1e9,
    bil: 1e9,
    billion: 1e9,
    t: 1e12,
    trillion: 1e12,
  };
  const factor = mult[unit];
  return factor === undefined ? null : Math.round(n * factor);
}
