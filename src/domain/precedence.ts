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

function simple<K extends keyof Lead["person"] | keyof Lead["company"] | keyof Lead["signals"]>(
  part: "person" | "company" | "signals",
  key: K,
  category: PrecedenceCategory,
): FieldSpec {
  return {
    field: `${part}.${key}`,
    category,
    has: (l) => nonEmpty((l[part] as Record<string, unknown>)[key]),
    copy: (from, to) => {
      (to[part] as Record<string, unknown>)[key] = cloneData(
        (from[part] as Record<string, unknown>)[key],
      );
    },
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
  simple("person", "title", "contactInfo"),
  {
    field: "person.email",
    category: "emailVerification",
    has: (l) => l.person.email !== null,
    copy: (f, t) => {
      t.person.email = f.person.email;
      t.person.email_status = f.person.email_status;
    },
  },
  simple("person", "phones", "phoneNumbers"),
  simple("person", "linkedin_url", "socialMedia"),
  simple("person", "seniority", "contactInfo"),
  simple("person", "departments", "contactInfo"),
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
  simple("company", "phone", "phoneNumbers"),
  simple("company", "industry", "companyInfo"),
  simple("company", "industries", "companyInfo"),
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
  simple("company", "founded_year", "companyInfo"),
  {
    field: "company.hq",
    category: "companyInfo",
    has: (l) => Object.values(l.company.hq).some(nonEmpty),
    copy: (f, t) => {
      t.company.hq = { ...f.company.hq };
      t.company.country_code = f.company.country_code;
    },
  },
  simple("company", "technologies", "technographics"),
  simple("company", "description", "companyInfo"),
  simple("company", "keywords", "companyInfo"),
  simple("company", "linkedin_url", "socialMedia"),
  simple("signals", "intent_topics", "companyInfo"),
  simple("signals", "intent_strength", "companyInfo"),
  simple("signals", "growth", "companyInfo"),
  simple("signals", "recent_job_change", "contactInfo"),
  simple("signals", "email_confidence", "emailVerification"),
  simple("signals", "accuracy_score", "contactInfo"),
  simple("signals", "last_seen_at", "contactInfo"),
  simple("signals", "source_urls", "emailVerification"),
  simple("signals", "webmail", "emailVerification"),
  simple("signals", "email_pattern", "emailVerification"),
  simple("signals", "person_moved", "contactInfo"),
];

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
  const { extras: _replaced, ...rest } = base;
  const out: CanonicalLead = {
    ...rest,
    person: { ...base.person },
    company: { ...base.company },
    signals: { ...base.signals },
    extras: {},
  };
  const chosen: Record<string, LeadSource> = {};

  // The leads in each category's order, once per merge rather than once per field.
  const ranked = new Map<PrecedenceCategory, CanonicalLead[]>();
  for (const spec of FIELDS) {
    let candidates = ranked.get(spec.category);
    if (candidates === undefined) {
      candidates = [];
      for (const s of SOURCE_ORDER[spec.category]) {
        const l = bySource.get(s);
        if (l !== undefined) candidates.push(l);
      }
      ranked.set(spec.category, candidates);
    }
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
  for (const k of Object.keys(rest) as (keyof typeof rest)[]) {
    if (k !== "person" && k !== "company" && k !== "signals")
      (out as Record<string, unknown>)[k] = cloneData(rest[k]);
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
  out.extras = Object.assign(
    {},
    ...[...contactOrder].reverse().map((s) => bySource.get(s)?.extras ?? {}),
  );
  return { lead: out, chosen };
}
