import { domainToUnicode } from "node:url";
import { nfc } from "./values";
import { plainDomainOk } from "./website";

/**
 * Email normalisation (seed "Data Cleansing Rules": lowercase + trim, plus a syntax check),
 * extended to internationalised addresses (RFC 6531: UTF-8 local parts such as
 * `björn.dubois@…`, and internationalised domain names).
 *
 * The normalised form, used for the dedup key, the D1 email index, suppression matching and the
 * address written to HaloPSA:
 * - Unicode NFC, so a decomposed "o + ¨" and a precomposed "ö" are one address;
 * - lower case by the Unicode default case mapping (`String.prototype.toLowerCase`, which is
 *   locale-independent — never `toLocaleLowerCase`). Deliberately not full case folding: German
 *   "ß" stays "ß" (folding would turn "straße" into "strasse", which may be another mailbox), and
 *   Turkish dotless "ı" stays "ı" while ASCII "I" becomes "i" (a Turkish-locale rule would merge
 *   "YILMAZ" with "yılmaz"; we do not guess the writer's locale). "İ" lower-cases to "i̇"
 *   (i + U+0307), the same for every caller;
 * - the domain in its ASCII (punycode, IDNA/UTS 46) form, computed by the platform's WHATWG URL
 *   host parser: `Bücher.example`, `bücher.example` and `xn--bcher-kva.example` are one domain.
 *
 * Returns a discriminated result so callers can tell "no email" (placeholder, empty) from
 * "malformed email" (an input error that must be reported with the field name).
 */

export type EmailResult =
  | { kind: "ok"; email: string }
  | { kind: "absent" }
  | { kind: "placeholder"; raw: string }
  | { kind: "invalid"; raw: string };

/**
 * Apollo returns `email_not_unlocked@domain.com` (with `email_status: "unavailable"`) when an
 * email has not been revealed (providers.md §1.4). It means "no email", not a real address.
 */
const PLACEHOLDER_LOCAL_PARTS = new Set(["email_not_unlocked"]);
const PLACEHOLDER_DOMAINS = new Set(["domain.com", "example.com", "example.org", "example.net"]);

// Local part (RFC 5322 dot-atom, widened by RFC 6531 to UTF-8): ASCII atext, or letters, marks
// and digits of any script. Spaces, controls, symbols and invisible format characters outside
// ASCII stay invalid: they are typing accidents or spoofing, not names.
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\p{L}\\p{M}\\p{N}-]+";
const LOCAL = new RegExp(`^${ATOM}(?:\\.${ATOM})*$`, "u");
// Domain as typed: labels of letters (any script), marks, digits and hyphens. Checked before the
// URL parser sees it, so nothing the parser would reinterpret (%, /, :, @, [ ]) gets through.
const UNICODE_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{M}\p{N}-]{0,61}[\p{L}\p{M}\p{N}])?$/u;
// Domain after ASCII conversion.
const ASCII_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const ASCII_TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{2,59})$/;

const encoder = new TextEncoder();
/** UTF-8 byte length; a printable-ASCII string's is its length (no encoding needed). */
const utf8Length = (s: string): number =>
  PRINTABLE_ASCII.test(s) ? s.length : encoder.encode(s).length;
const PRINTABLE_ASCII = /^[ -~]*$/;
/** Letters, digits, hyphens and dots only: a domain the URL host parser would return as is. */
const PLAIN_ASCII_DOMAIN = /^[a-z0-9.-]+$/;

const MAILTO = /^mailto:/i;

export function normaliseEmail(value: unknown): EmailResult {
  if (typeof value !== "string") return { kind: "absent" };
  let s = nfc(value).trim();
  if (s === "") return { kind: "absent" };
  // Each step tested for before its regex runs: nearly every address has none of these.
  if (MAILTO.test(s)) s = s.replace(MAILTO, "").trim();
  if (s.includes(">")) {
    const angle = /<([^<>]+)>\s*$/.exec(s);
    if (angle?.[1] !== undefined) s = angle[1].trim();
  }
  const query = s.indexOf("?"); // mailto:x@y.com?subject=…
  if (query >= 0) s = s.slice(0, query);
  const email = normaliseAddress(s);
  if (email === null) return { kind: "invalid", raw: value };
  const [local, domain] = splitEmail(email);
  if (
    PLACEHOLDER_LOCAL_PARTS.has(local) ||
    (local === "email" && PLACEHOLDER_DOMAINS.has(domain))
  ) {
    return { kind: "placeholder", raw: value };
  }
  return { kind: "ok", email };
}

/** `local@domain` → the normalised address, or null when it is not a valid address. */
function normaliseAddress(s: string): string | null {
  const at = s.lastIndexOf("@");
  if (at <= 0 || at !== s.indexOf("@")) return null;
  const local = nfc(s.slice(0, at).toLowerCase());
  const localLength = utf8Length(local);
  if (localLength > 64 || !LOCAL.test(local)) return null;
  const domain = toAsciiDomain(s.slice(at + 1));
  if (domain === null) return null;
  // UTF-8 lengths add up: no surrogate pair spans the ASCII "@" between the parts.
  if (localLength + 1 + utf8Length(domain) > 254) return null;
  return `${local}@${domain}`;
}

/**
 * A domain name in its ASCII form (lower case, IDN labels as `xn--…` punycode), or null when it
 * is not a plausible public domain (at least two labels, an alphabetic or IDN top-level label).
 * The conversion is the platform's WHATWG URL host parser (UTS 46 processing), not a table of
 * our own.
 */
export function toAsciiDomain(value: string): string | null {
  const lower = nfc(value).trim().toLowerCase();
  // One trailing dot (the root) dropped.
  const d = lower.endsWith(".") ? lower.slice(0, -1) : lower;
  if (d === "" || d.length > 253) return null;
  if (PLAIN_ASCII_DOMAIN.test(d) && !d.includes("xn--")) {
    // Lower-case ASCII letters, digits and hyphens: UNICODE_LABEL and ASCII_LABEL accept the
    // same labels here, and the URL parser would hand `d` back unchanged (UTS 46 maps these
    // characters to themselves; a name whose last label passes ASCII_TLD is not read as an
    // IPv4 address). One split and one label check give the full path's answer.
    return plainDomainOk(d) ? d : null;
  }
  const typed = d.split(".");
  if (typed.length < 2 || !typed.every((l) => UNICODE_LABEL.test(l))) return null;
  let ascii: string;
  if (PLAIN_ASCII_DOMAIN.test(d) && !d.includes("xn--")) {
    // Lower-case ASCII letters, digits and hyphens map to themselves under UTS 46, and a name
    // whose last label passes ASCII_TLD below is not read as an IPv4 address: the URL parser
    // would hand back `d` unchanged, so it is skipped (it is the costliest step here).
    ascii = d;
  } else {
    try {
      ascii = new URL(`http://${d}/`).hostname;
    } catch {
      return null; // invalid IDN (e.g. a broken xn-- label)
    }
  }
  const labels = ascii.split(".");
  if (ascii.length > 253 || labels.length < 2) return null;
  const tld = labels[labels.length - 1] ?? "";
  if (!labels.every((l) => ASCII_LABEL.test(l)) || !ASCII_TLD.test(tld)) return null;
  // Some URL parsers pass an `xn--` label through unchecked; one that does not decode (or does
  // not round-trip) is not a domain anybody can have.
  if (labels.some((l) => l.startsWith("xn--")) && !roundTrips(ascii)) return null;
  return ascii;
}

function roundTrips(ascii: string): boolean {
  const unicode = domainToUnicode(ascii);
  if (unicode === "" || unicode.split(".").some((l) => l.startsWith("xn--"))) return false;
  try {
    return new URL(`http://${unicode}/`).hostname === ascii;
  } catch {
    return false;
  }
}

function splitEmail(email: string): [string, string] {
  const at = email.indexOf("@");
  return [email.slice(0, at), email.slice(at + 1)];
}

/**
 * The spelling an address had before LeadBridge converted domains to ASCII (earlier versions
 * kept an IDN domain in Unicode), or null when there is no other spelling. Lookups of existing
 * leads and suppressions try it too, so rows written before the change keep matching.
 */
export function legacyEmailSpelling(email: string): string | null {
  const domain = emailDomain(email);
  if (domain === null) return null;
  const unicode = legacyDomainSpelling(domain);
  return unicode === null ? null : `${email.slice(0, email.lastIndexOf("@"))}@${unicode}`;
}

/** The Unicode spelling of an ASCII domain with `xn--` labels, or null when it has none. */
export function legacyDomainSpelling(domain: string): string | null {
  if (!domain.startsWith("xn--") && !domain.includes(".xn--")) return null;
  const unicode = domainToUnicode(domain).normalize("NFC");
  return unicode === "" || unicode === domain ? null : unicode;
}

/** Domain part of an already-normalised email (ASCII form). */
export function emailDomain(email: string): string | null {
  const at = email.lastIndexOf("@");
  return at < 0 ? null : email.slice(at + 1) || null;
}
