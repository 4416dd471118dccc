import type { LeadRow } from "../db/leads-repo";
import type { CompanyKey, DedupKey } from "../domain/dedup-key";
import type { CanonicalLead, Issue } from "../domain/lead";
import type { LeadSuppressionKey } from "../domain/suppression";

/** One lead moving through a run: the submitted indexes it stands for and what is known of it. */
export interface WorkItem {
  /** Submitted indexes; more than one when a batch held the same person twice. */
  indexes: number[];
  lead: CanonicalLead;
  /**
   * Each provider's own record when the batch held the person from several (the first of each
   * source, as the precedence merge takes them); `lead` is then their merge. Stored one per
   * source, so a later record from one provider merges with the others' own data again.
   */
  sourceRecords?: CanonicalLead[];
  score: number;
  dedupKey: DedupKey;
  companyKey: CompanyKey | null;
  suppressionKeys: LeadSuppressionKey[];
  warnings: Issue[];
  actions: string[];
  existing: LeadRow | null;
  /** Set when records LeadBridge wrote were deleted in HaloPSA and are being created again. */
  recreated?: {
    gone: ("user" | "ticket")[];
    previous: { user_id: number | null; ticket_id: number | null };
  };
}
