import { z } from "zod";
import type { SuppressionKey } from "../domain/suppression";
import type { Throttle } from "../providers/pacing";

export const SYNC_PROVIDERS = ["apollo", "zoominfo", "hunter"] as const;
export type SyncProvider = (typeof SYNC_PROVIDERS)[number];

/** Where a search stands: a page number (Apollo, ZoomInfo) or a domain + offset (Hunter). */
export const PositionSchema = z.object({
  page: z.number().int().min(1).default(1),
  domain: z.number().int().min(0).default(0),
  offset: z.number().int().min(0).default(0),
});
export type Position = z.infer<typeof PositionSchema>;

/**
 * The checkpoint stored in `sync_cursors.cursor`. `partial` holds the ids of the current page
 * already enriched and imported when a run stopped mid-page (a 429 between two enrichment
 * calls), so the page is re-read but those people are not enriched twice.
 */
export const SyncCursorSchema = z.object({
  version: z.literal(1).default(1),
  filters_hash: z.string().default(""),
  position: PositionSchema.prefault({}),
  partial: z.array(z.string()).default([]),
  done: z.boolean().default(false),
  pages_read: z.number().int().min(0).default(0),
});
export type SyncCursor = z.infer<typeof SyncCursorSchema>;

export function freshCursor(filtersHash: string): SyncCursor {
  return SyncCursorSchema.parse({ filters_hash: filtersHash });
}

/** One person found by a search, with what is known about them before paying for details. */
export interface Candidate {
  /** Provider record id: Apollo id, ZoomInfo person id, Hunter email. */
  id: string;
  email: string | null;
  /** The dedup key the import would compute (src/domain/dedup-key.ts), when one exists yet. */
  dedupKey: string | null;
  suppressionKeys: SuppressionKey[];
  /** The native record to import as is (Hunter: search already reveals everything). */
  native: unknown;
}

export type PageRead =
  | {
      kind: "page";
      candidates: Candidate[];
      /** null: the search is exhausted after this page. */
      next: Position | null;
      /** Credits the search call itself cost (Hunter counts searches; the others are free). */
      credits: number;
      throttle: Throttle | null;
    }
  | { kind: "throttled"; throttle: Throttle }
  /** Moved on without a call (a Hunter domain that is suppressed as a whole). */
  | { kind: "skip"; next: Position | null; reason: string };

export interface Enrichment {
  /** Native records for the import job. */
  records: unknown[];
  /** Candidate ids whose enrichment is done (matched or not). */
  handled: string[];
  credits: number;
  /** Set when the provider refused part-way: the rest of the candidates were not enriched. */
  stoppedBy: Throttle | null;
  /** A short wait the provider announced after the last call. */
  throttle: Throttle | null;
}

export interface SyncSource {
  readonly provider: SyncProvider;
  /** Hash of the effective filters: a change restarts the checkpoint. */
  readonly filtersHash: string;
  read(position: Position): Promise<PageRead>;
  enrich(candidates: Candidate[]): Promise<Enrichment>;
}

export type SyncOutcome =
  | "ran"
  | "paused"
  | "complete"
  | "busy"
  | "disabled"
  | "not_configured"
  | "error"
  /** The provider's daily credit budget is spent: stopped before a paid call, until UTC midnight. */
  | "budget_exhausted";

export interface SyncRunSummary {
  provider: SyncProvider;
  search_id: string;
  outcome: SyncOutcome;
  pages_read: number;
  records_found: number;
  skipped_known: number;
  skipped_suppressed: number;
  /** People of a partly imported page that were already handled (never enriched twice). */
  skipped_already_read: number;
  enriched: number;
  credits_spent: number;
  job_ids: string[];
  checkpoint: SyncCursor | null;
  paused_until: string | null;
  error: string | null;
}
