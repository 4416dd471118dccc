import { properCase } from "./case";
import { cleanString } from "./values";

/**
 * Legal suffixes stripped for the compare/dedup key only (seed: "clean: name.replace(/\b(Inc|LLC|
 * Ltd|Corp)\b\.?/gi, '')", extended with common non-US forms). The display name keeps them.
 * Longest forms first so "Pty Ltd" wins over "Ltd".
 */
const LEGAL_SUFFIXES = [
  "pty\\.? ?ltd\\.?",
  "pvt\\.? ?ltd\\.?",
  "co\\.?,? ?ltd\\.?",
  "s\\.?\\s?a\\.?\\s?r\\.?\\s?l\\.?",
  "s\\.?\\s?a\\.?\\s?s\\.?",
  "s\\.?\\s?p\\.?\\s?a\\.?",
  "s\\.?\\s?r\\.?\\s?l\\.?",
  "s\\.?\\s?a\\.?",
  "n\\.?\\s?v\\.?",
  "b\\.?\\s?v\\.?",
  "incorporated",
  "corporation",
  "company",
  "limited",
  "inc\\.?",
  "llc\\.?",
  "l\\.l\\.c\\.?",
  "llp\\.?",
  "ltd\\.?",
  "corp\\.?",
  "plc\\.?",
  "gmbh",
  "ag",
  "kg",
  "ab",
  "oy",
  "as",
  "a/s",
  "bv",
  "nv",
  "sa",
  "co\\.?",
];

const SUFFIX_RE = new RegExp(`(?:[\\s,]+(?:${LEGAL_SUFFIXES.join("|")}))+\\s*$`, "iu");

/** Display name: trimmed, NFC, whitespace collapsed, recased only if ALL CAPS / all lower. */
export function companyDisplayName(value: unknown): string | null {
  const s = cleanString(value);
  return s === null ? null : properCase(s, "company");
}

/** Name without trailing legal suffixes, display casing kept ("Acme Widgets Pty Ltd" → "Acme Widgets"). */
export function stripLegalSuffixes(name: string): string {
  let s = name.normalize("NFC").trim();
  const stripped = s
    .replace(SUFFIX_RE, "")
    .replace(/[\s,.-]+$/, "")
    .trim();
  // Never strip a name down to nothing ("Company Inc" stays "Company").
  if (stripped !== "") s = stripped;
  return s;
}

/**
 * The compare key: legal suffix removed, diacritics folded, lower case, letters and digits only
 * (unicode-aware, so "Société Générale" and "株式会社トヨタ" still produce a key).
 * "&" is read as "and" so "AT&T" and "AT and T" compare equal.
 */
export function companyCompareKey(value: unknown): string | null {
  const s = cleanString(value);
  if (s === null) return null;
  const key = foldForKey(stripLegalSuffixes(s).replace(/&/g, " and "));
  return key === "" ? null : key;
}

/** NFKD, strip combining marks, lower-case, keep only letters and digits of any script. */
export function foldForKey(s: string): string {
  return s
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, "");
}
