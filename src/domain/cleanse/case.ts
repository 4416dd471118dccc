import { cleanString } from "./values";

/**
 * Proper-casing that only touches text a provider sent in ALL CAPS or all lower case: mixed-case
 * text ("iPhone", "McDonald", "van der Berg", "AT&T") is somebody's deliberate spelling and is
 * returned unchanged. The seed's `properCase(name)` gives no rules; these are ours.
 */

/** Particles that stay lower case inside a name ("Ludwig van der Berg", "Maria de la Cruz"). */
const PARTICLES = new Set([
  "van",
  "der",
  "den",
  "de",
  "la",
  "le",
  "du",
  "da",
  "di",
  "del",
  "von",
  "zu",
  "af",
  "y",
  "and",
  "of",
  "the",
  "for",
]);

/** Tokens that keep a fixed spelling whatever the input case. */
const FIXED: Record<string, string> = {
  llc: "LLC",
  llp: "LLP",
  lp: "LP",
  plc: "PLC",
  inc: "Inc",
  ltd: "Ltd",
  corp: "Corp",
  co: "Co",
  gmbh: "GmbH",
  ag: "AG",
  sa: "SA",
  sas: "SAS",
  srl: "SRL",
  bv: "BV",
  nv: "NV",
  ab: "AB",
  oy: "Oy",
  pty: "Pty",
  kg: "KG",
  usa: "USA",
  uk: "UK",
  ii: "II",
  iii: "III",
  iv: "IV",
};

const UPPER = 1;
const LOWER = 2;
/**
 * For an ASCII string (whose only letters are A–Z and a–z): UPPER | LOWER bits for the letter
 * cases it holds. -1 for any other string, which takes the Unicode path.
 */
function asciiLetterCase(s: string): number {
  let seen = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return -1;
    if (c >= 65 && c <= 90) seen |= UPPER;
    else if (c >= 97 && c <= 122) seen |= LOWER;
  }
  return seen;
}

export function isAllCaps(s: string): boolean {
  const ascii = asciiLetterCase(s);
  if (ascii >= 0) return ascii === UPPER;
  const letters = s.replace(/[^\p{L}]/gu, "");
  return (
    letters.length > 0 && letters === letters.toUpperCase() && letters !== letters.toLowerCase()
  );
}

export function isAllLower(s: string): boolean {
  const ascii = asciiLetterCase(s);
  if (ascii >= 0) return ascii === LOWER;
  const letters = s.replace(/[^\p{L}]/gu, "");
  return (
    letters.length > 0 && letters === letters.toLowerCase() && letters !== letters.toUpperCase()
  );
}

/** Upper-cases the first letter and every letter after an apostrophe or hyphen; "Mc" prefix. */
function capitaliseWord(word: string): string {
  const lower = word.toLowerCase();
  let out = "";
  let upperNext = true;
  for (const ch of lower) {
    out += upperNext ? ch.toUpperCase() : ch;
    upperNext = ch === "-" || ch === "'" || ch === "’" || ch === ".";
  }
  // "o'" is O'Brien, but "'s" (possessive) stays lower: "Macy'S" → "Macy's".
  if (out.includes("'S")) out = out.replace(/(\p{L})'S\b/gu, "$1's");
  if (out.startsWith("Mc") && /^Mc\p{L}/u.test(out))
    out = `Mc${out.charAt(2).toUpperCase()}${out.slice(3)}`;
  return out;
}

export type CaseKind = "company" | "person";

/**
 * Recase an ALL-CAPS or all-lower string; leave everything else alone.
 * For companies in ALL CAPS, short tokens (≤ 3 letters, not a particle) and tokens with `&` or
 * inner dots are kept upper case because they are usually acronyms ("ABC PLUMBING" → "ABC
 * Plumbing", "AT&T"), and a single-token ALL-CAPS company name ("IBM", "SAP") is kept as sent.
 */
export function properCase(value: string, kind: CaseKind): string {
  // NFC, whitespace collapsed, trimmed: cleanString's work, with its fast path for tidy text.
  const s = cleanString(value) ?? "";
  // One scan answers both questions for ASCII text (nearly every name).
  const ascii = asciiLetterCase(s);
  const caps = ascii >= 0 ? ascii === UPPER : isAllCaps(s);
  if (!caps && !(ascii >= 0 ? ascii === LOWER : isAllLower(s))) return s;
  const tokens = s.split(" ");
  if (kind === "company" && caps && tokens.length === 1) return s;
  return tokens
    .map((token, i) => {
      const bare = token.toLowerCase().replace(/[.,]/g, "");
      const fixed = FIXED[bare];
      if (fixed !== undefined && (kind === "company" || /^(ii|iii|iv)$/.test(bare))) {
        return keepPunct(token, fixed);
      }
      if (i > 0 && PARTICLES.has(bare)) return token.toLowerCase();
      if (kind === "company" && caps) {
        const letters = token.replace(/[^\p{L}]/gu, "");
        if (/[&]/.test(token) || /\p{L}\.\p{L}/u.test(token)) return token;
        if (letters.length > 0 && letters.length <= 3 && !PARTICLES.has(bare)) return token;
      }
      return capitaliseWord(token);
    })
    .join(" ");
}

/** Keeps trailing punctuation of the original token ("INC." → "Inc."). */
function keepPunct(token: string, fixed: string): string {
  const trail = /[.,]+$/.exec(token)?.[0] ?? "";
  return fixed + trail;
}
