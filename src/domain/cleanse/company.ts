import { properCase } from "./case";
import { cleanString, isAscii, nfc } from "./values";

/**
 * Legal suffixes stripped for the compare/dedup key only (seed: "clean: name.replace(/\b(Inc|LLC|
 * Ltd|Corp)\b\.?/gi, '')", extended with common non-US forms). This list is for matching only and
 * must not change (it defines existing company keys); what HaloPSA sees is `stripLegalForm`.
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

/**
 * Legal forms removed from the name written to HaloPSA (seed "Data Cleansing Rules":
 * `companyName.clean` strips Inc, LLC, Ltd and Corp; config `halopsa.company_legal_suffix`
 * chooses "strip", the default, or "keep" for MSPs who invoice the legal entity). The seed's four
 * plus their common international forms, documented in docs/reference/seed-differences.md:
 * - English-speaking: Inc, Incorporated, LLC, LLP, Ltd, Limited, Corp, Corporation, PLC,
 *   Pty Ltd, Pvt Ltd, Pte Ltd, Co. Ltd, Sdn Bhd, Bhd;
 * - Europe: GmbH, GmbH & Co. KG, AG, KG, SE, S.A., SAS, SARL, S.à r.l., S.L., S.p.A., S.r.l.,
 *   B.V., N.V., Oy, Oyj, AB, AS, ASA, A/S, ApS, Sp. z o.o., s.r.o.;
 * - elsewhere: KK (Kabushiki Kaisha), Ltda, S.A. de C.V.
 * Words that are part of many brand names ("Company", "Co", "Group", "Holdings") are not legal
 * forms here: "Ford Motor Company" stays whole. Only trailing forms go, casing is untouched
 * ("Harbour IT Ltd." → "Harbour IT", "IBM" stays "IBM"), and a name is never emptied.
 */
const LEGAL_FORMS = [
  "gmbh\\s*&\\s*co\\.?\\s*kg",
  "s\\.?\\s?a\\.?\\s+de\\s+c\\.?\\s?v\\.?",
  "sp\\.?\\s?z\\s?o\\.?\\s?o\\.?",
  "co\\.?,?\\s?ltd\\.?",
  "(?:pty|pvt|pte)\\.?\\s?ltd\\.?",
  "sdn\\.?\\s?bhd\\.?",
  "s\\.?\\s?[àa]\\.?\\s?r\\.?\\s?l\\.?",
  "s\\.?\\s?p\\.?\\s?a\\.?",
  "s\\.?\\s?r\\.?\\s?[lo]\\.?",
  "s\\.?\\s?a\\.?\\s?s\\.?",
  "s\\.?\\s?[al]\\.?",
  "[bn]\\.?\\s?v\\.?",
  "l\\.?\\s?l\\.?\\s?[cp]\\.?",
  "incorporated",
  "corporation",
  "limited",
  "inc\\.?",
  "ltd\\.?",
  "ltda\\.?",
  "corp\\.?",
  "plc\\.?",
  "gmbh",
  "ag",
  "kg",
  "se",
  "oyj?",
  "ab",
  "asa?",
  "a/s",
  "aps",
  "k\\.?\\s?k\\.?",
  "bhd\\.?",
];
const LEGAL_FORM_RE = new RegExp(`(?:[\\s,]+(?:${LEGAL_FORMS.join("|")}))+[\\s,]*$`, "iu");

/** The name without its trailing legal form(s), for HaloPSA ("Siemens AG" → "Siemens"). */
export function stripLegalForm(name: string): string {
  const s = nfc(name).trim();
  const stripped = s.replace(LEGAL_FORM_RE, "").replace(/[\s,]+$/, "");
  return stripped === "" ? s : stripped;
}

/** Display name: trimmed, NFC, whitespace collapsed, recased only if ALL CAPS / all lower. */
export function companyDisplayName(value: unknown): string | null {
  const s = cleanString(value);
  return s === null ? null : properCase(s, "company");
}

/** Name without trailing legal suffixes, display casing kept ("Acme Widgets Pty Ltd" → "Acme Widgets"). */
export function stripLegalSuffixes(name: string): string {
  let s = nfc(name).trim();
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
  // ASCII has no marks to strip and no compatibility forms; its letters and digits are [a-z0-9]
  // once lower-cased.
  if (isAscii(s)) return s.toLowerCase().replace(/[^a-z0-9]/g, "");
  return s
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, "");
}
