import type { LifecycleIds } from "../config/schema";
import type { AuditEntry } from "../db/audit";
import type { Db } from "../db/client";
import type { Counts } from "./counts";

/** What indexing one page needs; `now` is fixed per page so its rows agree on time. */
export interface IndexContext {
  db: Db;
  now: Date;
  runId: string;
  lifecycle: LifecycleIds;
}

/** A page's contribution: counts, and the conflicts to audit once the page is committed. */
export interface PageResult {
  counts: Partial<Counts>;
  audit: AuditEntry[];
}

/**
 * A HaloPSA record whose key LeadBridge already holds with a different HaloPSA id: the row is
 * left alone (the index never overwrites what LeadBridge knows) and the clash is audited.
 */
export function conflictAudit(
  ctx: IndexContext,
  entry: {
    entity: "company" | "lead";
    rowId: string | null;
    leadId?: string | null;
    rule: string;
    detail: Record<string, unknown>;
  },
): AuditEntry {
  return {
    actor: `halo-index:${ctx.runId}`,
    action: "index.conflict",
    entity: entry.entity,
    entityId: entry.rowId,
    leadId: entry.leadId ?? null,
    rule: entry.rule,
    detail: entry.detail,
  };
}

/**
 * One object per row across several lookups of a page (by id, by key, by email), so a link
 * made through one lookup is seen through the others.
 */
export function sameRows<T extends { id: string }>(): (row: T | undefined) => T | undefined {
  const byId = new Map<string, T>();
  return (row) => {
    if (row === undefined) return undefined;
    const known = byId.get(row.id);
    if (known) return known;
    byId.set(row.id, row);
    return row;
  };
}
