import { z } from "zod";
import { database } from "../db/client";
import { importHasPendingWork, oldestUndispatchedAt } from "../db/outbox-repo";
import {
  claimOverdueDeliveries,
  enabledSubscriptions,
  insertDeliveriesStatements,
  markDispatchedStatements,
  type SubscriptionRow,
  undispatchedEvents,
} from "../db/webhooks-repo";
import { newId } from "../ids";
import { logWebhookError } from "./errors-log";

export const DELIVERIES_QUEUE = "leadbridge-deliveries";
export const DELIVERIES_DLQ = "leadbridge-deliveries-dlq";

/** One message per (event, endpoint) delivery; its state lives in D1, the message only points. */
export const DeliveryMessage = z.object({
  type: z.literal("webhook.delivery"),
  delivery_id: z.string(),
});
export type DeliveryMessage = z.infer<typeof DeliveryMessage>;

const EVENTS_PER_ROUND = 50;
const MAX_ROUNDS = 20;
/** A pending delivery this far past its due time lost its queue message: send it again. */
export const OVERDUE_GRACE_MS = 15 * 60 * 1000;

export async function enqueueDeliveries(env: Env, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 100) {
    await env.DELIVERIES.sendBatch(
      ids.slice(i, i + 100).map((id) => ({
        body: { type: "webhook.delivery", delivery_id: id } satisfies DeliveryMessage,
        contentType: "json" as const,
      })),
    );
  }
}

function wants(sub: SubscriptionRow, type: string): boolean {
  return sub.events.includes(type) || sub.events.includes("*");
}

/**
 * Moves outbox events to the deliveries queue: one delivery row per (event, enabled endpoint
 * that wants it), inserted together with the event's `dispatched_at` in one batch, then one
 * queue message per new row. Safe to run concurrently and repeatedly: the (event, endpoint)
 * UNIQUE index lets only one runner create — and so enqueue — each delivery.
 */
export async function dispatchOutbox(
  env: Env,
  now: Date = new Date(),
): Promise<{ events: number; deliveries: number }> {
  const db = database(env.DB);
  const at = now.toISOString();
  let subscriptions: SubscriptionRow[] | null = null;
  const total = { events: 0, deliveries: 0 };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const events = await undispatchedEvents(db, EVENTS_PER_ROUND);
    if (events.length === 0) break;
    subscriptions ??= await enabledSubscriptions(db);
    const subs = subscriptions;
    const rows = events.flatMap((e) =>
      subs
        .filter((s) =>
          e.targetSubscriptionId ? s.id === e.targetSubscriptionId : wants(s, e.type),
        )
        .map((s) => ({
          id: newId("dlv", now.getTime()),
          eventId: e.id,
          subscriptionId: s.id,
          status: "pending",
          attempts: 0,
          nextAttemptAt: at,
          createdAt: at,
          updatedAt: at,
        })),
    );
    const inserts = insertDeliveriesStatements(db, rows);
    const marks = markDispatchedStatements(
      db,
      events.map((e) => e.id),
      at,
    );
    const [first, ...rest] = [...inserts, ...marks];
    if (!first) break;
    const results = await db.batch([first, ...rest]);
    const created = (results.slice(0, inserts.length) as { id: string }[][])
      .flat()
      .map((r) => r.id);
    await enqueueDeliveries(env, created);
    total.events += events.length;
    total.deliveries += created.length;
    if (events.length < EVENTS_PER_ROUND) break;
  }
  return total;
}

/** Right after a commit (`ctx.waitUntil`): never throws, never delays the caller's answer. */
export async function kickOutbox(env: Env): Promise<void> {
  try {
    await dispatchOutbox(env);
  } catch (err) {
    await logWebhookError(env, "WEBHOOK_DISPATCH_FAILED", String(err));
  }
}

/**
 * The longest the jobs consumer holds events back while an import is still running; after
 * that they are dispatched even mid-import (the cron sweep, every minute, never holds back).
 */
export const IMPORT_HOLD_MS = 60_000;
/** Rounds of `dispatchOutbox` one kick may run to empty the outbox once an import is done. */
const MAX_DRAIN_PASSES = 10;

/**
 * The jobs consumer's kick after a batch of chunks. Deliveries (a signed POST per event and
 * endpoint, and their D1 log) compete with the import for D1 — and, locally, for the one
 * workerd process — so while chunks are still pending their events wait in the outbox, at
 * most IMPORT_HOLD_MS, and the last chunk's kick sends them all (issue 11: publishing never
 * slows the import path; `npm run bench -- --webhooks 3`). Nothing is at risk meanwhile: the
 * events are committed (the outbox) and the cron sweep dispatches whatever a kick leaves.
 */
export async function kickOutboxAfterChunks(env: Env, now: Date = new Date()): Promise<void> {
  try {
    const db = database(env.DB);
    if (await importHasPendingWork(db)) {
      const oldest = await oldestUndispatchedAt(db);
      if (oldest === null || now.getTime() - Date.parse(oldest) < IMPORT_HOLD_MS) return;
    }
    for (let pass = 0; pass < MAX_DRAIN_PASSES; pass++) {
      const { events } = await dispatchOutbox(env, now);
      if (events < EVENTS_PER_ROUND * MAX_ROUNDS) break;
    }
  } catch (err) {
    await logWebhookError(env, "WEBHOOK_DISPATCH_FAILED", String(err));
  }
}

/**
 * The cron sweep: events a Worker committed but never dispatched (it died, or its dispatch
 * failed), and pending deliveries whose queue message never arrived.
 */
export async function sweepWebhooks(
  env: Env,
  now: Date,
): Promise<{ events: number; requeued: number }> {
  const dispatched = await dispatchOutbox(env, now);
  const overdue = await claimOverdueDeliveries(database(env.DB), now, OVERDUE_GRACE_MS, 500);
  await enqueueDeliveries(env, overdue);
  return { events: dispatched.events, requeued: overdue.length };
}
