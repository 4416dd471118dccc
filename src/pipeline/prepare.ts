import { type CompanyKey, companyKey, type DedupKey, dedupKey } from "../domain/dedup-key";
import type { CanonicalLead, Issue } from "../domain/lead";
import { qualityScore } from "../domain/quality";
import { type LeadSuppressionKey, leadSuppressionKeys } from "../domain/suppression";
import { type NormaliseOptions, normaliseRecord } from "../providers";

/** One submitted record after normalisation: pure, no I/O. */
export type PreparedLead =
  | {
      ok: true;
      lead: CanonicalLead;
      score: number;
      dedupKey: DedupKey;
      companyKey: CompanyKey | null;
      suppressionKeys: LeadSuppressionKey[];
      warnings: Issue[];
    }
  | { ok: false; issues: Issue[] };

/**
 * Normalises one submitted record into leads ready for de-duplication. A native Hunter
 * domain-search record yields one lead per email; a lead with no usable dedup key (no email,
 * no company+name, no phone) is refused here, before anything is looked up or written.
 */
export function prepareRecord(
  source: unknown,
  data: unknown,
  now: Date,
  options: NormaliseOptions = {},
): PreparedLead[] {
  const normalised = normaliseRecord(source, data, now, options);
  if (!normalised.ok) return [{ ok: false, issues: normalised.issues }];
  return normalised.leads.map((lead) => prepareLead(lead, normalised.warnings));
}

export function prepareLead(lead: CanonicalLead, warnings: Issue[] = []): PreparedLead {
  const key = dedupKey(lead);
  if (key === null) {
    return {
      ok: false,
      issues: [
        {
          field: "data",
          code: "insufficient_identity",
          message: "a lead needs an email, a company with a person's full name, or a phone",
        },
      ],
    };
  }
  return {
    ok: true,
    lead,
    score: qualityScore(lead),
    dedupKey: key,
    companyKey: companyKey(lead),
    suppressionKeys: leadSuppressionKeys(lead),
    warnings,
  };
}
