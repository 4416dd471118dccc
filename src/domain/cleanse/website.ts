import { nfc } from "./values";

/**
 * Website → bare domain (seed "Data Cleansing Rules" strips the scheme and trailing slash; we also
 * strip `www.`, credentials, path, query, fragment and port, and lowercase). IDN host names are
 * kept in Unicode — we deliberately do not go through `URL`, which would punycode them.
 */
export function websiteToDomain(value: unknown): string | null {
  if (typeof value !== "string") return null;
  let s = nfc(value).trim().toLowerCase();
  if (s === "") return null;
  if (PLAIN_DOMAIN.test(s)) {
    // A bare name ("www.acme.example"): no scheme, path, credentials or port to strip.
    s = withoutTrailingDots(s);
  } else {
    s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, "").replace(/^\/\//, "");
    s = s.split(/[/?#\\]/)[0] ?? "";
    const at = s.lastIndexOf("@");
    if (at >= 0) s = s.slice(at + 1);
    s = s.replace(/:\d*$/, "").replace(/\.+$/, "");
  }
  if (s.startsWith("www")) s = s.replace(/^www\d*\./, "");
  if (!isPlausibleDomain(s)) return null;
  return s;
}

/** `s.replace(/\.+$/, "")` without the regex. */
function withoutTrailingDots(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 46) end--;
  return end === s.length ? s : s.slice(0, end);
}

const LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;

/** [a-z0-9.-] only, no "xn--": the names plainDomainOk answers for. */
const PLAIN_DOMAIN = /^[a-z0-9.-]+$/;

function isPlausibleDomain(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  // For such a name LABEL and the top-level test come down to plainDomainOk's rules.
  if (PLAIN_DOMAIN.test(s) && !s.includes("xn--")) return plainDomainOk(s);
  const labels = s.split(".");
  if (labels.length < 2) return false;
  const tld = labels[labels.length - 1] ?? "";
  return labels.every((l) => LABEL.test(l)) && /^(?:\p{L}{2,63}|xn--[a-z0-9-]+)$/u.test(tld);
}

/**
 * For a name of [a-z0-9.-] only, without "xn--": at least two labels, each 1–63 characters not
 * starting or ending with "-" (ASCII_LABEL), the last 2–63 letters (ASCII_TLD without its IDN
 * form). A scan of the characters instead of a split and two regular expressions per label.
 */
export function plainDomainOk(d: string): boolean {
  let labels = 0;
  let start = 0;
  for (let i = 0; i <= d.length; i++) {
    if (i < d.length && d.charCodeAt(i) !== 46 /* . */) continue;
    const len = i - start;
    if (len < 1 || len > 63) return false;
    if (d.charCodeAt(start) === 45 || d.charCodeAt(i - 1) === 45) return false; // "-"
    if (i === d.length) {
      // The top-level label: letters only, at least two.
      if (len < 2) return false;
      for (let j = start; j < i; j++) {
        const c = d.charCodeAt(j);
        if (c < 97 || c > 122) return false;
      }
    }
    labels++;
    start = i + 1;
  }
  return labels >= 2;
}

/** A display URL for HaloPSA's `website` field: `https://<domain>`. */
export function domainToWebsite(domain: string | null): string | null {
  return domain === null ? null : `https://${domain}`;
}

/**
 * Free-mail and ISP domains: never a company's domain. Used so that two unrelated people with
 * gmail addresses are not merged into one HaloPSA client.
 */
const FREE_MAIL = new Set([
  "gmail.com",
  "googlemail.com",
  "yahoo.com",
  "yahoo.co.uk",
  "hotmail.com",
  "hotmail.co.uk",
  "outlook.com",
  "live.com",
  "msn.com",
  "aol.com",
  "icloud.com",
  "me.com",
  "mac.com",
  "proton.me",
  "protonmail.com",
  "gmx.com",
  "gmx.de",
  "web.de",
  "mail.ru",
  "yandex.ru",
  "qq.com",
  "163.com",
]);

export function isFreeMailDomain(domain: string): boolean {
  return FREE_MAIL.has(domain.toLowerCase());
}
