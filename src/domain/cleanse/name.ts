import { properCase } from "./case";
import { cleanString } from "./values";

/**
 * Apollo's free people search returns `last_name_obfuscated` such as "Hu***n" instead of the
 * surname (providers.md §1.4). A value with a run of asterisks is a mask, not a name.
 */
export function isObfuscatedName(value: string): boolean {
  // Both patterns need an asterisk; nearly no name has one.
  if (!value.includes("*")) return false;
  return /\*{2,}/.test(value) || /^\p{L}\*+\p{L}?$/u.test(value);
}

export interface NameParts {
  first_name: string | null;
  last_name: string | null;
  /** The mask when the provider only gave an obfuscated surname ("S***h"). */
  last_name_obfuscated: string | null;
  full_name: string | null;
}

/** Trim, collapse spaces, NFC, recase ALL CAPS / all-lower only; masks become null. */
export function cleanPersonName(value: unknown): string | null {
  const s = cleanString(value);
  if (s === null || isObfuscatedName(s)) return null;
  return properCase(s, "person");
}

/**
 * Builds first/last/full name from whatever the provider gave. A full name is split on the last
 * space only when first and last are both missing (a guess, so only as a fallback).
 */
export function buildName(input: {
  first?: unknown;
  last?: unknown;
  lastObfuscated?: unknown;
  full?: unknown;
}): NameParts {
  let first = cleanPersonName(input.first);
  const rawLast = cleanString(input.last);
  let last = cleanPersonName(input.last);
  const maskSource =
    cleanString(input.lastObfuscated) ?? (rawLast !== null && last === null ? rawLast : null);
  const mask = maskSource !== null && isObfuscatedName(maskSource) ? maskSource : null;
  const fullRaw = cleanString(input.full);
  let full = fullRaw !== null && !isObfuscatedName(fullRaw) ? properCase(fullRaw, "person") : null;
  if (first === null && last === null && full !== null && mask === null) {
    const i = full.lastIndexOf(" ");
    if (i > 0) {
      first = full.slice(0, i);
      last = full.slice(i + 1);
    } else {
      first = full;
    }
  }
  if (full === null) {
    const joined = [first, last].filter((p): p is string => p !== null).join(" ");
    full = joined === "" ? null : joined;
  }
  return { first_name: first, last_name: last, last_name_obfuscated: mask, full_name: full };
}
