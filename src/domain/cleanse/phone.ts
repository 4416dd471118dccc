import {
  type CountryCode,
  isSupportedCountry,
  parsePhoneNumberFromString,
} from "libphonenumber-js/min";

/**
 * Phones → E.164 with libphonenumber-js, using the `min` metadata on purpose:
 * - it is the smallest bundle (Workers have a script-size limit) and still formats E.164 and
 *   parses extensions;
 * - we accept a number when it is *possible* (right length for its country) rather than *valid*
 *   (inside an allocated range): provider data is what it is — Apollo's own examples use
 *   "+1 123-555-0158", which `max` metadata would reject — and dropping a phone silently is worse
 *   than keeping a well-formed one. Line type (mobile/fixed) comes from the provider field instead
 *   of `max` metadata's guess.
 * A number without "+" is read in the company's (else the person's) country; with no country we
 * do not guess (seed: formatToE164(phone, defaultCountry); the caller supplies that country).
 */

export type PhoneType = "direct" | "mobile" | "work" | "company" | "other";

export interface Phone {
  e164: string;
  extension: string | null;
  type: PhoneType;
  /** What the provider sent, for notes and audits. */
  raw: string;
  /** Provider says this number must not be called (ZoomInfo *DoNotCall, Apollo dnc_status). */
  dnc: boolean;
}

/**
 * A North American (NANP, +1) number written in one of the usual ways — "+1 415 555 1000",
 * "+14155551000", "(415) 555-1000", "415.555.1000" — with an area code starting 2–9: ten national
 * digits. libphonenumber accepts every such number as possible (each NANP country's `min`
 * metadata allows 10 digits, and no national prefix is stripped from a number not starting
 * with 1), so its E.164 form is "+1" and the digits. Skipping the parser here is the same
 * result for a fraction of the cost (test/domain/fast-paths-core.test.ts checks every area code
 * against libphonenumber); anything else, extensions included, still goes through it.
 */
const NANP = /^(\+1[ .-]?)?(?:\(([2-9]\d\d)\)|([2-9]\d\d))[ .-]?(\d{3})[ .-]?(\d{4})$/;

function nanpFastPath(text: string, defaultCountry: CountryCode | null): string | null {
  const m = NANP.exec(text);
  if (m === null) return null;
  if (m[1] === undefined) {
    // A national number is only read as NANP with a US or Canadian default country.
    if (defaultCountry !== "US" && defaultCountry !== "CA") return null;
  } else if (defaultCountry !== null && !isSupportedCountry(defaultCountry)) {
    return null; // the parser refuses an unknown default country whatever the number
  }
  return `+1${m[2] ?? m[3]}${m[4]}${m[5]}`;
}

export function normalisePhone(
  raw: unknown,
  defaultCountry: CountryCode | null,
): { e164: string; extension: string | null } | null {
  if (typeof raw !== "string" && typeof raw !== "number") return null;
  const fast = nanpFastPath(String(raw), defaultCountry);
  if (fast !== null) return { e164: fast, extension: null };
  const text = String(raw).normalize("NFKC").trim();
  if (text === "" || !/\d/.test(text)) return null;
  // "00" international prefix → "+", so "0041 56…" works without a default country.
  const prepared = text.replace(/^00(?=[1-9])/, "+");
  const parsed = parsePhoneNumberFromString(
    prepared,
    defaultCountry === null ? undefined : { defaultCountry },
  );
  if (!parsed?.isPossible()) return null;
  return { e164: parsed.number, extension: parsed.ext ?? null };
}

export function makePhone(
  raw: unknown,
  type: PhoneType,
  defaultCountry: CountryCode | null,
  dnc = false,
): Phone | null {
  const n = normalisePhone(raw, defaultCountry);
  if (n === null) return null;
  return { ...n, type, raw: String(raw).trim(), dnc };
}

/** Digits of an E.164 number, for the seed's `phone:` dedup key. */
export function phoneDigits(e164: string): string {
  return e164.replace(/\D/g, "");
}
