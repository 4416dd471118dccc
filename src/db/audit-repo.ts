import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import type { Db } from "./client";
import { auditLog } from "./schema";

export type AuditRow = typeof auditLog.$inferSelect;

export async function listAudit(
  db: Db,
  f: { leadId?: string; entity?: string; action?: string; before?: number; limit: number },
): Promise<AuditRow[]> {
  const where: SQL[] = [];
  if (f.leadId) where.push(eq(auditLog.leadId, f.leadId));
  if (f.entity) where.push(eq(auditLog.entity, f.entity));
  if (f.action) where.push(eq(auditLog.action, f.action));
  if (f.before) where.push(lt(auditLog.id, f.before));
  return db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(f.limit);
}
