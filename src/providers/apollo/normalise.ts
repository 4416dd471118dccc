import {
  cleanString,
  cleanStringList,
  parseLooseBoolean,
  parseLooseDate,
  parseLooseNumber,
} from "../../domain/cleanse/values";
import type { EmailStatus } from "../../domain/lead";
import type { LeadDraft, RawPhone } from "../shared/build";
import { pickExtras } from "../shared/build";
import { type ApolloPerson, ApolloPersonSchema } from "./schema";

export interface ApolloOptions {
  /** Ids of the team's "Do Not Contact" contact stage(s) (GET /contact_stages; providers.md §1.3). */
  dncStageIds?: readonly string[];
}

/** Apollo's email_status words → ours. "unavailable" goes with the email_not_unlocked placeholder. */
function emailStatus(v: unknown): EmailStatus | null {
  const s = cleanString(v)?.toLowerCase();
  if (s === undefined) return null;
  if (s === "verified") return "verified";
  if (s === "guessed" || s === "extrapolated" || s === "likely to engage") return "guessed";
  if (s === "unavailable") return "unavailable";
  if (s === "bounced" || s === "invalid") return "invalid";
  if (s === "unverified" || s === "pending_manual_fulfillment") return "unverified";
  return "unknown";
}

function phoneType(v: unknown): RawPhone["type"] {
  const s = cleanString(v)?.toLowerCase() ?? "";
  if (s.includes("mobile")) return "mobile";
  if (s === "work_direct" || s.includes("direct")) return "direct";
  if (s.includes("hq") || s.includes("work")) return "work";
  return "other";
}

/**
 * Apollo's phone `dnc_status` values are not documented (providers.md §1.3 lists the field only).
 * We read any non-empty value other than an explicit "clean" word as a do-not-call mark: a wrong
 * "flagged" costs one call, a wrong "clean" costs a compliance breach.
 */
function dncFlagged(v: unknown): boolean {
  const s = cleanString(v)?.toLowerCase();
  if (s === undefined) return false;
  return !["none", "clean", "clear", "not_dnc", "not_on_dnc", "ok", "false", "no"].includes(s);
}

/** A current job that started within ~6 months of `now` (seed CF_111 "recent job change"). */
function recentJobChange(p: ApolloPerson, now: Date): boolean | null {
  const current = (p.employment_history ?? []).find((e) => parseLooseBoolean(e.current) === true);
  const start = current ? parseLooseDate(current.start_date) : null;
  if (start === null) return null;
  const ageDays = (now.getTime() - Date.parse(start)) / 86_400_000;
  return ageDays >= 0 && ageDays <= 183;
}

const PERSON_KEYS = Object.keys(ApolloPersonSchema.shape);
const PERSON_READ = [...PERSON_KEYS, "organization_id", "contact_id"];

export function apolloPersonToDraft(
  p: ApolloPerson,
  path: string,
  now: Date,
  options: ApolloOptions,
): LeadDraft {
  const org = p.organization ?? null;
  const contact = p.contact ?? null;
  const phones: RawPhone[] = [];
  for (const ph of [...(p.phone_numbers ?? []), ...(contact?.phone_numbers ?? [])]) {
    phones.push({
      raw: ph.sanitized_number ?? ph.raw_number ?? ph.number,
      type: phoneType(ph.type),
      dnc: dncFlagged(ph.dnc_status),
    });
  }
  const personSanitized = p.sanitized_phone ?? contact?.sanitized_phone;
  if (phones.length === 0 && personSanitized != null)
    phones.push({ raw: personSanitized, type: "other" });

  const stageId = cleanString(p.contact_stage_id ?? contact?.contact_stage_id);
  const inDncStage = stageId !== null && (options.dncStageIds ?? []).includes(stageId);
  const emailUnsub =
    parseLooseBoolean(p.email_unsubscribed) === true ||
    parseLooseBoolean(contact?.email_unsubscribed) === true;
  const callOptOut =
    parseLooseBoolean(p.call_opted_out) === true ||
    parseLooseBoolean(contact?.call_opted_out) === true;

  const technologies = [
    ...cleanStringList(org?.technology_names),
    ...cleanStringList((org?.current_technologies ?? []).map((t) => t.name)),
  ];
  const growth: string[] = [];
  for (const ev of org?.funding_events ?? []) {
    const what = [
      cleanString(ev.type),
      cleanString(ev.amount) && `${cleanString(ev.currency) ?? ""}${cleanString(ev.amount)}`,
    ]
      .filter(Boolean)
      .join(" ");
    const when = parseLooseDate(ev.date)?.slice(0, 10);
    if (what) growth.push(when ? `${what} (${when})` : what);
  }
  const confidence = parseLooseNumber(p.extrapolated_email_confidence);

  const isSearchHit = p.last_name_obfuscated != null && p.last_name == null;
  return {
    shape: isSearchHit ? "apollo.search_hit" : "apollo.person",
    record_id: p.id,
    person: {
      first: p.first_name,
      last: p.last_name,
      last_obfuscated: p.last_name_obfuscated,
      full: p.name,
      title: p.title,
      email: p.email ?? contact?.email,
      email_status: emailStatus(p.email_status ?? contact?.email_status),
      phones,
      linkedin: p.linkedin_url,
      seniority: p.seniority,
      departments: p.departments,
      location: { city: p.city, state: p.state, country: p.country },
    },
    company: {
      name: org?.name ?? p.organization_name,
      website: org?.website_url,
      domain: org?.primary_domain,
      phone: {
        raw:
          org?.primary_phone?.sanitized_number ??
          org?.primary_phone?.number ??
          org?.sanitized_phone ??
          org?.phone,
        type: "company",
      },
      industry: org?.industry,
      industries: org?.industries,
      employee_count: org?.estimated_num_employees,
      revenue: org?.annual_revenue,
      revenue_text: org?.annual_revenue_printed,
      founded_year: org?.founded_year,
      hq: {
        street: org?.street_address,
        city: org?.city,
        state: org?.state,
        postal_code: org?.postal_code,
        country: org?.country,
        raw: org?.raw_address,
      },
      technologies,
      description: org?.short_description ?? org?.seo_description,
      keywords: org?.keywords,
      linkedin: org?.linkedin_url,
    },
    signals: {
      intent_strength: cleanString(org?.intent_strength),
      intent_topics: cleanStringList(org?.buyer_intent_topics),
      growth,
      recent_job_change: recentJobChange(p, now),
      email_confidence: confidence,
      last_seen_at: cleanString(p.last_refreshed_at),
    },
    flags: {
      do_not_contact: inDncStage,
      email_unsubscribed: emailUnsub,
      call_opted_out: callOptOut,
    },
    extras: pickExtras(p, PERSON_READ),
    paths: {
      email: `${path}email`,
      phone: `${path}phone_numbers`,
      company: `${path}organization`,
      name: `${path}last_name_obfuscated`,
    },
  };
}
