import { is, SQL, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
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

/**
 * One entry (announcing no webhook event) recorded only if a row of `from` matches `where` when
 * the batch runs: the audit of a change that may find nothing to change (a row deleted or
 * revoked by a concurrent caller). Put it before a statement that makes `where` stop matching
 * (the delete, the revoke) — D1 runs a batch as one transaction, in order. `entry.detail` may
 * be an SQL expression (`json_object(…)`), evaluated at that point of the batch, for a detail
 * that counts what the batch is about to change. (INSERT … SELECT, like `guardedEventInsert`.)
 */
export function guardedAuditInsert(
  db: Db,
  entry: AuditEntry,
  at: Date,
  from: SQLiteTable,
  where: SQL,
): Statement {
  const row = auditRow(entry, at);
  const detail = is(entry.detail, SQL)
    ? entry.detail
    : sql`${row.detail === null ? null : JSON.stringify(row.detail)}`;
  return db.insert(auditLog).select((qb) =>
    qb
      .select({
        id: sql<number | null>`NULL`.as("id"),
        at: sql<string>`${row.at}`.as("at"),
        actor: sql<string>`${row.actor}`.as("actor"),
        action: sql<string>`${row.action}`.as("action"),
        entity: sql<string>`${row.entity}`.as("entity"),
        entityId: sql<string | null>`${row.entityId}`.as("entity_id"),
        leadId: sql<string | null>`${row.leadId}`.as("lead_id"),
        rule: sql<string | null>`${row.rule}`.as("rule"),
        detail: sql<string | null>`${detail}`.as("detail"),
        requestId: sql<string | null>`${row.requestId}`.as("request_id"),
      })
      .from(from)
      .where(where)
      .limit(1),
  );
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
