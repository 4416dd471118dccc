import { z } from "zod";

/**
 * The canonical lead: one shape for every provider after normalisation. Everything downstream
 * (quality, dedup, precedence, merge, lists, HaloPSA mapping) reads this, never a provider record.
 * Values are already cleansed: emails lower-case and syntax-checked, phones E.164, domains bare,
 * names recased only when they arrived ALL CAPS or all lower.
 */

export const LEAD_SOURCES = ["apollo", "zoominfo", "hunter", "generic"] as const;
export const LeadSourceSchema = z.enum(LEAD_SOURCES);
export type LeadSource = z.infer<typeof LeadSourceSchema>;

/** Labels used in HaloPSA (CF_101 "Lead Source", ticket category_2) — the seed's spelling. */
export const SOURCE_LABELS: Record<LeadSource, string> = {
  apollo: "Apollo.io",
  zoominfo: "ZoomInfo",
  hunter: "Hunter.io",
  generic: "Import",
};

const nstr = z.string().nullable();
const nnum = z.number().nullable();
const nbool = z.boolean().nullable();

export const PhoneSchema = z.object({
  e164: z.string().regex(/^\+[1-9]\d{4,14}$/),
  extension: nstr,
  type: z.enum(["direct", "mobile", "work", "company", "other"]),
  raw: z.string(),
  dnc: z.boolean(),
});

/** verified/guessed/… as the providers say it, folded onto one vocabulary. */
export const EmailStatusSchema = z.enum([
  "verified",
  "guessed",
  "accept_all",
  "unverified",
  "unavailable",
  "invalid",
  "webmail",
  "disposable",
  "unknown",
]);
export type EmailStatus = z.infer<typeof EmailStatusSchema>;

export const AddressSchema = z.object({
  street: nstr,
  city: nstr,
  state: nstr,
  postal_code: nstr,
  country: nstr,
  /** One-line address when the provider gives one ("415 Mission St, Floor 37, …"). */
  raw: nstr,
});
export type Address = z.infer<typeof AddressSchema>;

export const PersonSchema = z.object({
  first_name: nstr,
  last_name: nstr,
  /** Apollo search hits only give a mask such as "Hu***n"; the surname is then unknown (null). */
  last_name_obfuscated: nstr,
  full_name: nstr,
  title: nstr,
  email: nstr,
  email_status: EmailStatusSchema.nullable(),
  phones: z.array(PhoneSchema),
  linkedin_url: nstr,
  /** Provider's own seniority / management level words ("founder", "C-Level", "senior"). */
  seniority: nstr,
  /** Provider's department words ("c_suite", "Engineering & Technical", "it"). */
  departments: z.array(z.string()),
  location: AddressSchema,
});

export const CompanySchema = z.object({
  /**
   * Display name: legal suffix kept, recased only when ALL CAPS / all lower. HaloPSA gets it
   * without the legal form unless config `halopsa.company_legal_suffix` is "keep".
   */
  name: nstr,
  /** Compare key: legal suffixes stripped, folded, alphanumeric only. */
  name_key: nstr,
  domain: nstr,
  website: nstr,
  phone: PhoneSchema.nullable(),
  industry: nstr,
  industries: z.array(z.string()),
  employee_count: nnum,
  /** Provider's own range text when no count is given ("1,000 - 5,000"). */
  employee_range: nstr,
  /** Annual revenue in dollars. */
  revenue: nnum,
  revenue_text: nstr,
  founded_year: nnum,
  hq: AddressSchema,
  /** ISO 3166-1 alpha-2 of the HQ, used as the phone default country. */
  country_code: nstr,
  technologies: z.array(z.string()),
  description: nstr,
  keywords: z.array(z.string()),
  linkedin_url: nstr,
});

export const SignalsSchema = z.object({
  intent_topics: z.array(z.string()),
  intent_strength: nstr,
  /** Growth indicators as short sentences ("Series D 100M (2023-08-01)", "Revenue $400 Million"). */
  growth: z.array(z.string()),
  recent_job_change: nbool,
  /** Provider's confidence in the email (Hunter confidence/score, Apollo extrapolated confidence). */
  email_confidence: nnum,
  /** ZoomInfo contactAccuracyScore. */
  accuracy_score: nnum,
  /** When the provider last saw or verified the record (ISO). */
  last_seen_at: nstr,
  /** Where the provider found the person (Hunter sources[].uri). */
  source_urls: z.array(z.string()),
  /** Hunter: the domain is a webmail domain. */
  webmail: nbool,
  /** Hunter: the domain's email pattern ("{first}.{last}"). */
  email_pattern: nstr,
  /** "yes" | "no" | "uncertain" (ZoomInfo personHasMoved). */
  person_moved: nstr,
});
export type Signals = z.infer<typeof SignalsSchema>;

export const FlagsSchema = z.object({
  /** Any provider-side do-not-contact: Apollo DNC stage, ZoomInfo DNC on every phone, etc. */
  do_not_contact: z.boolean(),
  email_unsubscribed: z.boolean(),
  call_opted_out: z.boolean(),
});
export type Flags = z.infer<typeof FlagsSchema>;

export const ProvenanceSchema = z.object({
  source: LeadSourceSchema,
  /** Provider's record id, always a string (Apollo/ZoomInfo ids can exceed 2^53). */
  record_id: nstr,
  /** Passed in by the caller (no clock in the domain). */
  fetched_at: z.string(),
  /** Which native shape was read ("apollo.person", "zoominfo.gtm", "hunter.domain_search", …). */
  shape: z.string(),
});

export const CanonicalLeadSchema = z.object({
  person: PersonSchema,
  company: CompanySchema,
  signals: SignalsSchema,
  flags: FlagsSchema,
  provenance: ProvenanceSchema,
  /** Provider fields we do not model, kept rather than rejected. */
  extras: z.record(z.string(), z.unknown()),
});
export type CanonicalLead = z.infer<typeof CanonicalLeadSchema>;

/** A field problem: `field` is a path into the submitted record ("person.email", "source"). */
export interface Issue {
  field: string;
  code: string;
  message: string;
}

export function emptyAddress(): Address {
  return { street: null, city: null, state: null, postal_code: null, country: null, raw: null };
}

/** One-line address from parts, or the raw line. */
export function formatAddress(a: Address): string | null {
  const cityLine = [a.city, [a.state, a.postal_code].filter(Boolean).join(" ")]
    .filter((p) => p !== null && p !== "")
    .join(", ");
  const parts = [a.street, cityLine, a.country].filter((p): p is string => p !== null && p !== "");
  if (parts.length > 0) return parts.join(", ");
  return a.raw;
}
