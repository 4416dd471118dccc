import { runBatch, type Statement } from "./batch";
import { chunk } from "./chunk";
import type { Db } from "./client";
import { auditLog } from "./schema";

export interface AuditEntry {
  actor: string;
  action: string;
  entity: string;
  entityId?: string | null;
  leadId?: string | null;
  rule?: string | null;
  detail?: unknown;
  requestId?: string | null;
}

export function auditRow(entry: AuditEntry, at: Date) {
  return {
    at: at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId ?? null,
    leadId: entry.leadId ?? null,
    rule: entry.rule ?? null,
    detail: entry.detail ?? null,
    requestId: entry.requestId ?? null,
  };
}

/** `also`: statements committed in the same batch (the events these entries announce). */
/** One audit entry as a statement, to commit in the same batch as the change it records. */
export function auditStatement(db: Db, entry: AuditEntry, at: Date): Statement {
  return db.insert(auditLog).values(auditRow(entry, at));
}

export async function writeAudit(
  db: Db,
  entries: AuditEntry[],
  at: Date,
  also: Statement[] = [],
): Promise<void> {
  if (entries.length === 0 && also.length === 0) return;
  const rows = entries.map((e) => auditRow(e, at));
  // Nine rows of ten columns each stay under D1's 100 bound parameters per statement.
  await runBatch(db, [...chunk(rows, 9).map((part) => db.insert(auditLog).values(part)), ...also]);
}
