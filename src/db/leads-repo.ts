import { and, desc, eq, gte, inArray, isNotNull, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Stage } from "../config/schema";
import { legacyEmailSpelling } from "../domain/cleanse/email";
import type { CanonicalLead } from "../domain/lead";
import { CANONICAL_LEAD_VERSION } from "../domain/lead-version";
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
 * later record with the email still finds the same person. Rows written before email domains
 * were stored in ASCII hold the Unicode spelling (`legacyEmailSpelling`); they are found too,
 * and keyed by the normalised address asked for.
 */
export async function findLeadsByEmails(db: Db, emails: string[]): Promise<Map<string, LeadRow>> {
  const asked = new Map<string, string>();
  for (const e of emails) {
    const legacy = legacyEmailSpelling(e);
    if (legacy !== null && !asked.has(legacy)) asked.set(legacy, e);
  }
  for (const e of emails) asked.set(e, e);
  const out = new Map<string, LeadRow>();
  for (const part of chunk([...asked.keys()], 90)) {
    const rows = await db.select().from(leads).where(inArray(leads.email, part));
    for (const r of rows) {
      const key = r.email === null ? undefined : asked.get(r.email);
      // The current spelling wins over a legacy one when both exist.
      if (key !== undefined && (r.email === key || !out.has(key))) out.set(key, r);
    }
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

/**
 * Inserts companies not yet known (a concurrent writer's row wins) and returns all of them. For
 * the HaloPSA index, which records companies that already exist in HaloPSA; imports take
 * leases instead (`claimCompanies`).
 */
export async function insertNewCompanies(
  db: Db,
  rows: NewCompanyRow[],
): Promise<Map<string, CompanyRow>> {
  await runBatch(
    db,
    rows.map((r) => db.insert(companies).values(r).onConflictDoNothing()),
  );
  return findCompanies(
    db,
    rows.map((r) => r.companyKey),
  );
}

/** As `insertNewCompanies`, for people the HaloPSA index found. */
export async function insertNewLeads(db: Db, rows: NewLeadRow[]): Promise<Map<string, LeadRow>> {
  await runBatch(
    db,
    rows.map((r) => db.insert(leads).values(r).onConflictDoNothing()),
  );
  return findLeadsByDedupKeys(
    db,
    rows.map((r) => r.dedupKey),
  );
}

/**
 * A run's exclusive lease on rows (see src/pipeline/claims.ts): who holds it, until when, and
 * the current time, all in epoch milliseconds.
 */
export interface Lease {
  token: string;
  nowMs: number;
  expiresAt: number;
}

/** Free, expired, or already ours: a row this lease may take. */
function takeable(table: typeof leads | typeof companies, lease: Lease) {
  return or(
    isNull(table.claimToken),
    lt(table.claimExpiresAt, lease.nowMs),
    eq(table.claimToken, lease.token),
  );
}

/**
 * Takes the lease on people, in one D1 batch: new people are inserted carrying the lease (the
 * UNIQUE dedup key lets exactly one concurrent insert win), existing rows are taken only when
 * free or expired. D1 has one writer, so each row ends up with exactly one holder. Returns the
 * rows as they are now; the caller keeps those carrying its token.
 */
export async function claimLeads(
  db: Db,
  lease: Lease,
  wanted: { inserts: NewLeadRow[]; dedupKeys: string[]; ids: string[] },
): Promise<LeadRow[]> {
  const claim = { claimToken: lease.token, claimExpiresAt: lease.expiresAt };
  const keys = [...new Set([...wanted.dedupKeys, ...wanted.inserts.map((r) => r.dedupKey)])];
  await runBatch(db, [
    ...wanted.inserts.map((r) =>
      db
        .insert(leads)
        .values({ ...r, ...claim })
        .onConflictDoNothing(),
    ),
    ...chunk(keys, 90).map((part) =>
      db
        .update(leads)
        .set(claim)
        .where(and(inArray(leads.dedupKey, part), takeable(leads, lease))),
    ),
    ...chunk([...new Set(wanted.ids)], 90).map((part) =>
      db
        .update(leads)
        .set(claim)
        .where(and(inArray(leads.id, part), takeable(leads, lease))),
    ),
  ]);
  const rows = new Map<string, LeadRow>();
  for (const r of (await findLeadsByDedupKeys(db, keys)).values()) rows.set(r.id, r);
  for (const part of chunk([...new Set(wanted.ids)], 90)) {
    for (const r of await db.select().from(leads).where(inArray(leads.id, part))) rows.set(r.id, r);
  }
  return [...rows.values()];
}

/**
 * Takes the lease on companies that still need a HaloPSA client or site (a finished company is
 * shared freely and needs no lease), inserting unknown ones with the lease. Returns every
 * requested company as it is now, by company key.
 */
export async function claimCompanies(
  db: Db,
  lease: Lease,
  wanted: { inserts: NewCompanyRow[]; keys: string[] },
): Promise<Map<string, CompanyRow>> {
  const claim = { claimToken: lease.token, claimExpiresAt: lease.expiresAt };
  const keys = [...new Set([...wanted.keys, ...wanted.inserts.map((r) => r.companyKey)])];
  const unfinished = or(isNull(companies.haloClientId), isNull(companies.haloSiteId));
  await runBatch(db, [
    ...wanted.inserts.map((r) =>
      db
        .insert(companies)
        .values({ ...r, ...claim })
        .onConflictDoNothing(),
    ),
    ...chunk(keys, 90).map((part) =>
      db
        .update(companies)
        .set(claim)
        .where(and(inArray(companies.companyKey, part), unfinished, takeable(companies, lease))),
    ),
  ]);
  return findCompanies(db, keys);
}

/**
 * Before a HaloPSA write: renews every lease the run holds and sets (or clears) the rows'
 * `write_pending` flag, but only on rows the run still holds. Returns the ids it could mark; a
 * row missing from the answer was taken over (its lease expired) and must not be written.
 */
export async function markPending(
  db: Db,
  lease: Lease,
  target: "leads" | "companies",
  ids: string[],
  on: boolean,
): Promise<Set<string>> {
  const table = target === "leads" ? leads : companies;
  const renew = { claimExpiresAt: lease.expiresAt };
  const mine = (t: typeof leads | typeof companies) => eq(t.claimToken, lease.token);
  const marks = chunk([...new Set(ids)], 90).map((part) =>
    db
      .update(table)
      .set({ writePending: on })
      .where(and(inArray(table.id, part), mine(table)))
      .returning({ id: table.id }),
  );
  const held = new Set<string>();
  const [first, ...rest] = [
    db.update(leads).set(renew).where(mine(leads)),
    db.update(companies).set(renew).where(mine(companies)),
    ...marks,
  ];
  const results = await db.batch([first, ...rest]);
  for (const result of results.slice(2)) {
    for (const r of result as { id: string }[]) held.add(r.id);
  }
  return held;
}

/**
 * Which of these people and unfinished companies another run holds right now (and which held
 * people are already in HaloPSA): one cheap read, so a caller waiting for them polls without
 * taking (and releasing) anything.
 */
export async function heldKeys(
  db: Db,
  dedupKeys: string[],
  companyKeys: string[],
  nowMs: number,
): Promise<{ held: Set<string>; finished: Set<string> }> {
  const held = new Set<string>();
  const finished = new Set<string>();
  const live = (t: typeof leads | typeof companies) =>
    and(isNotNull(t.claimToken), gte(t.claimExpiresAt, nowMs));
  for (const part of chunk([...new Set(dedupKeys)], 90)) {
    const rows = await db
      .select({ key: leads.dedupKey, ticket: leads.haloTicketId })
      .from(leads)
      .where(and(inArray(leads.dedupKey, part), live(leads)));
    for (const r of rows) {
      held.add(r.key);
      if (r.ticket !== null) finished.add(r.key);
    }
  }
  for (const part of chunk([...new Set(companyKeys)], 90)) {
    const rows = await db
      .select({ key: companies.companyKey })
      .from(companies)
      .where(and(inArray(companies.companyKey, part), live(companies)));
    for (const r of rows) held.add(r.key);
  }
  return { held, finished };
}

/** Ends a run's leases (after its results are recorded, or when it gives up). */
export function releaseStatements(db: Db, token: string) {
  return [
    db
      .update(leads)
      .set({ claimToken: null, claimExpiresAt: null })
      .where(eq(leads.claimToken, token)),
    db
      .update(companies)
      .set({ claimToken: null, claimExpiresAt: null })
      .where(eq(companies.claimToken, token)),
  ];
}

export function updateCompanyStatement(db: Db, id: string, patch: Partial<NewCompanyRow>) {
  return db.update(companies).set(patch).where(eq(companies.id, id));
}

export function updateLeadStatement(db: Db, id: string, patch: Partial<NewLeadRow>) {
  return db.update(leads).set(patch).where(eq(leads.id, id));
}

/**
 * Stores one provider's record of a lead. Only canonical leads LeadBridge's normaliser built
 * are stored, stamped with the schema's fingerprint so they are read back without re-validation
 * (see domain/lead-version.ts).
 */
export function saveSourceStatement(
  db: Db,
  row: { leadId: string; source: string; record: CanonicalLead; receivedAt: string },
) {
  const schemaVersion = CANONICAL_LEAD_VERSION;
  return db
    .insert(leadSources)
    .values({ ...row, schemaVersion })
    .onConflictDoUpdate({
      target: [leadSources.leadId, leadSources.source],
      set: { record: row.record, receivedAt: row.receivedAt, schemaVersion },
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

/** A provider's stored record as D1 holds it (see saveSourceStatement). */
export interface StoredSource {
  source: string;
  record: unknown;
  /** The canonical schema's fingerprint when LeadBridge wrote it; null for older rows. */
  schemaVersion: string | null;
}

export async function loadSources(db: Db, leadIds: string[]): Promise<Map<string, StoredSource[]>> {
  const out = new Map<string, StoredSource[]>();
  for (const part of chunk([...new Set(leadIds)], 90)) {
    const rows = await db.select().from(leadSources).where(inArray(leadSources.leadId, part));
    for (const r of rows) {
      const list = out.get(r.leadId) ?? [];
      list.push({ source: r.source, record: r.record, schemaVersion: r.schemaVersion });
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

/** Per HaloPSA entity, the id of a record LeadBridge recorded (null when none). */
export interface HaloIdFloors {
  clients: number | null;
  sites: number | null;
  users: number | null;
  tickets: number | null;
}

/**
 * Ids of HaloPSA records LeadBridge has recorded, high ones: a record that exists bounds the
 * search for what a later POST created (HaloPSA ids only grow). One round trip; each max is a
 * separate subquery so SQLite answers the indexed ones from the index, and companies (no index on
 * the HaloPSA ids) look only at their most recent recorded rows (a run's own new companies,
 * inserted before their clients exist, must not hide the floor).
 */
export async function haloIdFloors(db: Db): Promise<HaloIdFloors> {
  const row = await db.get<HaloIdFloors>(sql`SELECT
    (SELECT max(halo_user_id) FROM leads) AS users,
    (SELECT max(halo_ticket_id) FROM leads) AS tickets,
    (SELECT max(halo_client_id) FROM (SELECT halo_client_id FROM companies
      WHERE halo_client_id IS NOT NULL ORDER BY rowid DESC LIMIT 200)) AS clients,
    (SELECT max(halo_site_id) FROM (SELECT halo_site_id FROM companies
      WHERE halo_site_id IS NOT NULL ORDER BY rowid DESC LIMIT 200)) AS sites`);
  return {
    clients: row?.clients ?? null,
    sites: row?.sites ?? null,
    users: row?.users ?? null,
    tickets: row?.tickets ?? null,
  };
}
