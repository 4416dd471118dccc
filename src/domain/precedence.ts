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

interface FieldSpec {
  /** Field (or field group) name reported in provenance. */
  field: string;
  category: PrecedenceCategory;
  has: (l: Lead) => boolean;
  copy: (from: Lead, to: Lead) => void;
}

const nonEmpty = (v: unknown): boolean =>
  v !== null && v !== undefined && v !== "" && !(Array.isArray(v) && v.length === 0);

/**
 * A field copied on its own. The accessors are written out per field rather than built from a
 * (part, key) pair: a property read by a computed key in one shared closure is a slow,
 * polymorphic lookup, and this runs for every field of every merged lead.
 */
function simple<V>(
  field: string,
  category: PrecedenceCategory,
  get: (l: Lead) => V,
  set: (l: Lead, v: V) => void,
): FieldSpec {
  return {
    field,
    category,
    has: (l) => nonEmpty(get(l)),
    copy: (from, to) => set(to, cloneData(get(from))),
  };
}

/** Groups travel together so a first name and surname never come from different providers. */
const FIELDS: FieldSpec[] = [
  {
    field: "person.name",
    category: "contactInfo",
    has: (l) => l.person.first_name !== null && l.person.last_name !== null,
    copy: (f, t) => {
      t.person.first_name = f.person.first_name;
      t.person.last_name = f.person.last_name;
      t.person.last_name_obfuscated = f.person.last_name_obfuscated;
      t.person.full_name = f.person.full_name;
    },
  },
  simple(
    "person.title",
    "contactInfo",
    (l) => l.person.title,
    (l, v) => {
      l.person.title = v;
    },
  ),
  {
    field: "person.email",
    category: "emailVerification",
    has: (l) => l.person.email !== null,
    copy: (f, t) => {
      t.person.email = f.person.email;
      t.person.email_status = f.person.email_status;
    },
  },
  simple(
    "person.phones",
    "phoneNumbers",
    (l) => l.person.phones,
    (l, v) => {
      l.person.phones = v;
    },
  ),
  simple(
    "person.linkedin_url",
    "socialMedia",
    (l) => l.person.linkedin_url,
    (l, v) => {
      l.person.linkedin_url = v;
    },
  ),
  simple(
    "person.seniority",
    "contactInfo",
    (l) => l.person.seniority,
    (l, v) => {
      l.person.seniority = v;
    },
  ),
  simple(
    "person.departments",
    "contactInfo",
    (l) => l.person.departments,
    (l, v) => {
      l.person.departments = v;
    },
  ),
  {
    field: "person.location",
    category: "contactInfo",
    has: (l) => Object.values(l.person.location).some(nonEmpty),
    copy: (f, t) => {
      t.person.location = { ...f.person.location };
    },
  },
  {
    field: "company.name",
    category: "companyInfo",
    has: (l) => l.company.name !== null,
    copy: (f, t) => {
      t.company.name = f.company.name;
      t.company.name_key = f.company.name_key;
    },
  },
  {
    field: "company.domain",
    category: "companyInfo",
    has: (l) => l.company.domain !== null,
    copy: (f, t) => {
      t.company.domain = f.company.domain;
      t.company.website = f.company.website;
    },
  },
  simple(
    "company.phone",
    "phoneNumbers",
    (l) => l.company.phone,
    (l, v) => {
      l.company.phone = v;
    },
  ),
  simple(
    "company.industry",
    "companyInfo",
    (l) => l.company.industry,
    (l, v) => {
      l.company.industry = v;
    },
  ),
  simple(
    "company.industries",
    "companyInfo",
    (l) => l.company.industries,
    (l, v) => {
      l.company.industries = v;
    },
  ),
  {
    field: "company.employee_count",
    category: "companyInfo",
    has: (l) => l.company.employee_count !== null || l.company.employee_range !== null,
    copy: (f, t) => {
      t.company.employee_count = f.company.employee_count;
      t.company.employee_range = f.company.employee_range;
    },
  },
  {
    field: "company.revenue",
    category: "companyInfo",
    has: (l) => l.company.revenue !== null || l.company.revenue_text !== null,
    copy: (f, t) => {
      t.company.revenue = f.company.revenue;
      t.company.revenue_text = f.company.revenue_text;
    },
  },
  simple(
    "company.founded_year",
    "companyInfo",
    (l) => l.company.founded_year,
    (l, v) => {
      l.company.founded_year = v;
    },
  ),
  {
    field: "company.hq",
    category: "companyInfo",
    has: (l) => Object.values(l.company.hq).some(nonEmpty),
    copy: (f, t) => {
      t.company.hq = { ...f.company.hq };
      t.company.country_code = f.company.country_code;
    },
  },
  simple(
    "company.technologies",
    "technographics",
    (l) => l.company.technologies,
    (l, v) => {
      l.company.technologies = v;
    },
  ),
  simple(
    "company.description",
    "companyInfo",
    (l) => l.company.description,
    (l, v) => {
      l.company.description = v;
    },
  ),
  simple(
    "company.keywords",
    "companyInfo",
    (l) => l.company.keywords,
    (l, v) => {
      l.company.keywords = v;
    },
  ),
  simple(
    "company.linkedin_url",
    "socialMedia",
    (l) => l.company.linkedin_url,
    (l, v) => {
      l.company.linkedin_url = v;
    },
  ),
  simple(
    "signals.intent_topics",
    "companyInfo",
    (l) => l.signals.intent_topics,
    (l, v) => {
      l.signals.intent_topics = v;
    },
  ),
  simple(
    "signals.intent_strength",
    "companyInfo",
    (l) => l.signals.intent_strength,
    (l, v) => {
      l.signals.intent_strength = v;
    },
  ),
  simple(
    "signals.growth",
    "companyInfo",
    (l) => l.signals.growth,
    (l, v) => {
      l.signals.growth = v;
    },
  ),
  simple(
    "signals.recent_job_change",
    "contactInfo",
    (l) => l.signals.recent_job_change,
    (l, v) => {
      l.signals.recent_job_change = v;
    },
  ),
  simple(
    "signals.email_confidence",
    "emailVerification",
    (l) => l.signals.email_confidence,
    (l, v) => {
      l.signals.email_confidence = v;
    },
  ),
  simple(
    "signals.accuracy_score",
    "contactInfo",
    (l) => l.signals.accuracy_score,
    (l, v) => {
      l.signals.accuracy_score = v;
    },
  ),
  simple(
    "signals.last_seen_at",
    "contactInfo",
    (l) => l.signals.last_seen_at,
    (l, v) => {
      l.signals.last_seen_at = v;
    },
  ),
  simple(
    "signals.source_urls",
    "emailVerification",
    (l) => l.signals.source_urls,
    (l, v) => {
      l.signals.source_urls = v;
    },
  ),
  simple(
    "signals.webmail",
    "emailVerification",
    (l) => l.signals.webmail,
    (l, v) => {
      l.signals.webmail = v;
    },
  ),
  simple(
    "signals.email_pattern",
    "emailVerification",
    (l) => l.signals.email_pattern,
    (l, v) => {
      l.signals.email_pattern = v;
    },
  ),
  simple(
    "signals.person_moved",
    "contactInfo",
    (l) => l.signals.person_moved,
    (l, v) => {
      l.signals.person_moved = v;
    },
  ),
];

const CATEGORIES = Object.keys(DATA_PRECEDENCE) as PrecedenceCategory[];
const CONTACT_ORDER_REVERSED = [...SOURCE_ORDER.contactInfo].reverse();
/** Each field's category as an index into CATEGORIES. */
const FIELD_CATEGORY = FIELDS.map((spec) => CATEGORIES.indexOf(spec.category));

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
  const first = leads[0];
  if (first === undefined) return null;
  const bySource = new Map<LeadSource, CanonicalLead>();
  for (const l of leads)
    if (!bySource.has(l.provenance.source)) bySource.set(l.provenance.source, l);

  const contactOrder = SOURCE_ORDER.contactInfo;
  const base = contactOrder.map((s) => bySource.get(s)).find((l) => l !== undefined) ?? first;
  // `extras` is rebuilt below from every source, so the base's own is not copied. The base's
  // parts are copied shallowly here; the spec loop below replaces nearly every value with a
  // winner's copy, and what it leaves is deep-copied after it, so `out` shares no reference with
  // the inputs (as a deep copy of the whole base up front would, at twice the work).
  const parts = base as unknown as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const k of Object.keys(base)) {
    if (k === "extras") continue;
    const v = parts[k];
    copy[k] = k === "person" || k === "company" || k === "signals" ? { ...(v as object) } : v;
  }
  copy.extras = {};
  const out = copy as unknown as CanonicalLead;
  const chosen: Record<string, LeadSource> = {};

  // The leads in each category's order, once per merge rather than once per field.
  const ranked: CanonicalLead[][] = CATEGORIES.map((category) => {
    const candidates: CanonicalLead[] = [];
    for (const s of SOURCE_ORDER[category]) {
      const l = bySource.get(s);
      if (l !== undefined) candidates.push(l);
    }
    return candidates;
  });
  for (let f = 0; f < FIELDS.length; f++) {
    const spec = FIELDS[f] as FieldSpec;
    const candidates = ranked[FIELD_CATEGORY[f] as number] as CanonicalLead[];
    let winner: CanonicalLead | undefined;
    for (const l of candidates) {
      if (spec.has(l)) {
        winner = l;
        break;
      }
    }
    if (winner === undefined) continue;
    // Copies only the winning values (cloned where they are objects), never the whole lead.
    spec.copy(winner, out);
    chosen[spec.field] = winner.provenance.source;
  }
  for (const k of Object.keys(base)) {
    if (k !== "person" && k !== "company" && k !== "signals" && k !== "extras")
      copy[k] = cloneData(parts[k]);
  }
  uncopied(out.person, base.person);
  uncopied(out.company, base.company);
  uncopied(out.signals, base.signals);

  out.flags = {
    do_not_contact: leads.some((l) => l.flags.do_not_contact),
    email_unsubscribed: leads.some((l) => l.flags.email_unsubscribed),
    call_opted_out: leads.some((l) => l.flags.call_opted_out),
  };
  // Extras: lower-precedence sources first so higher ones overwrite on key clashes.
  const extras: Record<string, unknown> = {};
  for (const s of CONTACT_ORDER_REVERSED) {
    const e = bySource.get(s)?.extras;
    if (e !== undefined) Object.assign(extras, e);
  }
  out.extras = extras;
  return { lead: out, chosen };
}
