import type { LifecycleIds } from "../config/schema";
import type { DedupKey } from "./dedup-key";
import type { Issue } from "./lead";
import { isStageAdvanced, type MergeResult, type TicketState } from "./merge";
import type { SuppressionMatch } from "./suppression";

/**
 * The seed's "Lead Import/Update Decision Flow", pure, shared by `/validate/leads` (dry run) and
 * `/sync/leads`:
 *  1. invalid record or no dedup key → reject (seed: "Insufficient data for deduplication");
 *  2. a suppression hit → suppress (the local store blocks every re-import, DESIGN);
 *  3. no existing record → create;
 *  4. existing record past "Researching" or converted → preserve (seed: "Lead has progressed in
 *     workflow - preserving all data");
 *  5. `update_existing: false` → preserve;
 *  6. otherwise the smart merge decides: fields to update → update, nothing new → preserve
 *     (the seed's "skipped: No new data to update").
 */
export type ImportAction = "create" | "update" | "preserve" | "reject" | "suppress";

export interface DecisionReason {
  code: string;
  message: string;
}

export interface DecisionInput {
  validation: { ok: true; dedupKey: DedupKey | null } | { ok: false; issues: Issue[] };
  suppression: readonly SuppressionMatch[];
  existing: null | { ticket: TicketState };
  /** The smart merge for an existing record (omit when there is none or it was not computed). */
  merge?: MergeResult;
  lifecycle: LifecycleIds;
  options: { update_existing: boolean };
}

export interface ImportDecision {
  action: ImportAction;
  reasons: DecisionReason[];
}

export function decideImport(input: DecisionInput): ImportDecision {
  const v = input.validation;
  if (!v.ok) {
    return {
      action: "reject",
      reasons: v.issues.map((i) => ({ code: i.code, message: `${i.field}: ${i.message}` })),
    };
  }
  if (v.dedupKey === null) {
    return {
      action: "reject",
      reasons: [{ code: "no_dedup_key", message: "Insufficient data for deduplication" }],
    };
  }
  if (input.suppression.length > 0) {
    return {
      action: "suppress",
      reasons: input.suppression.map((m) => ({
        code: `suppressed_${m.key.kind}`,
        message: `${m.key.field} ${m.key.value} is suppressed (${m.entry.reason})`,
      })),
    };
  }
  if (input.existing === null) {
    return {
      action: "create",
      reasons: [{ code: "new_lead", message: `no record for ${v.dedupKey.value}` }],
    };
  }
  if (isStageAdvanced(input.existing.ticket, input.lifecycle)) {
    return {
      action: "preserve",
      reasons: [
        {
          code: "stage_advanced",
          message: "Lead has progressed in workflow - preserving all data",
        },
      ],
    };
  }
  if (!input.options.update_existing) {
    return {
      action: "preserve",
      reasons: [{ code: "update_disabled", message: "update_existing is false" }],
    };
  }
  const merge = input.merge;
  if (merge === undefined || merge.fields_updated.length === 0) {
    return {
      action: "preserve",
      reasons: [{ code: "no_new_data", message: "No new data to update" }],
    };
  }
  return {
    action: "update",
    reasons: [
      { code: "smart_merge", message: `updating ${merge.fields_updated.join(", ")}` },
      ...(merge.fields_preserved.length > 0
        ? [{ code: "fields_preserved", message: `preserved ${merge.fields_preserved.join(", ")}` }]
        : []),
    ],
  };
}
