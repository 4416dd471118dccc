import { auditStatement } from "../db/audit";
import { runBatch } from "../db/batch";
import { chunk } from "../db/chunk";
import type { Db } from "../db/client";
import { recordError } from "../db/error-log-repo";
import {
  forgetDeliveries,
  markDeliveriesStatements,
  recordDeliveries,
} from "../db/halo-webhooks-repo";
import type { HaloWebhookMessage } from "./message";
import { type HaloEvent, parseHaloWebhook } from "./payload";

export const HALO_WEBHOOK_ACTOR = "halopsa-webhook";
export const HALO_WEBHOOK_SOURCE = "POST /api/v1/webhooks/halopsa";
/** Tickets per queue message: one HaloPSA list call re-reads them all (`ticketids`). */
const EVENTS_PER_MESSAGE = 100;

export interface Receipt {
  received: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  ignored: number;
}

/**
 * Takes an authenticated HaloPSA delivery: records each delivery id (a replay is dropped here),
 * queues the new ones for the jobs queue and answers at once; the tickets are re-read and
 * applied there (`process.ts`). What cannot be read is logged, never refused: HaloPSA's retry
 * policy is undocumented, and an error answer to a body it will send again the same way could
 * start a retry storm (halopsa-api.md §5).
 */
export async function receiveHaloWebhook(
  env: Env,
  db: Db,
  text: string,
  requestId: string,
  now: Date,
): Promise<Receipt> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    await logMalformed(db, requestId, "the body is not JSON", [], now);
    return { received: 0, accepted: 0, duplicates: 0, rejected: 1, ignored: 0 };
  }
  const { events, rejected } = parseHaloWebhook(body);
  if (rejected.length > 0) {
    const reasons = rejected.slice(0, 20).map((r) => `#${r.index}: ${r.reason}`);
    await logMalformed(
      db,
      requestId,
      `unreadable webhook payloads: ${reasons.join("; ")}`,
      events,
      now,
    );
  }
  const at = now.toISOString();
  const fresh = await recordDeliveries(
    db,
    events.map((e) => ({
      deliveryId: e.delivery_id,
      event: e.event,
      objectId: e.object_id,
      receivedAt: at,
    })),
  );
  const accepted = events.filter((e) => fresh.has(e.delivery_id));
  const work = accepted.filter(
    (e): e is HaloEvent & { kind: "ticket" | "user"; object_id: number } =>
      e.kind !== "unknown" && e.object_id !== null,
  );
  const ignored = accepted.filter((e) => e.kind === "unknown" || e.object_id === null);
  try {
    for (const part of chunk(work, EVENTS_PER_MESSAGE)) {
      const message: HaloWebhookMessage = {
        type: "halo.webhook",
        events: part.map((e) => ({
          delivery_id: e.delivery_id,
          event: e.event,
          object_id: e.object_id,
          kind: e.kind,
        })),
      };
      await env.CONTROL.send(message);
    }
  } catch (err) {
    // Not queued, so not taken: forget the ids so HaloPSA's re-send is applied.
    await forgetDeliveries(
      db,
      accepted.map((e) => e.delivery_id),
    );
    throw err;
  }
  await runBatch(db, [
    ...accepted.map((e) =>
      auditStatement(
        db,
        {
          actor: HALO_WEBHOOK_ACTOR,
          action: "halopsa.webhook_received",
          entity: "halo_webhook",
          entityId: e.delivery_id,
          rule: e.kind === "unknown" ? "event_not_handled" : "queued_for_reread",
          detail: { event: e.event, object_id: e.object_id, kind: e.kind },
          requestId,
        },
        now,
      ),
    ),
    ...markDeliveriesStatements(db, new Map(ignored.map((e) => [e.delivery_id, "ignored"])), at),
  ]);
  if (ignored.length > 0) {
    await recordError(
      db,
      {
        level: "warning",
        code: "HALO_WEBHOOK_EVENT_IGNORED",
        message: `HaloPSA events about neither a ticket nor a user: ${ignored.map((e) => e.event).join(", ")}`,
        source: HALO_WEBHOOK_SOURCE,
        requestId,
        detail: { delivery_ids: ignored.map((e) => e.delivery_id) },
      },
      now,
    );
  }
  return {
    received: events.length + rejected.length,
    accepted: accepted.length,
    duplicates: events.length - accepted.length,
    rejected: rejected.length,
    ignored: ignored.length,
  };
}

/** Logged for an operator (GET /errors); the body itself is left out: it holds personal data. */
async function logMalformed(
  db: Db,
  requestId: string,
  message: string,
  readable: HaloEvent[],
  now: Date,
): Promise<void> {
  await recordError(
    db,
    {
      level: "warning",
      code: "HALO_WEBHOOK_MALFORMED",
      message,
      source: HALO_WEBHOOK_SOURCE,
      requestId,
      detail: { readable_delivery_ids: readable.map((e) => e.delivery_id) },
    },
    now,
  );
}
