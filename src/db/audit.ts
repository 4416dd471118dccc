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

export async function writeAudit(db: Db, entries: AuditEntry[], at: Date): Promise<void> {
  if (entries.length === 0) return;
  await db.insert(auditLog).values(entries.map((e) => auditRow(e, at)));
}
