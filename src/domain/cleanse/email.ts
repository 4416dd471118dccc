/**
 * Email normalisation (seed "Data Cleansing Rules": lowercase + trim, plus a syntax check).
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

// Local part: printable ASCII without spaces/@, no leading/trailing/double dots.
// Domain: labels of letters (any script, so IDN stays), digits, hyphens; TLD ≥ 2 letters.
const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const TLD = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{2,59})$/u;

export function normaliseEmail(value: unknown): EmailResult {
  if (typeof value !== "string") return { kind: "absent" };
  let s = value.normalize("NFC").trim();
  if (s === "") return { kind: "absent" };
  s = s.replace(/^mailto:/i, "").trim();
  const angle = /<([^<>]+)>\s*$/.exec(s);
  if (angle?.[1] !== undefined) s = angle[1].trim();
  s = s.split("?")[0] ?? s; // mailto:x@y.com?subject=…
  s = s.toLowerCase();
  if (!isValidEmailSyntax(s)) return { kind: "invalid", raw: value };
  const [local, domain] = splitEmail(s);
  if (
    PLACEHOLDER_LOCAL_PARTS.has(local) ||
    (local === "email" && PLACEHOLDER_DOMAINS.has(domain))
  ) {
    return { kind: "placeholder", raw: value };
  }
  return { kind: "ok", email: s };
}

export function isValidEmailSyntax(email: string): boolean {
  if (email.length > 254) return false;
  const at = email.lastIndexOf("@");
  if (at <= 0 || at !== email.indexOf("@")) return false;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length > 64 || !LOCAL.test(local)) return false;
  const labels = domain.split(".");
  if (labels.length < 2) return false;
  const tld = labels[labels.length - 1] ?? "";
  return labels.every((l) => LABEL.test(l)) && TLD.test(tld);
}

function splitEmail(email: string): [string, string] {
  const at = email.indexOf("@");
  return [email.slice(0, at), email.slice(at + 1)];
}

/** Domain part of an already-normalised email. */
export function emailDomain(email: string): string | null {
  const at = email.lastIndexOf("@");
  return at < 0 ? null : email.slice(at + 1) || null;
}
