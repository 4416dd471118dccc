import {
  cleanString,
  parseLooseBoolean,
  parseLooseDate,
  parseLooseNumber,
} from "../../domain/cleanse/values";
import type { EmailStatus } from "../../domain/lead";
import type { LeadDraft } from "../shared/build";
import { pickExtras } from "../shared/build";
import {
  type HunterDomainSearch,
  HunterDomainSearchSchema,
  type HunterEmail,
  type HunterEmailFinder,
  HunterEmailFinderSchema,
  HunterEmailSchema,
  HunterErrorSchema,
} from "./schema";

/** Hunter verification status words → ours (verifier: valid/invalid/accept_all/webmail/…). */
function verificationStatus(v: unknown): EmailStatus | null {
  const s = cleanString(v)?.toLowerCase();
  if (s === undefined) return null;
  if (s === "valid" || s === "deliverable") return "verified";
  if (s === "invalid" || s === "undeliverable") return "invalid";
  if (s === "accept_all" || s === "risky") return "accept_all";
  if (s === "webmail") return "webmail";
  if (s === "disposable") return "disposable";
  return "unknown";
}

function latestSeen(sources: { last_seen_on?: unknown; extracted_on?: unknown }[]): string | null {
  let best: string | null = null;
  for (const s of sources) {
    const d = parseLooseDate(s.last_seen_on) ?? parseLooseDate(s.extracted_on);
    if (d !== null && (best === null || d > best)) best = d;
  }
  return best;
}

const EMAIL_KEYS = Object.keys(HunterEmailSchema.shape);
const DOMAIN_KEYS = Object.keys(HunterDomainSearchSchema.shape);
const DOMAIN_READ = [...DOMAIN_KEYS, "emails", "linked_domains"];
const FINDER_KEYS = Object.keys(HunterEmailFinderSchema.shape);

/** One lead per `emails[]` entry, each carrying the domain's organisation (seed Hunter mapping). */
export function hunterDomainEntryToDraft(
  d: HunterDomainSearch,
  e: HunterEmail,
  path: string,
): LeadDraft {
  const sources = e.sources ?? [];
  const status = verificationStatus(e.verification?.status);
  return {
    shape: "hunter.domain_search",
    // Hunter has no person id; the email is the record's identity.
    record_id: cleanString(e.value)?.toLowerCase() ?? null,
    person: {
      first: e.first_name,
      last: e.last_name,
      title: e.position ?? e.position_raw,
      email: e.value,
      // Without a verification object Hunter's address is pattern/web-derived: "guessed".
      email_status: status ?? "guessed",
      phones: [{ raw: e.phone_number, type: "other" }],
      linkedin: e.linkedin,
      seniority: e.seniority,
      departments: e.department,
      location: { country: d.country, state: d.state },
    },
    company: {
      name: d.organization,
      domain: d.domain,
      website: d.domain,
      industry: d.industry,
      employee_count: parseLooseNumber(d.headcount),
      employee_range: d.headcount,
      hq: {
        street: d.street,
        city: d.city,
        state: d.state,
        postal_code: d.postal_code,
        country: d.country,
      },
      technologies: d.technologies,
      description: d.description,
      linkedin: d.linkedin,
    },
    signals: {
      email_confidence: parseLooseNumber(e.confidence),
      last_seen_at: latestSeen(sources) ?? cleanString(e.verification?.date),
      source_urls: sources.map((s) => cleanString(s.uri)).filter((u): u is string => u !== null),
      webmail: parseLooseBoolean(d.webmail),
      email_pattern: cleanString(d.pattern),
    },
    extras: {
      ...pickExtras(e, EMAIL_KEYS),
      ...pickExtras(d, DOMAIN_READ),
      ...(cleanString(e.type) ? { email_type: cleanString(e.type) } : {}),
      ...(parseLooseBoolean(d.accept_all) !== null
        ? { accept_all: parseLooseBoolean(d.accept_all) }
        : {}),
    },
    paths: {
      email: `${path}value`,
      phone: `${path}phone_number`,
      company: "data.organization",
      name: `${path}last_name`,
    },
  };
}

export function hunterFinderToDraft(f: HunterEmailFinder, path: string): LeadDraft {
  const sources = f.sources ?? [];
  return {
    shape: "hunter.email_finder",
    record_id: cleanString(f.email)?.toLowerCase() ?? null,
    person: {
      first: f.first_name,
      last: f.last_name,
      title: f.position,
      email: f.email,
      email_status: verificationStatus(f.verification?.status) ?? "guessed",
      phones: [{ raw: f.phone_number, type: "other" }],
      linkedin: f.linkedin_url,
    },
    company: { name: f.company, domain: f.domain, website: f.domain },
    signals: {
      email_confidence: parseLooseNumber(f.score),
      last_seen_at: latestSeen(sources) ?? cleanString(f.verification?.date),
      source_urls: sources.map((s) => cleanString(s.uri)).filter((u): u is string => u !== null),
    },
    extras: pickExtras(f, FINDER_KEYS),
    paths: {
      email: `${path}email`,
      phone: `${path}phone_number`,
      company: `${path}company`,
      name: `${path}last_name`,
    },
  };
}

/**
 * True when a Hunter response body is the 451 `claimed_email` error: "you shouldn't process
 * it yourself in any way" (providers.md §3.3). The caller records a permanent suppression
 * (see domain/suppression `hunterClaimedEmailSuppression`) and writes nothing to HaloPSA.
 */
export function isHunterClaimedEmail(status: number, body: unknown): boolean {
  if (status === 451) return true;
  const parsed = HunterErrorSchema.safeParse(body);
  return parsed.success && parsed.data.errors.some((e) => cleanString(e.id) === "claimed_email");
}
