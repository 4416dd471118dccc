import type { CompanyRow, LeadRow } from "../db/leads-repo";
import type { LeadPayloads } from "./payloads";
import type { WorkItem } from "./work-item";
import type { Failure } from "./write-pending";

/** A person being created in HaloPSA by this run, with the rows it holds. */
export interface Pending {
  item: WorkItem;
  row: LeadRow;
  /** Shared by every pending person of the company (one object per company row). */
  company: CompanyRow;
  built: LeadPayloads;
  failed: Failure | null;
  /**
   * Set when the ticket phase committed the person's completion (sources, lists, the audit entry
   * and its webhook event) with the ticket id: the run's final batch leaves it alone.
   */
  completed?: boolean;
}
