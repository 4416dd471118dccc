import { runBatch, type Statement } from "./batch";
import { chunk } from "./chunk";
import type { Db } from "./client";
import { feedbackFromAudit, feedbackInserts } from "./feedback-repo";
import { outboxStatements } from "./outbox-repo";
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

/** One entry that announces no webhook event (`webhook.*`, …), as a single statement. */
export function auditStatement(db: Db, entry: AuditEntry, at: Date): Statement {
  return db.insert(auditLog).values(auditRow(entry, at));
}

export async function writeAudit(db: Db, entries: AuditEntry[], at: Date): Promise<void> {
  await runBatch(db, auditStatements(db, entries, at));
}

/**
 * The inserts for `entries`, for callers that record them in the same batch as their change —
 * together with the webhook events the entries announce (`lead.created`, `lead.updated`,
 * `lead.status_changed`, `lead.suppressed`): the outbox, committed exactly when the decision is.
 */
export function auditStatements(db: Db, entries: AuditEntry[], at: Date): Statement[] {
  const rows = entries.map((e) => auditRow(e, at));
  // Nine rows of ten columns each stay under D1's 100 bound parameters per statement.
  return [
    ...chunk(rows, 9).map((part) => db.insert(auditLog).values(part)),
    ...outboxStatements(db, entries, at),
    // Corrections and outcomes no provider API accepts, kept per provider (GET /feedback).
    ...feedbackInserts(db, feedbackFromAudit(entries), at),
  ];
}
