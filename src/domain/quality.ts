import type { CanonicalLead } from "./lead";

/**
 * The seed's data-quality score ("Data Quality Scoring"), 0–100, with its weights exactly:
 * email 30, phone 25, complete name 20, company name + website 15, job title 10.
 * Choices where the seed is silent:
 * - "valid email": the lead's email passed normalisation (placeholders and malformed addresses
 *   never reach the canonical lead); a provider status of "invalid" does not count.
 * - "phone": any phone on the lead, person or company — the seed's own ZoomInfo mapping uses
 *   "directPhone || companyPhone" as the phone.
 * - "complete name": first and last name; an obfuscated Apollo surname does not count.
 * - "company data": display name and a website/domain both present.
 */
export const QUALITY_WEIGHTS = {
  email: 30,
  phone: 25,
  name: 20,
  company: 15,
  title: 10,
} as const;

export interface QualityBreakdown {
  score: number;
  parts: Record<keyof typeof QUALITY_WEIGHTS, number>;
}

export function qualityBreakdown(lead: CanonicalLead): QualityBreakdown {
  const p = lead.person;
  const c = lead.company;
  const parts = {
    email: p.email !== null && p.email_status !== "invalid" ? QUALITY_WEIGHTS.email : 0,
    phone: p.phones.length > 0 || c.phone !== null ? QUALITY_WEIGHTS.phone : 0,
    name: p.first_name !== null && p.last_name !== null ? QUALITY_WEIGHTS.name : 0,
    company: c.name !== null && c.domain !== null ? QUALITY_WEIGHTS.company : 0,
    title: p.title !== null ? QUALITY_WEIGHTS.title : 0,
  };
  const sum = Object.values(parts).reduce((a, b) => a + b, 0);
  return { score: Math.min(sum, 100), parts };
}

/** qualityBreakdown(lead).score, without the breakdown (it runs for every lead imported). */
export function qualityScore(lead: CanonicalLead): number {
  const p = lead.person;
  const c = lead.company;
  const sum =
    (p.email !== null && p.email_status !== "invalid" ? QUALITY_WEIGHTS.email : 0) +
    (p.phones.length > 0 || c.phone !== null ? QUALITY_WEIGHTS.phone : 0) +
    (p.first_name !== null && p.last_name !== null ? QUALITY_WEIGHTS.name : 0) +
    (c.name !== null && c.domain !== null ? QUALITY_WEIGHTS.company : 0) +
    (p.title !== null ? QUALITY_WEIGHTS.title : 0);
  return Math.min(sum, 100);
}
