import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js/min";

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

export function normalisePhone(
  raw: unknown,
  defaultCountry: CountryCode | null,
): { e164: string; extension: string | null } | null {
  if (typeof raw !== "string" && typeof raw !== "number") return null;
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
