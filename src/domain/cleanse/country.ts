import { type CountryCode, getCountries } from "libphonenumber-js/min";
import { nfc } from "./values";

/**
 * Country names as providers send them ("United States", "Switzerland", "Russia", "US") → ISO
 * 3166-1 alpha-2, which libphonenumber needs as the default country for numbers without "+".
 * Built lazily from Intl.DisplayNames over libphonenumber's own country list, plus aliases that
 * English display names do not cover.
 */
const ALIASES: Record<string, CountryCode> = {
  usa: "US",
  "u.s.": "US",
  "u.s.a.": "US",
  "united states of america": "US",
  america: "US",
  uk: "GB",
  "u.k.": "GB",
  england: "GB",
  scotland: "GB",
  wales: "GB",
  "northern ireland": "GB",
  "great britain": "GB",
  "czech republic": "CZ",
  "south korea": "KR",
  korea: "KR",
  "republic of korea": "KR",
  "russian federation": "RU",
  holland: "NL",
  "the netherlands": "NL",
  uae: "AE",
  "viet nam": "VN",
  "hong kong sar": "HK",
  türkiye: "TR",
  turkey: "TR",
};

let byName: Map<string, CountryCode> | null = null;

function nameIndex(): Map<string, CountryCode> {
  if (byName !== null) return byName;
  const map = new Map<string, CountryCode>();
  let names: Intl.DisplayNames | null = null;
  try {
    names = new Intl.DisplayNames(["en"], { type: "region" });
  } catch {
    names = null; // runtime without ICU region names: aliases and ISO codes still work
  }
  for (const code of getCountries()) {
    map.set(code.toLowerCase(), code);
    const name = names?.of(code);
    if (name) map.set(name.toLowerCase(), code);
  }
  for (const [alias, code] of Object.entries(ALIASES)) map.set(alias, code);
  byName = map;
  return map;
}

export function countryToIso2(value: unknown): CountryCode | null {
  if (typeof value !== "string") return null;
  const s = nfc(value).trim().toLowerCase().replace(/\s+/g, " ");
  if (s === "") return null;
  return nameIndex().get(s) ?? null;
}
