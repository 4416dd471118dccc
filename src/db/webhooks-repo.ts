import { and, desc, eq, gte, inArray, isNull, lt, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { type AuditEntry, auditStatement, guardedAuditInsert } from "./audit";
import { chunk } from "./chunk";
import type { Db } from "./client";
import { webhookAttempts, webhookDeliveries, webhookEvents, webhookSubscriptions } from "./schema";

export type SubscriptionRow = typeof webhookSubscriptions.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type AttemptRow = typeof webhookAttempts.$inferSelect;
export type EventRowStored = typeof webhookEvents.$inferSelect;

/** Registers an endpoint with `audit` in the same batch: none exists without its entry. */
export async function insertAuditedSubscription(
  db: Db,
  row: typeof webhookSubscriptions.$inferInsert,
  audit: AuditEntry,
  now: Date,
): Promise<SubscriptionRow> {
  const [[inserted]] = await db.batch([
    db.insert(webhookSubscriptions).values(row).returning(),
    auditStatement(db, audit, now),
  ]);
  if (!inserted) throw new Error("subscription insert returned nothing");
  return inserted;
}

/** The audit entry of a change to endpoint `id`, recorded only if the endpoint still exists. */
export function subscriptionAuditStatement(db: Db, id: string, audit: AuditEntry, now: Date) {
  return guardedAuditInsert(db, audit, now, webhookSubscriptions, eq(webhookSubscriptions.id, id));
}

export async function findSubscription(db: Db, id: string): Promise<SubscriptionRow | undefined> {
  return db.query.webhookSubscriptions.findFirst({ where: eq(webhookSubscriptions.id, id) });
}

export async function listSubscriptions(db: Db): Promise<SubscriptionRow[]> {
  return db.select().from(webhookSubscriptions).orderBy(desc(webhookSubscriptions.id));
}

export async function enabledSubscriptions(db: Db): Promise<SubscriptionRow[]> {
  return db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.enabled, true));
}

export function updateSubscriptionStatement(
  db: Db,
  id: string,
  patch: Partial<typeof webhookSubscriptions.$inferInsert>,
) {
  return db
    .update(webhookSubscriptions)
    .set(patch)
    .where(eq(webhookSubscriptions.id, id))
    .returning();
}

export async function updateSubscription(
  db: Db,
  id: string,
  patch: Partial<typeof webhookSubscriptions.$inferInsert>,
): Promise<SubscriptionRow | undefined> {
  const [row] = await updateSubscriptionStatement(db, id, patch);
  return row;
}

/**
 * Removes an endpoint with its delivery log; events stay (other endpoints may need them).
 * `audit` is recorded in the same batch, first and only while the endpoint exists: of two
 * concurrent deletes one removes and records, the other finds nothing (false), records nothing.
 */
export async function deleteSubscription(
  db: Db,
  id: string,
  audit: AuditEntry,
  now: Date,
): Promise<boolean> {
  const [, , , deleted] = await db.batch([
    subscriptionAuditStatement(db, id, audit, now),
    db
      .delete(webhookAttempts)
      .where(
        inArray(
          webhookAttempts.deliveryId,
          db
            .select({ id: webhookDeliveries.id })
            .from(webhookDeliveries)
            .where(eq(webhookDeliveries.subscriptionId, id)),
        ),
      ),
    db.delete(webhookDeliveries).where(eq(webhookDeliveries.subscriptionId, id)),
    db
      .delete(webhookSubscriptions)
      .where(eq(webhookSubscriptions.id, id))
      .returning({ id: webhookSubscriptions.id }),
  ]);
  return deleted.length > 0;
}

export async function undispatchedEvents(db: Db, limit: number): Promise<EventRowStored[]> {
  return db
    .select()
    .from(webhookEvents)
    .where(isNull(webhookEvents.dispatchedAt))
    .orderBy(webhookEvents.id)
    .limit(limit);
}

/** Delivery rows for a fan-out; 12 rows of 8 columns stay under D1's 100 bound parameters. */
export function insertDeliveriesStatements(
  db: Db,
  rows: (typeof webhookDeliveries.$inferInsert)[],
): BatchItem<"sqlite">[] {
  return chunk(rows, 12).map((part) =>
    db
      .insert(webhookDeliveries)
      .values(part)
      .onConflictDoNothing()
      .returning({ id: webhookDeliveries.id }),
  );
}

export function markDispatchedStatements(db: Db, ids: string[], at: string): BatchItem<"sqlite">[] {
  return chunk(ids, 90).map((part) =>
    db.update(webhookEvents).set({ dispatchedAt: at }).where(inArray(webhookEvents.id, part)),
  );
}

export interface DeliveryContext {
  delivery: DeliveryRow;
  subscription: SubscriptionRow;
  event: EventRowStored;
}

/** Deliveries with their endpoint and event, in one query per 90 ids. */
export async function loadDeliveries(db: Db, ids: string[]): Promise<Map<string, DeliveryContext>> {
  const out = new Map<string, DeliveryContext>();
  for (const part of chunk(ids, 90)) {
    const rows = await db
      .select({
        delivery: webhookDeliveries,
        subscription: webhookSubscriptions,
        event: webhookEvents,
      })
      .from(webhookDeliveries)
      .innerJoin(
        webhookSubscriptions,
        eq(webhookSubscriptions.id, webhookDeliveries.subscriptionId),
      )
      .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
      .where(inArray(webhookDeliveries.id, part));
    for (const r of rows) out.set(r.delivery.id, r);
  }
  return out;
}

export function updateDeliveryStatement(
  db: Db,
  id: string,
  patch: Partial<typeof webhookDeliveries.$inferInsert>,
) {
  return db.update(webhookDeliveries).set(patch).where(eq(webhookDeliveries.id, id));
}

export function insertAttemptStatement(db: Db, row: typeof webhookAttempts.$inferInsert) {
  return db.insert(webhookAttempts).values(row);
}

export async function findDelivery(
  db: Db,
  subscriptionId: string,
  id: string,
): Promise<DeliveryRow | undefined> {
  return db.query.webhookDeliveries.findFirst({
    where: and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.subscriptionId, subscriptionId)),
  });
}

export async function listDeliveries(
  db: Db,
  f: { subscriptionId: string; status?: string; cursor?: string; limit: number },
): Promise<(DeliveryRow & { eventType: string })[]> {
  const where: SQL[] = [eq(webhookDeliveries.subscriptionId, f.subscriptionId)];
  if (f.status) where.push(eq(webhookDeliveries.status, f.status));
  if (f.cursor) where.push(lt(webhookDeliveries.id, f.cursor));
  const rows = await db
    .select({ delivery: webhookDeliveries, eventType: webhookEvents.type })
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(and(...where))
    .orderBy(desc(webhookDeliveries.id))
    .limit(f.limit);
  return rows.map((r) => ({ ...r.delivery, eventType: r.eventType }));
}

export async function attemptsOf(
  db: Db,
  deliveryIds: string[],
): Promise<Map<string, AttemptRow[]>> {
  const out = new Map<string, AttemptRow[]>();
  for (const part of chunk(deliveryIds, 90)) {
    const rows = await db
      .select()
      .from(webhookAttempts)
      .where(inArray(webhookAttempts.deliveryId, part))
      .orderBy(webhookAttempts.deliveryId, webhookAttempts.attempt);
    for (const r of rows) out.set(r.deliveryId, [...(out.get(r.deliveryId) ?? []), r]);
  }
  return out;
}

/** Failed deliveries of an endpoint created since a time, oldest first (replay). */
export async function failedDeliveriesSince(
  db: Db,
  subscriptionId: string,
  since: string,
  limit: number,
): Promise<DeliveryRow[]> {
  return db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.subscriptionId, subscriptionId),
        eq(webhookDeliveries.status, "failed"),
        gte(webhookDeliveries.createdAt, since),
      ),
    )
    .orderBy(webhookDeliveries.id)
    .limit(limit);
}

/** Deliveries set back to pending for a replay. */
export function replayStatements(db: Db, ids: string[], at: string): BatchItem<"sqlite">[] {
  return chunk(ids, 90).map((part) =>
    db
      .update(webhookDeliveries)
      .set({ status: "pending", nextAttemptAt: at, lastError: null, updatedAt: at })
      .where(inArray(webhookDeliveries.id, part)),
  );
}

/**
 * Pending deliveries whose next attempt is overdue by more than `graceMs`: their queue message
 * was lost (a Worker died between commit and send). They are pushed back by the same grace so
 * the next sweep does not send them twice while the new message waits in the queue.
 */
export async function claimOverdueDeliveries(
  db: Db,
  now: Date,
  graceMs: number,
  limit: number,
): Promise<string[]> {
  const cutoff = new Date(now.getTime() - graceMs).toISOString();
  const next = new Date(now.getTime() + graceMs).toISOString();
  const rows = await db
    .update(webhookDeliveries)
    .set({ nextAttemptAt: next })
    .where(
      inArray(
        webhookDeliveries.id,
        db
          .select({ id: webhookDeliveries.id })
          .from(webhookDeliveries)
          .where(
            and(
              eq(webhookDeliveries.status, "pending"),
              lt(webhookDeliveries.nextAttemptAt, cutoff),
            ),
          )
          .limit(limit),
      ),
    )
    .returning({ id: webhookDeliveries.id });
  return rows.map((r) => r.id);
}

/** Housekeeping: finished deliveries, their attempts and dispatched events older than `before`. */
export async function purgeWebhookHistory(db: Db, before: string): Promise<void> {
  await db.batch([
    db.delete(webhookAttempts).where(
      inArray(
        webhookAttempts.deliveryId,
        db
          .select({ id: webhookDeliveries.id })
          .from(webhookDeliveries)
          .where(
            and(
              lt(webhookDeliveries.createdAt, before),
              sql`${webhookDeliveries.status} <> 'pending'`,
            ),
          ),
      ),
    ),
    db
      .delete(webhookDeliveries)
      .where(
        and(lt(webhookDeliveries.createdAt, before), sql`${webhookDeliveries.status} <> 'pending'`),
      ),
    db
      .delete(webhookEvents)
      .where(
        and(
          lt(webhookEvents.occurredAt, before),
          sql`${webhookEvents.dispatchedAt} IS NOT NULL`,
          sql`NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = ${webhookEvents.id})`,
        ),
      ),
  ]);
}
