import type { Address, CanonicalLead, Issue } from "../lead";
import { companyCompareKey } from "./company";

/**
 * How long each text field of a lead may be when written to HaloPSA. HaloPSA's OpenAPI schema
 * gives no `maxLength` for any field LeadBridge writes (Area, Site, Users, Faults: plain
 * strings), so these are our own limits, chosen to hold every real value and nothing hostile:
 * names 100 (a company 200), an email 254 (RFC 5321; longer is already invalid), a URL 2,048,
 * list items 100 and at most 100 of them, anything else 4,000. Documented in docs/architecture.md.
 */
export const TEXT_LIMITS = {
  name: 100,
  companyName: 200,
  title: 200,
  email: 254,
  url: 2_048,
  address: 200,
  listItem: 100,
  listItems: 100,
  text: 4_000,
} as const;

const FIELD_LIMIT: Record<string, number> = {
  "person.first_name": TEXT_LIMITS.name,
  "person.last_name": TEXT_LIMITS.name,
  "person.last_name_obfuscated": TEXT_LIMITS.name,
  "person.full_name": TEXT_LIMITS.name * 2,
  "person.title": TEXT_LIMITS.title,
  "person.email": TEXT_LIMITS.email,
  "person.seniority": TEXT_LIMITS.listItem,
  "person.linkedin_url": TEXT_LIMITS.url,
  "company.name": TEXT_LIMITS.companyName,
  "company.domain": 253,
  "company.website": TEXT_LIMITS.url,
  "company.linkedin_url": TEXT_LIMITS.url,
  "company.industry": TEXT_LIMITS.title,
  "company.employee_range": TEXT_LIMITS.listItem,
  "company.revenue_text": TEXT_LIMITS.listItem,
};

// C0 and C1 control characters and DEL. Every canonical field is single-line (cleansing turns
// tabs and newlines into spaces; the multi-line notes are assembled later from these parts with
// their own newlines), so no control character belongs in a value.
const CONTROL = /\p{Cc}/gu;
const HAS_CONTROL = /\p{Cc}/u;

/** HAS_CONTROL.test(s) as a scan: \p{Cc} is exactly U+0000–U+001F and U+007F–U+009F. */
function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

export interface FittedText {
  value: string;
  truncated: boolean;
  controlsRemoved: boolean;
}

/**
 * Removes control characters and cuts to `max` characters without splitting a surrogate pair.
 * Pure and total.
 */
export function fitText(value: string, max: number): FittedText {
  // The common case (short, no control character) needs no copy.
  if (value.length <= max && !HAS_CONTROL.test(value))
    return { value, truncated: false, controlsRemoved: false };
  const stripped = value.replace(CONTROL, "");
  let cut = stripped;
  if (stripped.length > max) {
    const last = stripped.charCodeAt(max - 1);
    cut = stripped.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max).trimEnd();
  }
  return {
    value: cut,
    truncated: cut.length < stripped.length,
    controlsRemoved: stripped.length < value.length,
  };
}

function limitFor(path: string): number {
  if (FIELD_LIMIT[path] !== undefined) return FIELD_LIMIT[path];
  if (path.includes(".location.") || path.includes(".hq.")) return TEXT_LIMITS.address;
  return TEXT_LIMITS.text;
}

/**
 * What fitting knows about one object path ("person", "company.hq"): each key's limit, computed
 * once, and the keys in the order the last object listed them, so the next object of the same
 * shape (nearly every one: leads are built by the same code) finds each limit by position
 * without a lookup. Bounded: paths and keys are the canonical schema's.
 */
interface PathInfo {
  path: string;
  limits: Map<string, number>;
  keys: string[];
  keyLimits: number[];
  children: Map<string, PathInfo>;
}
function pathInfo(path: string): PathInfo {
  return { path, limits: new Map(), keys: [], keyLimits: [], children: new Map() };
}
const ROOTS = {
  person: pathInfo("person"),
  company: pathInfo("company"),
  signals: pathInfo("signals"),
};
function limitAt(info: PathInfo, at: number, key: string): number {
  if (info.keys[at] === key) return info.keyLimits[at] as number;
  let limit = info.limits.get(key);
  if (limit === undefined) {
    limit = limitFor(`${info.path}.${key}`);
    if (info.limits.size < 256) info.limits.set(key, limit);
  }
  if (at < 256) {
    info.keys[at] = key;
    info.keyLimits[at] = limit;
  }
  return limit;
}
function childInfo(info: PathInfo, key: string): PathInfo {
  let child = info.children.get(key);
  if (child === undefined) {
    child = pathInfo(`${info.path}.${key}`);
    if (info.children.size < 256) info.children.set(key, child);
  }
  return child;
}

function allStrings(value: unknown[]): boolean {
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== "string") return false;
  return true;
}

/**
 * Every text the lead carries into HaloPSA, fitted to its limit, with one warning per field
 * that was cut (`field_truncated`) or cleaned (`control_chars_removed`). Lists keep at most
 * `listItems` entries of at most `listItem` characters. Provenance and extras are not written
 * as such and are left alone. `nameKeyFresh`: the caller made `company.name_key` from
 * `company.name` with `companyCompareKey` (the normaliser does), so while fitting leaves the
 * company as it is, the key needs no second computation.
 */
export function fitLeadText(
  lead: CanonicalLead,
  opts: { nameKeyFresh?: boolean } = {},
): { lead: CanonicalLead; warnings: Issue[] } {
  const warnings: Issue[] = [];
  const report = (field: string, fitted: FittedText, max: number) => {
    if (fitted.controlsRemoved) {
      warnings.push({
        field,
        code: "control_chars_removed",
        message: "control characters were removed from the value",
      });
    }
    if (fitted.truncated) {
      warnings.push({
        field,
        code: "field_truncated",
        message: `the value was cut to ${max} characters`,
      });
    }
  };
  // Copy-on-write: an object is copied only once one of its values changes, so a lead that
  // already fits (nearly every lead) costs a scan, not a copy of every object in it.
  const fitObject = <T extends object>(obj: T, info: PathInfo): T => {
    const src = obj as Record<string, unknown>;
    let out: Record<string, unknown> | null = null;
    let at = 0;
    // for…in over a plain object (Object's prototype, nothing enumerable on it) lists the own
    // keys as Object.keys does, without the array.
    for (const key in src) {
      if (!Object.hasOwn(src, key)) continue;
      const value = src[key];
      let next: unknown = value;
      // The path is built only when it is needed (a warning): this runs for every field of
      // every lead.
      if (typeof value === "string") {
        const max = limitAt(info, at, key);
        // Short, clean and non-empty (nearly every value): kept as it is, nothing allocated.
        if (value === "" || value.length > max || hasControl(value)) {
          const fitted = fitText(value, max);
          if (fitted.truncated || fitted.controlsRemoved)
            report(`${info.path}.${key}`, fitted, max);
          next = fitted.value === "" ? null : fitted.value;
        }
      } else if (Array.isArray(value)) {
        if (allStrings(value)) next = fitList(value as string[], info.path, key);
      } else if (value && typeof value === "object" && key !== "phone") {
        next = fitObject(value as Record<string, unknown>, childInfo(info, key));
      }
      if (next !== value) {
        if (out === null) out = { ...src };
        out[key] = next;
      }
      at++;
    }
    return (out ?? obj) as T;
  };
  /** A list of strings: at most `listItems` items of at most `listItem` characters, none empty. */
  const fitList = (value: string[], prefix: string, key: string): string[] => {
    let clean = value.length <= TEXT_LIMITS.listItems;
    for (let i = 0; clean && i < value.length; i++) {
      const v = value[i] as string;
      clean = v !== "" && v.length <= TEXT_LIMITS.listItem && !hasControl(v);
    }
    if (clean) return value;
    const items = value.slice(0, TEXT_LIMITS.listItems);
    const fitted = items.map((v) => fitText(v, TEXT_LIMITS.listItem));
    const dropped = value.length > items.length;
    report(
      `${prefix}.${key}`,
      {
        value: "",
        truncated: dropped || fitted.some((f) => f.truncated),
        controlsRemoved: fitted.some((f) => f.controlsRemoved),
      },
      TEXT_LIMITS.listItem,
    );
    return fitted.map((f) => f.value).filter((v) => v !== "");
  };
  const person = fitObject(lead.person, ROOTS.person);
  const company = fitObject(lead.company, ROOTS.company);
  const signals = fitObject(lead.signals, ROOTS.signals);
  // The comparison key follows the name HaloPSA will show.
  const nameKey =
    opts.nameKeyFresh === true && company === lead.company
      ? company.name_key
      : companyCompareKey(company.name);
  const fittedCompany = nameKey === company.name_key ? company : { ...company, name_key: nameKey };
  return { lead: { ...lead, person, company: fittedCompany, signals }, warnings };
}

// The limits of the canonical lead's own fields, as fitLeadText finds them by path.
const LIMIT = {
  first_name: limitFor("person.first_name"),
  last_name: limitFor("person.last_name"),
  last_name_obfuscated: limitFor("person.last_name_obfuscated"),
  full_name: limitFor("person.full_name"),
  title: limitFor("person.title"),
  email: limitFor("person.email"),
  email_status: limitFor("person.email_status"),
  person_linkedin: limitFor("person.linkedin_url"),
  seniority: limitFor("person.seniority"),
  location: limitFor("person.location.city"),
  name: limitFor("company.name"),
  name_key: limitFor("company.name_key"),
  domain: limitFor("company.domain"),
  website: limitFor("company.website"),
  industry: limitFor("company.industry"),
  employee_range: limitFor("company.employee_range"),
  revenue_text: limitFor("company.revenue_text"),
  hq: limitFor("company.hq.city"),
  country_code: limitFor("company.country_code"),
  description: limitFor("company.description"),
  company_linkedin: limitFor("company.linkedin_url"),
  signal: limitFor("signals.intent_strength"),
};

/** A text fitText would keep as it is (null stays null); anything else is not sure. */
function fits(v: unknown, max: number): boolean {
  if (v === null) return true;
  return typeof v === "string" && v !== "" && v.length <= max && !hasControl(v);
}

/** A list fitList would keep as it is. */
function listFits(v: unknown): boolean {
  if (!Array.isArray(v) || v.length > TEXT_LIMITS.listItems) return false;
  for (let i = 0; i < v.length; i++) {
    const s = v[i];
    if (typeof s !== "string" || s === "" || s.length > TEXT_LIMITS.listItem || hasControl(s))
      return false;
  }
  return true;
}

function addressFits(a: Address, max: number): boolean {
  return (
    fits(a.street, max) &&
    fits(a.city, max) &&
    fits(a.state, max) &&
    fits(a.postal_code, max) &&
    fits(a.country, max) &&
    fits(a.raw, max)
  );
}

/**
 * Whether `fitLeadText` would leave this lead as it is, with no warning, asked field by field
 * for a lead the normaliser just built (exactly the canonical keys, its company key made from
 * its name): one read per field where fitLeadText walks every object by its keys. Numbers and
 * booleans are never changed by fitting; the phones are not fitted. "No" means only "fit it".
 */
export function builtLeadFits(lead: CanonicalLead): boolean {
  const p = lead.person;
  const c = lead.company;
  const s = lead.signals;
  return (
    fits(p.first_name, LIMIT.first_name) &&
    fits(p.last_name, LIMIT.last_name) &&
    fits(p.last_name_obfuscated, LIMIT.last_name_obfuscated) &&
    fits(p.full_name, LIMIT.full_name) &&
    fits(p.title, LIMIT.title) &&
    fits(p.email, LIMIT.email) &&
    fits(p.email_status, LIMIT.email_status) &&
    fits(p.linkedin_url, LIMIT.person_linkedin) &&
    fits(p.seniority, LIMIT.seniority) &&
    listFits(p.departments) &&
    addressFits(p.location, LIMIT.location) &&
    fits(c.name, LIMIT.name) &&
    fits(c.name_key, LIMIT.name_key) &&
    fits(c.domain, LIMIT.domain) &&
    fits(c.website, LIMIT.website) &&
    fits(c.industry, LIMIT.industry) &&
    listFits(c.industries) &&
    fits(c.employee_range, LIMIT.employee_range) &&
    fits(c.revenue_text, LIMIT.revenue_text) &&
    addressFits(c.hq, LIMIT.hq) &&
    fits(c.country_code, LIMIT.country_code) &&
    listFits(c.technologies) &&
    fits(c.description, LIMIT.description) &&
    listFits(c.keywords) &&
    fits(c.linkedin_url, LIMIT.company_linkedin) &&
    listFits(s.intent_topics) &&
    fits(s.intent_strength, LIMIT.signal) &&
    listFits(s.growth) &&
    fits(s.last_seen_at, LIMIT.signal) &&
    listFits(s.source_urls) &&
    fits(s.email_pattern, LIMIT.signal) &&
    fits(s.person_moved, LIMIT.signal)
  );
}
