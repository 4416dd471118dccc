import { companyCompareKey, companyDisplayName } from "../../domain/cleanse/company";
import { countryToIso2 } from "../../domain/cleanse/country";
import { normaliseEmail } from "../../domain/cleanse/email";
import { builtLeadFits, fitLeadText } from "../../domain/cleanse/limits";
import { buildName } from "../../domain/cleanse/name";
import { makePhone, type Phone, type PhoneType } from "../../domain/cleanse/phone";
import {
  cleanString,
  cleanStringList,
  parseLooseDate,
  parseLooseInteger,
  parseLooseNumber,
  parseRevenueText,
} from "../../domain/cleanse/values";
import { domainToWebsite, websiteToDomain } from "../../domain/cleanse/website";
import {
  type Address,
  type CanonicalLead,
  type EmailStatus,
  emptyAddress,
  type Flags,
  type Issue,
  type LeadSource,
  type Signals,
} from "../../domain/lead";

/**
 * What a provider normaliser extracts from its native record, still raw. `finaliseDraft` applies
 * the cleansing rules in one place so every provider is cleansed the same way.
 */
export interface RawAddress {
  street?: unknown;
  city?: unknown;
  state?: unknown;
  postal_code?: unknown;
  country?: unknown;
  raw?: unknown;
}

export interface RawPhone {
  raw: unknown;
  type: PhoneType;
  dnc?: boolean;
}

export interface LeadDraft {
  shape: string;
  record_id: unknown;
  person: {
    first?: unknown;
    last?: unknown;
    last_obfuscated?: unknown;
    full?: unknown;
    title?: unknown;
    email?: unknown;
    email_status?: EmailStatus | null;
    phones?: RawPhone[];
    linkedin?: unknown;
    seniority?: unknown;
    departments?: unknown;
    location?: RawAddress;
  };
  company: {
    name?: unknown;
    website?: unknown;
    domain?: unknown;
    phone?: RawPhone | null;
    industry?: unknown;
    industries?: unknown;
    employee_count?: unknown;
    employee_range?: unknown;
    revenue?: unknown;
    revenue_text?: unknown;
    founded_year?: unknown;
    hq?: RawAddress;
    technologies?: unknown;
    description?: unknown;
    keywords?: unknown;
    linkedin?: unknown;
  };
  signals?: Partial<Signals>;
  flags?: Partial<Flags>;
  extras?: Record<string, unknown>;
  /** What the normaliser noticed while reading the record (e.g. an unrecognised flag value). */
  warnings?: Issue[];
  /** Paths of the native fields, so issues name the field the caller sent. */
  paths: { email: string; phone: string; company: string; name: string };
}

export type DraftResult =
  | { ok: true; lead: CanonicalLead; warnings: Issue[] }
  | { ok: false; issues: Issue[] };

function address(a: RawAddress | undefined): Address {
  if (a === undefined) return emptyAddress();
  return {
    street: cleanString(a.street),
    city: cleanString(a.city),
    state: cleanString(a.state),
    postal_code: cleanString(a.postal_code),
    country: cleanString(a.country),
    raw: cleanString(a.raw),
  };
}

function nonEmptyUrl(v: unknown): string | null {
  const s = cleanString(v);
  if (s === null) return null;
  return /^https?:\/\//i.test(s) ? s : `https://${s}`;
}

export function finaliseDraft(
  draft: LeadDraft,
  source: LeadSource,
  fetchedAt: string,
): DraftResult {
  const issues: Issue[] = [];
  const warnings: Issue[] = [];

  const email = normaliseEmail(draft.person.email);
  if (email.kind === "invalid") {
    issues.push({
      field: draft.paths.email,
      code: "invalid_email",
      message: `"${email.raw}" is not a valid email address`,
    });
  } else if (email.kind === "placeholder") {
    warnings.push({
      field: draft.paths.email,
      code: "placeholder_email",
      message: `"${email.raw}" is a provider placeholder, treated as no email`,
    });
  }

  const hq = address(draft.company.hq);
  const location = address(draft.person.location);
  const countryCode = countryToIso2(hq.country) ?? countryToIso2(location.country);

  const phones: Phone[] = [];
  for (const p of draft.person.phones ?? []) {
    if (cleanString(p.raw) === null) continue;
    const phone = makePhone(p.raw, p.type, countryCode, p.dnc ?? false);
    if (phone === null) {
      warnings.push({
        field: draft.paths.phone,
        code: "invalid_phone",
        message: `"${String(p.raw)}" could not be read as a phone number${countryCode ? "" : " (no country known)"}`,
      });
    } else if (!phones.some((x) => x.e164 === phone.e164 && x.extension === phone.extension)) {
      phones.push(phone);
    }
  }
  const rawCompanyPhone = draft.company.phone;
  let companyPhone: Phone | null = null;
  if (rawCompanyPhone && cleanString(rawCompanyPhone.raw) !== null) {
    companyPhone = makePhone(
      rawCompanyPhone.raw,
      "company",
      countryCode,
      rawCompanyPhone.dnc ?? false,
    );
    if (companyPhone === null) {
      warnings.push({
        field: `${draft.paths.company}.phone`,
        code: "invalid_phone",
        message: `"${String(rawCompanyPhone.raw)}" could not be read as a phone number`,
      });
    }
  }

  const name = buildName({
    first: draft.person.first,
    last: draft.person.last,
    lastObfuscated: draft.person.last_obfuscated,
    full: draft.person.full,
  });
  if (name.last_name_obfuscated !== null) {
    warnings.push({
      field: draft.paths.name,
      code: "obfuscated_last_name",
      message: `surname "${name.last_name_obfuscated}" is masked by the provider; treated as unknown`,
    });
  }

  const rawWebsite = cleanString(draft.company.website);
  const websiteDomain = websiteToDomain(rawWebsite);
  const domain = websiteToDomain(draft.company.domain) ?? websiteDomain;
  if (rawWebsite !== null && websiteDomain === null) {
    warnings.push({
      field: `${draft.paths.company}.website`,
      code: "invalid_website",
      message: `"${rawWebsite}" is not a website address`,
    });
  }
  const companyName = companyDisplayName(draft.company.name);

  const hasEmail = email.kind === "ok";
  const hasCompanyPerson =
    companyName !== null && name.first_name !== null && name.last_name !== null;
  const hasPhone = phones.length > 0;
  if (issues.length === 0 && !hasEmail && !hasCompanyPerson && !hasPhone) {
    // Seed "Deduplication Key Generation": email → company + person → phone, else skip.
    issues.push({
      field: draft.paths.email,
      code: "insufficient_identity",
      message:
        "a lead needs an email, or a company name with first and last name, or a phone number",
    });
  }
  if (issues.length > 0) return { ok: false, issues };

  const revenue =
    parseLooseNumber(draft.company.revenue) ?? parseRevenueText(draft.company.revenue_text);
  const founded = parseLooseInteger(draft.company.founded_year);
  const s = draft.signals ?? {};
  const f = draft.flags ?? {};

  const lead: CanonicalLead = {
    person: {
      first_name: name.first_name,
      last_name: name.last_name,
      last_name_obfuscated: name.last_name_obfuscated,
      full_name: name.full_name,
      title: cleanString(draft.person.title),
      email: hasEmail ? email.email : null,
      email_status: hasEmail ? (draft.person.email_status ?? null) : null,
      phones,
      linkedin_url: nonEmptyUrl(draft.person.linkedin),
      seniority: cleanString(draft.person.seniority),
      departments: cleanStringList(
        Array.isArray(draft.person.departments)
          ? draft.person.departments
          : [draft.person.departments],
      ),
      location,
    },
    company: {
      name: companyName,
      name_key: companyCompareKey(companyName),
      domain,
      website:
        rawWebsite !== null && domain !== null ? domainToWebsite(domain) : domainToWebsite(domain),
      phone: companyPhone,
      industry: cleanString(draft.company.industry),
      industries: cleanStringList(draft.company.industries),
      employee_count: parseLooseInteger(draft.company.employee_count),
      employee_range: cleanString(draft.company.employee_range),
      revenue,
      revenue_text: cleanString(draft.company.revenue_text),
      founded_year: founded !== null && founded > 1000 && founded < 3000 ? founded : null,
      hq,
      country_code: countryCode,
      technologies: cleanStringList(draft.company.technologies),
      description: cleanString(draft.company.description),
      keywords: cleanStringList(draft.company.keywords),
      linkedin_url: nonEmptyUrl(draft.company.linkedin),
    },
    signals: {
      intent_topics: s.intent_topics ?? [],
      intent_strength: s.intent_strength ?? null,
      growth: s.growth ?? [],
      recent_job_change: s.recent_job_change ?? null,
      email_confidence: s.email_confidence ?? null,
      accuracy_score: s.accuracy_score ?? null,
      last_seen_at: s.last_seen_at === undefined ? null : parseLooseDate(s.last_seen_at),
      source_urls: s.source_urls ?? [],
      webmail: s.webmail ?? null,
      email_pattern: s.email_pattern ?? null,
      person_moved: s.person_moved ?? null,
    },
    flags: {
      do_not_contact: f.do_not_contact ?? false,
      email_unsubscribed: f.email_unsubscribed ?? false,
      call_opted_out: f.call_opted_out ?? false,
    },
    provenance: {
      source,
      record_id: cleanString(draft.record_id),
      fetched_at: fetchedAt,
      shape: draft.shape,
    },
    extras: draft.extras ?? {},
  };
  // Nothing longer than HaloPSA should hold, and no control character, leaves the domain.
  // Nearly every lead already fits; name_key was made from the name just above.
  const fitted = builtLeadFits(lead)
    ? { lead, warnings: [] }
    : fitLeadText(lead, { nameKeyFresh: true });
  return {
    ok: true,
    lead: fitted.lead,
    warnings: [...warnings, ...(draft.warnings ?? []), ...fitted.warnings],
  };
}

/**
 * Keys of `obj` that the normaliser did not read, kept as extras (never rejected). `known` is
 * a module constant of the caller's (its Set is made once per list and kept).
 */
export function pickExtras(
  obj: Record<string, unknown>,
  known: readonly string[],
): Record<string, unknown> {
  let set = KNOWN_SETS.get(known);
  if (set === undefined) {
    set = new Set(known);
    KNOWN_SETS.set(known, set);
  }
  const out: Record<string, unknown> = {};
  // Own enumerable keys in Object.entries' order, without building the pairs.
  for (const k in obj) {
    if (!Object.hasOwn(obj, k) || set.has(k)) continue;
    const v = obj[k];
    if (v !== null && v !== undefined && v !== "") out[k] = v;
  }
  return out;
}
const KNOWN_SETS = new WeakMap<readonly string[], Set<string>>();
