import { companyCompareKey, companyDisplayName } from "../domain/cleanse/company";
import { websiteToDomain } from "../domain/cleanse/website";
import { companyKey, type DedupKey } from "../domain/dedup-key";
import { type CanonicalLead, emptyAddress } from "../domain/lead";
import type { ClientRecord, UserRecord } from "../halo/schemas";
import { prepareRecord } from "../pipeline/prepare";

/** Company keys LeadBridge writes into `Area.ref` (src/domain/dedup-key.ts, create-leads.ts). */
const OUR_COMPANY_KEY = /^(domain|name|lead):\S/;
/** Lead ids LeadBridge writes into `Users.third_party_id` and `Faults.third_party_id_string`. */
const OUR_LEAD_ID = /^ld_[0-9a-z]{26}$/;

/** HaloPSA sends -1 (or 0) for "not set". */
export function haloRef(v: number | null | undefined): number | null {
  return typeof v === "number" && v > 0 ? v : null;
}

/** Our lead id when LeadBridge wrote the record, else null. */
export function ourLeadId(externalKey: string | null | undefined): string | null {
  return typeof externalKey === "string" && OUR_LEAD_ID.test(externalKey) ? externalKey : null;
}

export interface ClientIdentity {
  key: string;
  name: string | null;
  domain: string | null;
  /** The key came from `ref`: LeadBridge created this client. */
  ours: boolean;
}

/**
 * The company key of a HaloPSA client, as an import of one of its people would compute it: the
 * website's domain unless free-mail, else the cleaned name. A client LeadBridge created carries
 * its key in `ref`, which wins (its website may have been edited since).
 */
export function clientIdentity(client: ClientRecord, now: Date): ClientIdentity | null {
  const name = companyDisplayName(client.name);
  const domain = websiteToDomain(client.website);
  const ref = client.ref ?? null;
  if (ref !== null && OUR_COMPANY_KEY.test(ref)) return { key: ref, name, domain, ours: true };
  const key = companyKey(companyOnlyLead(name, domain, now));
  return key === null ? null : { key: key.value, name, domain, ours: false };
}

export interface UserIdentity {
  lead: CanonicalLead;
  score: number;
  dedupKey: DedupKey;
}

/**
 * A HaloPSA user as a lead: its fields go through the generic normaliser and the import's own
 * `prepareRecord`, so cleansing and the dedup key are exactly what an import of the same person
 * computes. The company is the user's client (name and website). Null when the user has no
 * identity a lead could have (no email, no company + full name, no phone).
 */
export function userIdentity(
  user: UserRecord,
  company: { name: string | null; domain: string | null } | null,
  now: Date,
): UserIdentity | null {
  const record = {
    first_name: user.firstname,
    last_name: user.surname,
    name: user.name,
    email: user.emailaddress,
    phone: user.phonenumber,
    mobile: user.mobilenumber,
    title: user.title,
    company: company?.name ?? user.client_name,
    website: company?.domain ?? null,
  };
  const [prepared] = prepareRecord("generic", record, now);
  if (!prepared?.ok) return null;
  const lead: CanonicalLead = {
    ...prepared.lead,
    // Which record the canonical lead was read from, for the audit trail and /leads.
    provenance: { ...prepared.lead.provenance, shape: "halopsa.user", record_id: String(user.id) },
    extras: {},
  };
  return { lead, score: prepared.score, dedupKey: prepared.dedupKey };
}

/** A canonical lead holding only a company, to reuse `companyKey()` on a client's fields. */
function companyOnlyLead(name: string | null, domain: string | null, now: Date): CanonicalLead {
  return {
    person: {
      first_name: null,
      last_name: null,
      last_name_obfuscated: null,
      full_name: null,
      title: null,
      email: null,
      email_status: null,
      phones: [],
      linkedin_url: null,
      seniority: null,
      departments: [],
      location: emptyAddress(),
    },
    company: {
      name,
      name_key: companyCompareKey(name),
      domain,
      website: null,
      phone: null,
      industry: null,
      industries: [],
      employee_count: null,
      employee_range: null,
      revenue: null,
      revenue_text: null,
      founded_year: null,
      hq: emptyAddress(),
      country_code: null,
      technologies: [],
      description: null,
      keywords: [],
      linkedin_url: null,
    },
    signals: {
      intent_topics: [],
      intent_strength: null,
      growth: [],
      recent_job_change: null,
      email_confidence: null,
      accuracy_score: null,
      last_seen_at: null,
      source_urls: [],
      webmail: null,
      email_pattern: null,
      person_moved: null,
    },
    flags: { do_not_contact: false, email_unsubscribed: false, call_opted_out: false },
    provenance: {
      source: "generic",
      record_id: null,
      fetched_at: now.toISOString(),
      shape: "halopsa.client",
    },
    extras: {},
  };
}
