import { and, desc, eq, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Stage } from "../config/schema";
import { runBatch } from "./batch";
import { chunk } from "./chunk";
import type { Db } from "./client";
import { companies, leadLists, leadSources, leads } from "./schema";

export type LeadRow = typeof leads.$inferSelect;
export type NewLeadRow = typeof leads.$inferInsert;
export type CompanyRow = typeof companies.$inferSelect;
export type NewCompanyRow = typeof companies.$inferInsert;

export async function findLeadsByDedupKeys(db: Db, keys: string[]): Promise<Map<string, LeadRow>> {
  const out = new Map<string, LeadRow>();
  for (const part of chunk([...new Set(keys)], 90)) {
    const rows = await db.select().from(leads).where(inArray(leads.dedupKey, part));
    for (const r of rows) out.set(r.dedupKey, r);
  }
  return out;
}

/**
 * Leads known by email under another dedup key (first seen without an email, say), so a
 * later record with the email still finds the same person.
 */
export async function findLeadsByEmails(db: Db, emails: string[]): Promise<Map<string, LeadRow>> {
  const out = new Map<string, LeadRow>();
  for (const part of chunk([...new Set(emails)], 90)) {
    const rows = await db.select().from(leads).where(inArray(leads.email, part));
    for (const r of rows) if (r.email) out.set(r.email, r);
  }
  return out;
}

export async function findLead(db: Db, id: string): Promise<LeadRow | undefined> {
  return db.query.leads.findFirst({ where: eq(leads.id, id) });
}

export async function findCompanies(db: Db, keys: string[]): Promise<Map<string, CompanyRow>> {
  const out = new Map<string, CompanyRow>();
  for (const part of chunk([...new Set(keys)], 90)) {
    const rows = await db.select().from(companies).where(inArray(companies.companyKey, part));
    for (const r of rows) out.set(r.companyKey, r);
  }
  return out;
}

export async function findCompaniesByIds(db: Db, ids: string[]): Promise<Map<string, CompanyRow>> {
  const out = new Map<string, CompanyRow>();
  for (const part of chunk([...new Set(ids)], 90)) {
    const rows = await db.select().from(companies).where(inArray(companies.id, part));
    for (const r of rows) out.set(r.id, r);
  }
  return out;
}

/** Inserts companies not yet known (a concurrent writer's row wins) and returns all of them. */
export async function claimCompanies(
  db: Db,
  rows: NewCompanyRow[],
): Promise<Map<string, CompanyRow>> {
  if (rows.length > 0) {
    await runBatch(
      db,
      rows.map((r) => db.insert(companies).values(r).onConflictDoNothing()),
    );
  }
  return findCompanies(
    db,
    rows.map((r) => r.companyKey),
  );
}

/** Inserts leads not yet known by dedup key; the UNIQUE index makes concurrent imports safe. */
export async function claimLeads(db: Db, rows: NewLeadRow[]): Promise<Map<string, LeadRow>> {
  if (rows.length > 0) {
    await runBatch(
      db,
      rows.map((r) => db.insert(leads).values(r).onConflictDoNothing()),
    );
  }
  return findLeadsByDedupKeys(
    db,
    rows.map((r) => r.dedupKey),
  );
}

export function updateCompanyStatement(db: Db, id: string, patch: Partial<NewCompanyRow>) {
  return db.update(companies).set(patch).where(eq(companies.id, id));
}

export function updateLeadStatement(db: Db, id: string, patch: Partial<NewLeadRow>) {
  return db.update(leads).set(patch).where(eq(leads.id, id));
}

export function saveSourceStatement(
  db: Db,
  row: { leadId: string; source: string; record: unknown; receivedAt: string },
) {
  return db
    .insert(leadSources)
    .values(row)
    .onConflictDoUpdate({
      target: [leadSources.leadId, leadSources.source],
      set: { record: row.record, receivedAt: row.receivedAt },
    });
}

export function replaceListsStatements(db: Db, leadId: string, lists: string[], at: string) {
  return [
    db.delete(leadLists).where(eq(leadLists.leadId, leadId)),
    ...(lists.length > 0
      ? [db.insert(leadLists).values(lists.map((listId) => ({ listId, leadId, addedAt: at })))]
      : []),
  ];
}

export async function loadSources(
  db: Db,
  leadIds: string[],
): Promise<Map<string, { source: string; record: unknown }[]>> {
  const out = new Map<string, { source: string; record: unknown }[]>();
  for (const part of chunk([...new Set(leadIds)], 90)) {
    const rows = await db.select().from(leadSources).where(inArray(leadSources.leadId, part));
    for (const r of rows) {
      const list = out.get(r.leadId) ?? [];
      list.push({ source: r.source, record: r.record });
      out.set(r.leadId, list);
    }
  }
  return out;
}

export interface LeadFilter {
  status?: string;
  stage?: Stage;
  source?: string;
  list?: string;
  q?: string;
  cursor?: string;
  limit: number;
}

export async function listLeads(db: Db, f: LeadFilter): Promise<LeadRow[]> {
  const where: SQL[] = [];
  if (f.status) where.push(eq(leads.status, f.status));
  if (f.stage) where.push(eq(leads.stage, f.stage));
  if (f.source) where.push(eq(leads.source, f.source));
  if (f.cursor) where.push(lt(leads.id, f.cursor));
  if (f.q) {
    const pattern = `%${f.q.replace(/[%_\\]/g, (m) => `\\${m}`).toLowerCase()}%`;
    // SQLite's LIKE ignores ASCII case; ESCAPE makes a searched "%" or "_" literal.
    const matches = (column: SQLiteColumn) => sql`${column} LIKE ${pattern} ESCAPE '\\'`;
    const text = or(matches(leads.email), matches(leads.fullName), matches(leads.companyName));
    if (text) where.push(text);
  }
  if (f.list) {
    where.push(
      inArray(
        leads.id,
        db.select({ id: leadLists.leadId }).from(leadLists).where(eq(leadLists.listId, f.list)),
      ),
    );
  }
  return db
    .select()
    .from(leads)
    .where(and(...where))
    .orderBy(desc(leads.id))
    .limit(f.limit);
}
