import { inArray } from "drizzle-orm";
import { chunk } from "./chunk";
import type { Db } from "./client";
import type { CompanyRow, LeadRow } from "./leads-repo";
import { companies, leads } from "./schema";

// Lookups the import path does not need: by our id and by HaloPSA id. Lists are split below
// D1's 100 bound parameters per statement.

export async function findLeadsByIds(db: Db, ids: string[]): Promise<Map<string, LeadRow>> {
  const out = new Map<string, LeadRow>();
  for (const part of chunk([...new Set(ids)], 90)) {
    for (const r of await db.select().from(leads).where(inArray(leads.id, part))) out.set(r.id, r);
  }
  return out;
}

/** Leads by HaloPSA user id; should two rows claim one user, the older one answers. */
export async function findLeadsByHaloUserIds(db: Db, ids: number[]): Promise<Map<number, LeadRow>> {
  const out = new Map<number, LeadRow>();
  for (const part of chunk([...new Set(ids)], 90)) {
    const rows = await db.select().from(leads).where(inArray(leads.haloUserId, part));
    rows.sort((a, b) => a.id.localeCompare(b.id));
    for (const r of rows)
      if (r.haloUserId !== null && !out.has(r.haloUserId)) out.set(r.haloUserId, r);
  }
  return out;
}

/** Companies by HaloPSA client id (every row: a client may sit under more than one key). */
export async function findCompaniesByHaloClientIds(
  db: Db,
  ids: number[],
): Promise<Map<number, CompanyRow[]>> {
  const out = new Map<number, CompanyRow[]>();
  for (const part of chunk([...new Set(ids)], 90)) {
    const rows = await db.select().from(companies).where(inArray(companies.haloClientId, part));
    rows.sort((a, b) => a.id.localeCompare(b.id));
    for (const r of rows) {
      if (r.haloClientId === null) continue;
      out.set(r.haloClientId, [...(out.get(r.haloClientId) ?? []), r]);
    }
  }
  return out;
}
