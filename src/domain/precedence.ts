import type { CanonicalLead, LeadSource } from "./lead";

/**
 * The seed's "Multi-Source Data Precedence" table, verbatim. A source missing from a row ranks
 * after the listed ones (e.g. Hunter for phones); "generic" (CSV/manual import) always ranks last
 * — our choice, since the seed does not mention it.
 */
export const DATA_PRECEDENCE = {
  contactInfo: ["zoominfo", "apollo", "hunter"],
  companyInfo: ["zoominfo", "apollo", "hunter"],
  emailVerification: ["hunter", "zoominfo", "apollo"],
  phoneNumbers: ["zoominfo", "apollo"],
  socialMedia: ["apollo", "zoominfo"],
  technographics: ["apollo", "zoominfo"],
} as const satisfies Record<string, readonly LeadSource[]>;
export type PrecedenceCategory = keyof typeof DATA_PRECEDENCE;

const FALLBACK_ORDER: readonly LeadSource[] = ["zoominfo", "apollo", "hunter", "generic"];

export function sourceOrder(category: PrecedenceCategory): LeadSource[] {
  const listed: readonly LeadSource[] = DATA_PRECEDENCE[category];
  return [...listed, ...FALLBACK_ORDER.filter((s) => !listed.includes(s))];
}

/** Every category's full order, computed once: the merge runs once per lead of an import. */
const SOURCE_ORDER: Record<PrecedenceCategory, readonly LeadSource[]> = {
  contactInfo: sourceOrder("contactInfo"),
  companyInfo: sourceOrder("companyInfo"),
  emailVerification: sourceOrder("emailVerification"),
  phoneNumbers: sourceOrder("phoneNumbers"),
  socialMedia: sourceOrder("socialMedia"),
  technographics: sourceOrder("technographics"),
};

/**
 * A deep copy of JSON-shaped data (what a canonical lead is made of: strings, numbers,
 * booleans, null, arrays, plain objects). Far cheaper than `structuredClone` for these small
 * records; anything else (a Date or Map someone put in `extras`) still goes through it.
 */
export function cloneData<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(cloneData) as T;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) out[k] = cloneData((value as Record<string, unknown>)[k]);
  return out as T;
}

/** Deep-copies the values of `out` that are still the very objects `base` holds. */
function uncopied(out: object, base: object): void {
  const o = out as Record<string, unknown>;
  const b = base as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (v !== null && typeof v === "object" && v === b[k]) o[k] = cloneData(v);
  }
}

type Lead = CanonicalLead;

const nonEmpty = (v: unknown): boolean =>
  v !== null && v !== undefined && v !== "" && !(Array.isArray(v) && v.length === 0);

function someNonEmpty(o: object): boolean {
  for (const k in o)
    if (Object.hasOwn(o, k) && nonEmpty((o as Record<string, unknown>)[k])) return true;
  return false;
}

/**
 * The merged fields (groups travel together so a first name and surname never come from
 * different providers), in the order they are decided. `hasField` and `copyField` below answer
 * for each by its index: one switch instead of a closure per field, so every property read is
 * written out at its own site (a read by computed key in a shared closure is a slow,
 * polymorphic lookup, and this runs for every field of every merged lead).
 */
const FIELDS: readonly { field: string; category: PrecedenceCategory }[] = [
  { field: "person.name", category: "contactInfo" },
  { field: "person.title", category: "contactInfo" },
  { field: "person.email", category: "emailVerification" },
  { field: "person.phones", category: "phoneNumbers" },
  { field: "person.linkedin_url", category: "socialMedia" },
  { field: "person.seniority", category: "contactInfo" },
  { field: "person.departments", category: "contactInfo" },
  { field: "person.location", category: "contactInfo" },
  { field: "company.name", category: "companyInfo" },
  { field: "company.domain", category: "companyInfo" },
  { field: "company.phone", category: "phoneNumbers" },
  { field: "company.industry", category: "companyInfo" },
  { field: "company.industries", category: "companyInfo" },
  { field: "company.employee_count", category: "companyInfo" },
  { field: "company.revenue", category: "companyInfo" },
  { field: "company.founded_year", category: "companyInfo" },
  { field: "company.hq", category: "companyInfo" },
  { field: "company.technologies", category: "technographics" },
  { field: "company.description", category: "companyInfo" },
  { field: "company.keywords", category: "companyInfo" },
  { field: "company.linkedin_url", category: "socialMedia" },
  { field: "signals.intent_topics", category: "companyInfo" },
  { field: "signals.intent_strength", category: "companyInfo" },
  { field: "signals.growth", category: "companyInfo" },
  { field: "signals.recent_job_change", category: "contactInfo" },
  { field: "signals.email_confidence", category: "emailVerification" },
  { field: "signals.accuracy_score", category: "contactInfo" },
  { field: "signals.last_seen_at", category: "contactInfo" },
  { field: "signals.source_urls", category: "emailVerification" },
  { field: "signals.webmail", category: "emailVerification" },
  { field: "signals.email_pattern", category: "emailVerification" },
  { field: "signals.person_moved", category: "contactInfo" },
];

/** Whether `l` has a value for field `f` (an index into FIELDS). */
function hasField(f: number, l: Lead): boolean {
  const p = l.person;
  const c = l.company;
  const s = l.signals;
  switch (f) {
    case 0:
      return p.first_name !== null && p.last_name !== null;
    case 1:
      return nonEmpty(p.title);
    case 2:
      return p.email !== null;
    case 3:
      return nonEmpty(p.phones);
    case 4:
      return nonEmpty(p.linkedin_url);
    case 5:
      return nonEmpty(p.seniority);
    case 6:
      return nonEmpty(p.departments);
    case 7:
      return someNonEmpty(p.location);
    case 8:
      return c.name !== null;
    case 9:
      return c.domain !== null;
    case 10:
      return nonEmpty(c.phone);
    case 11:
      return nonEmpty(c.industry);
    case 12:
      return nonEmpty(c.industries);
    case 13:
      return c.employee_count !== null || c.employee_range !== null;
    case 14:
      return c.revenue !== null || c.revenue_text !== null;
    case 15:
      return nonEmpty(c.founded_year);
    case 16:
      return someNonEmpty(c.hq);
    case 17:
      return nonEmpty(c.technologies);
    case 18:
      return nonEmpty(c.description);
    case 19:
      return nonEmpty(c.keywords);
    case 20:
      return nonEmpty(c.linkedin_url);
    case 21:
      return nonEmpty(s.intent_topics);
    case 22:
      return nonEmpty(s.intent_strength);
    case 23:
      return nonEmpty(s.growth);
    case 24:
      return nonEmpty(s.recent_job_change);
    case 25:
      return nonEmpty(s.email_confidence);
    case 26:
      return nonEmpty(s.accuracy_score);
    case 27:
      return nonEmpty(s.last_seen_at);
    case 28:
      return nonEmpty(s.source_urls);
    case 29:
      return nonEmpty(s.webmail);
    case 30:
      return nonEmpty(s.email_pattern);
    default:
      return nonEmpty(s.person_moved);
  }
}

const same = <T>(v: T): T => v;

/** Copies field `f` from `from` into `to`; `own` deep-copies object values (see mergeSharing). */
function copyField(f: number, from: Lead, to: Lead, own: boolean): void {
  const fp = from.person;
  const tp = to.person;
  const fc = from.company;
  const tc = to.company;
  const fs = from.signals;
  const ts = to.signals;
  const c = own ? cloneData : same;
  switch (f) {
    case 0:
      tp.first_name = fp.first_name;
      tp.last_name = fp.last_name;
      tp.last_name_obfuscated = fp.last_name_obfuscated;
      tp.full_name = fp.full_name;
      return;
    case 1:
      tp.title = fp.title;
      return;
    case 2:
      tp.email = fp.email;
      tp.email_status = fp.email_status;
      return;
    case 3:
      tp.phones = c(fp.phones);
      return;
    case 4:
      tp.linkedin_url = fp.linkedin_url;
      return;
    case 5:
      tp.seniority = fp.seniority;
      return;
    case 6:
      tp.departments = c(fp.departments);
      return;
    case 7:
      tp.location = { ...fp.location };
      return;
    case 8:
      tc.name = fc.name;
      tc.name_key = fc.name_key;
      return;
    case 9:
      tc.domain = fc.domain;
      tc.website = fc.website;
      return;
    case 10:
      tc.phone = c(fc.phone);
      return;
    case 11:
      tc.industry = fc.industry;
      return;
    case 12:
      tc.industries = c(fc.industries);
      return;
    case 13:
      tc.employee_count = fc.employee_count;
      tc.employee_range = fc.employee_range;
      return;
    case 14:
      tc.revenue = fc.revenue;
      tc.revenue_text = fc.revenue_text;
      return;
    case 15:
      tc.founded_year = fc.founded_year;
      return;
    case 16:
      tc.hq = { ...fc.hq };
      tc.country_code = fc.country_code;
      return;
    case 17:
      tc.technologies = c(fc.technologies);
      return;
    case 18:
      tc.description = fc.description;
      return;
    case 19:
      tc.keywords = c(fc.keywords);
      return;
    case 20:
      tc.linkedin_url = fc.linkedin_url;
      return;
    case 21:
      ts.intent_topics = c(fs.intent_topics);
      return;
    case 22:
      ts.intent_strength = fs.intent_strength;
      return;
    case 23:
      ts.growth = c(fs.growth);
      return;
    case 24:
      ts.recent_job_change = fs.recent_job_change;
      return;
    case 25:
      ts.email_confidence = fs.email_confidence;
      return;
    case 26:
      ts.accuracy_score = fs.accuracy_score;
      return;
    case 27:
      ts.last_seen_at = fs.last_seen_at;
      return;
    case 28:
      ts.source_urls = c(fs.source_urls);
      return;
    case 29:
      ts.webmail = fs.webmail;
      return;
    case 30:
      ts.email_pattern = fs.email_pattern;
      return;
    default:
      ts.person_moved = fs.person_moved;
  }
}

/** Each source's index into a merge's by-source slots (sourceIndex answers the same). */
const SOURCE_INDEX: Record<LeadSource, number> = { zoominfo: 0, apollo: 1, hunter: 2, generic: 3 };
/** Each field's sources in its category's order, as slot indexes. */
const FIELD_ORDER: readonly (readonly number[])[] = FIELDS.map((spec) =>
  SOURCE_ORDER[spec.category].map((s) => SOURCE_INDEX[s]),
);
const CONTACT_ORDER = SOURCE_ORDER.contactInfo.map((s) => SOURCE_INDEX[s]);
/** Extras: lower-precedence sources first so higher ones overwrite on key clashes. */
const CONTACT_ORDER_REVERSED = [...CONTACT_ORDER].reverse();

export interface PrecedenceResult {
  lead: CanonicalLead;
  /** Field (group) → the source whose value was chosen. Fields no source had are absent. */
  chosen: Record<string, LeadSource>;
}

/**
 * Merges records of the same person from several providers field by field by the table above.
 * Do-not-contact flags are OR-ed — an opt-out from any provider wins (DESIGN: DNC is sticky).
 * When one provider sent several records, the first one given wins within that provider.
 */
export function mergeByPrecedence(leads: readonly CanonicalLead[]): PrecedenceResult | null {
  const chosen: Record<string, LeadSource> = {};
  const lead = merge(leads, true, chosen);
  return lead === null ? null : { lead, chosen };
}

/**
 * `mergeByPrecedence(leads)?.lead` for a caller that only reads the inputs and the result
 * afterwards (the import's combine maps the result to payloads and serialises it): the merged
 * lead may share the inputs' arrays and objects instead of copying them, and which source won
 * each field is not recorded.
 */
export function mergeSharing(leads: readonly CanonicalLead[]): CanonicalLead | null {
  return merge(leads, false, null);
}

function sourceIndex(source: LeadSource): number {
  // Compared, not looked up: the leads come from different code (normaliser, JSON), and a keyed
  // read of one table by their strings is a slow, polymorphic lookup.
  if (source === "zoominfo") return 0;
  if (source === "apollo") return 1;
  if (source === "hunter") return 2;
  return source === "generic" ? 3 : -1;
}

/** The merge; `own`: share nothing with the inputs; `chosen`: filled with each field's source. */
function merge(
  leads: readonly CanonicalLead[],
  own: boolean,
  chosen: Record<string, LeadSource> | null,
): CanonicalLead | null {
  const first = leads[0];
  if (first === undefined) return null;
  const bySource: (CanonicalLead | undefined)[] = [undefined, undefined, undefined, undefined];
  for (const l of leads) {
    const at = sourceIndex(l.provenance.source);
    if (at >= 0 && bySource[at] === undefined) bySource[at] = l;
  }

  let base = first;
  for (const at of CONTACT_ORDER) {
    const l = bySource[at];
    if (l !== undefined) {
      base = l;
      break;
    }
  }
  // `extras` is rebuilt below from every source, so the base's own is not copied. The base's
  // parts are copied shallowly here; the field loop below replaces the values other sources
  // win, and (unless sharing) what is still the base's is deep-copied after it, so `out` shares
  // no reference with the inputs (as a deep copy of the whole base up front would, at twice the
  // work).
  const parts = base as unknown as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const k in parts) {
    if (!Object.hasOwn(parts, k) || k === "extras") continue;
    const v = parts[k];
    copy[k] = k === "person" || k === "company" || k === "signals" ? { ...(v as object) } : v;
  }
  copy.extras = {};
  const out = copy as unknown as CanonicalLead;

  for (let f = 0; f < FIELDS.length; f++) {
    const order = FIELD_ORDER[f] as readonly number[];
    let winner: CanonicalLead | undefined;
    for (let i = 0; i < order.length; i++) {
      const l = bySource[order[i] as number];
      if (l !== undefined && hasField(f, l)) {
        winner = l;
        break;
      }
    }
    if (winner === undefined) continue;
    // The base's values are already in `out` (and copied below unless sharing).
    if (winner !== base) copyField(f, winner, out, own);
    if (chosen !== null) chosen[(FIELDS[f] as { field: string }).field] = winner.provenance.source;
  }
  if (own) {
    for (const k in parts) {
      if (!Object.hasOwn(parts, k)) continue;
      if (k !== "person" && k !== "company" && k !== "signals" && k !== "extras")
        copy[k] = cloneData(parts[k]);
    }
    uncopied(out.person, base.person);
    uncopied(out.company, base.company);
    uncopied(out.signals, base.signals);
  }

  let dnc = false;
  let unsubscribed = false;
  let optedOut = false;
  for (const l of leads) {
    const fl = l.flags;
    if (fl.do_not_contact) dnc = true;
    if (fl.email_unsubscribed) unsubscribed = true;
    if (fl.call_opted_out) optedOut = true;
  }
  out.flags = { do_not_contact: dnc, email_unsubscribed: unsubscribed, call_opted_out: optedOut };
  const extras: Record<string, unknown> = {};
  for (const at of CONTACT_ORDER_REVERSED) {
    const e = bySource[at]?.extras;
    if (e !== undefined) Object.assign(extras, e);
  }
  out.extras = extras;
  return out;
}
