import type { IntegrationConfig } from "../config/schema";
import { leadEmployeeCount } from "./buckets";
import type { CanonicalLead, LeadSource } from "./lead";

/**
 * The seed's "List Organization Strategy": source lists, hot/warm/cold, industry lists, size
 * lists and the DNC list. HaloPSA has no Lists API (DESIGN), so lists are segments kept in D1 and
 * mirrored onto the lead ticket as `tags` (Faults.tags is an array of Tag `{id, text}`; we send
 * `{text}` with the list id as text).
 *
 * Choices:
 * - hot/warm/cold use the data-quality score at import time: the seed reads the fit score
 *   (CF_206), which only exists once a lead is qualified as a prospect. Pass the fit score
 *   instead when there is one. Thresholds come from config (`hot_min_score`, `warm_min_score`).
 * - industry lists match config keywords (case-insensitive substring) against the company's
 *   industry, industries and keywords (the seed reads CF_102 "services offered", which holds the
 *   same words).
 * - a lead without a known head count gets no size list rather than a guessed one.
 */
export type ListRules = IntegrationConfig["lists"];

export const SOURCE_LISTS: Record<LeadSource, string> = {
  apollo: "apollo_leads",
  zoominfo: "zoominfo_leads",
  hunter: "hunter_leads",
  generic: "import_leads",
};

export const LIST_NAMES: Record<string, string> = {
  apollo_leads: "Apollo.io Leads",
  zoominfo_leads: "ZoomInfo Leads",
  hunter_leads: "Hunter.io Leads",
  import_leads: "Imported Leads",
  hot_leads: "Hot Leads",
  warm_leads: "Warm Leads",
  cold_leads: "Cold Leads",
  dnc_list: "Do Not Contact",
  healthcare_leads: "Healthcare & Medical",
  legal_leads: "Legal Services",
  financial_leads: "Financial Services",
  manufacturing_leads: "Manufacturing",
  retail_leads: "Retail & E-commerce",
  enterprise_leads: "Enterprise (500+ employees)",
  mid_market_leads: "Mid-Market (50-499 employees)",
  smb_leads: "Small Business (1-49 employees)",
};

export interface ListAssignment {
  lists: string[];
  /** HaloPSA ticket tags mirroring the lists. */
  tags: { text: string }[];
}

/**
 * The industry lists with their words lower-cased, per rules object (the config's, the same for
 * every lead of an import): own keys in order, as Object.entries lists them.
 */
const INDUSTRY_WORDS = new WeakMap<
  ListRules["industries"],
  { listId: string; words: string[] }[]
>();
function industryWords(industries: ListRules["industries"]) {
  let out = INDUSTRY_WORDS.get(industries);
  if (out === undefined) {
    out = [];
    for (const listId in industries) {
      if (!Object.hasOwn(industries, listId)) continue;
      out.push({ listId, words: (industries[listId] ?? []).map((w) => w.toLowerCase()) });
    }
    INDUSTRY_WORDS.set(industries, out);
  }
  return out;
}

export function assignLists(
  lead: CanonicalLead,
  score: number,
  rules: ListRules,
  opts: { suppressed?: boolean } = {},
): ListAssignment {
  const lists: string[] = [SOURCE_LISTS[lead.provenance.source]];

  if (score >= rules.hot_min_score) lists.push("hot_leads");
  else if (score >= rules.warm_min_score) lists.push("warm_leads");
  else lists.push("cold_leads");

  const haystack: string[] = [];
  if (lead.company.industry !== null) haystack.push(lead.company.industry.toLowerCase());
  // Typed as strings; a null that slipped into stored data is skipped, as it always was.
  for (const s of lead.company.industries) if (s !== null) haystack.push(s.toLowerCase());
  for (const s of lead.company.keywords) if (s !== null) haystack.push(s.toLowerCase());
  for (const { listId, words } of industryWords(rules.industries)) {
    if (words.some((word) => haystack.some((h) => h.includes(word)))) lists.push(listId);
  }

  const employees = leadEmployeeCount(lead);
  if (employees !== null && employees >= 1) {
    if (employees <= rules.size_bands.smb_max) lists.push("smb_leads");
    else if (employees <= rules.size_bands.mid_market_max) lists.push("mid_market_leads");
    else lists.push("enterprise_leads");
  }

  const f = lead.flags;
  if (opts.suppressed || f.do_not_contact || f.email_unsubscribed || f.call_opted_out) {
    lists.push("dnc_list");
  }
  return { lists, tags: lists.map((text) => ({ text })) };
}
