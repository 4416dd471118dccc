import type { Issue } from "../domain/lead";

/** What can happen to a submitted lead: every lead ends in exactly one of these. */
export const OUTCOME_ACTIONS = [
  "created",
  "updated",
  "preserved",
  "merged",
  "rejected",
  "suppressed",
  "failed",
] as const;
export type OutcomeAction =
  | (typeof OUTCOME_ACTIONS)[number]
  /**
   * Internal, never answered: another run holds the person or their company. A single sync
   * waits and tries again; a bulk chunk leaves the item pending and comes back shortly.
   */
  | "deferred";

/** What happened to one submitted record (or, for a multi-lead record, one of its leads). */
export interface ImportOutcome {
  index: number;
  action: OutcomeAction;
  lead_id: string | null;
  halopsa: {
    client_id: number | null;
    site_id: number | null;
    user_id: number | null;
    ticket_id: number | null;
  };
  actions_taken: string[];
  quality_score: number | null;
  lists: string[];
  fields_updated: string[];
  fields_preserved: string[];
  reasons: { code: string; message: string }[];
  issues: Issue[];
  error: { code: string; message: string } | null;
}

/**
 * An outcome as the API shows it. "deferred" never reaches a caller (a sync answers 409, a
 * chunk keeps the item pending, a dry run never defers); should one slip through it reads as
 * "failed", which is what it is for that call.
 */
export function answeredOutcome(
  o: ImportOutcome,
): ImportOutcome & { action: Exclude<OutcomeAction, "deferred"> } {
  return { ...o, action: o.action === "deferred" ? "failed" : o.action };
}

export function emptyOutcome(index: number, action: OutcomeAction): ImportOutcome {
  return {
    index,
    action,
    lead_id: null,
    halopsa: { client_id: null, site_id: null, user_id: null, ticket_id: null },
    actions_taken: [],
    quality_score: null,
    lists: [],
    fields_updated: [],
    fields_preserved: [],
    reasons: [],
    issues: [],
    error: null,
  };
}
