import { eq, inArray } from "drizzle-orm";
import { chunk } from "./chunk";
import type { Db } from "./client";
import type { LeadRow } from "./leads-repo";
import { haloWebhookDeliveries, leads } from "./schema";

export interface DeliveryRecord {
  deliveryId: string;
  event: string;
  objectId: number | null;
  receivedAt: string;
}

/**
 * Records deliveries by their HaloPSA delivery id and returns the ids that were new: one seen
 * before (a replay, or Halo re-sending) is left out, so it has no second effect.
 */
export async function recordDeliveries(db: Db, rows: DeliveryRecord[]): Promise<Set<string>> {
  const fresh = new Set<string>();
  // Four bound parameters a row: 20 rows stay under D1's 100 per statement.
  for (const part of chunk(rows, 20)) {
    const inserted = await db
      .insert(haloWebhookDeliveries)
      .values(part)
      .onConflictDoNothing()
      .returning({ id: haloWebhookDeliveries.deliveryId });
    for (const r of inserted) fresh.add(r.id);
  }
  return fresh;
}

/** Forgets deliveries that could not be queued, so HaloPSA's re-send is taken as new. */
export async function forgetDeliveries(db: Db, ids: string[]): Promise<void> {
  for (const part of chunk(ids, 90)) {
    await db.delete(haloWebhookDeliveries).where(inArray(haloWebhookDeliveries.deliveryId, part));
  }
}

/** What processing made of each delivery (`applied`, `unknown_ticket`, …). */
export function markDeliveriesStatements(
  db: Db,
  outcomes: Map<string, string>,
  at: string,
): ReturnType<typeof markOne>[] {
  return [...outcomes].map(([id, outcome]) => markOne(db, id, outcome, at));
}

function markOne(db: Db, id: string, outcome: string, at: string) {
  return db
    .update(haloWebhookDeliveries)
    .set({ processedAt: at, outcome })
    .where(eq(haloWebhookDeliveries.deliveryId, id));
}

export async function findLeadsByTicketIds(db: Db, ids: number[]): Promise<LeadRow[]> {
  const out: LeadRow[] = [];
  for (const part of chunk([...new Set(ids)], 90)) {
    out.push(...(await db.select().from(leads).where(inArray(leads.haloTicketId, part))));
  }
  return out;
}

export async function findLeadsByUserIds(db: Db, ids: number[]): Promise<LeadRow[]> {
  const out: LeadRow[] = [];
  for (const part of chunk([...new Set(ids)], 90)) {
    out.push(...(await db.select().from(leads).where(inArray(leads.haloUserId, part))));
  }
  return out;
}
