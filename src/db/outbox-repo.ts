import { and, eq, isNull, type SQL, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { z } from "zod";
import type { EventData, EventType, WebhookEventBody } from "../domain/webhook-events";
import { newId } from "../ids";
import type { Statement } from "./batch";
import { chunk } from "./chunk";
import type { Db } from "./client";
import { jobs, suppressions, webhookEvents } from "./schema";

/**
 * The outbox. Whatever changes state also returns the statements that record its events, and
 * the caller commits both in one D1 batch: an event exists exactly when its change does, and
 * a Worker that dies afterwards loses nothing (the dispatcher or the cron sweep sends it).
 * Building events never does I/O, so it cannot slow or fail the path that produces them.
 */
export type EventRow = typeof webhookEvents.$inferInsert;

export function newEvent<T extends EventType>(
  type: T,
  data: EventData<T>,
  now: Date,
  targetSubscriptionId: string | null = null,
): EventRow {
  const id = newId("evt", now.getTime());
  const body: WebhookEventBody<T> = { id, type, occurred_at: now.toISOString(), data };
  return {
    id,
    type,
    occurredAt: body.occurred_at,
    payload: body,
    targetSubscriptionId,
    dispatchedAt: null,
  };
}

/** Insert statements for events: 16 rows of 6 columns stay under D1's 100 bound parameters. */
export function eventInserts(db: Db, events: EventRow[]): Statement[] {
  return chunk(events, 16).map((part) => db.insert(webhookEvents).values(part));
}

/**
 * An event recorded only if a row of `from` matches `where` when the batch runs — e.g. "the
 * suppression this batch tried to insert exists", so an insert that lost to an existing row
 * emits nothing. (INSERT … SELECT: D1 batches take query builders, not raw SQL.)
 */
export function guardedEventInsert(
  db: Db,
  event: EventRow,
  from: SQLiteTable,
  where: SQL,
): Statement {
  return db.insert(webhookEvents).select((qb) =>
    qb
      .select({
        id: sql<string>`${event.id}`.as("id"),
        type: sql<string>`${event.type}`.as("type"),
        occurredAt: sql<string>`${event.occurredAt}`.as("occurred_at"),
        payload: sql<string>`${JSON.stringify(event.payload)}`.as("payload"),
        targetSubscriptionId: sql<string | null>`NULL`.as("target_subscription_id"),
        dispatchedAt: sql<string | null>`NULL`.as("dispatched_at"),
      })
      .from(from)
      .where(where)
      .limit(1),
  );
}

/** The fields of an audit entry (src/db/audit.ts) that say which event it announces. */
interface AuditedDecision {
  action: string;
  leadId?: string | null;
  entityId?: string | null;
  detail?: unknown;
}

const Reason = z.object({ code: z.string(), message: z.string() });
const StageStatus = z.object({ stage: z.string(), status: z.string() });
const CreatedDetail = z.object({
  source: z.string(),
  dedup_key: z.string(),
  quality_score: z.number().nullable().default(null),
  halopsa: z.object({
    client_id: z.number().nullable(),
    site_id: z.number().nullable(),
    user_id: z.number().nullable(),
    ticket_id: z.number().nullable(),
  }),
  lists: z.array(z.string()).default([]),
});
const MergedDetail = z.object({
  source: z.string(),
  fields_updated: z.array(z.string()).default([]),
  fields_preserved: z.array(z.string()).default([]),
  status_change: z.object({ from: StageStatus, to: StageStatus }).optional(),
});
const SuppressedDetail = z.object({ dedup_key: z.string(), reasons: z.array(Reason) });
const TransitionDetail = z.object({
  from: StageStatus,
  to: StageStatus,
  reason: z.string().nullable().default(null),
  value: z.number().nullable().default(null),
  halopsa: z.object({ ticket_id: z.number().nullable() }),
  /** Set by the import's read-back (src/pipeline/read-back.ts): a move made in HaloPSA. */
  observed_in: z.enum(["halopsa", "leadbridge"]).optional(),
});

/**
 * The events of one lifecycle step (src/lifecycle): `lead.status_changed` for every change, and
 * the milestone it reaches — converted to a prospect, qualified, opportunity opened, won, lost.
 */
function transitionEvents(
  leadId: string,
  d: z.infer<typeof TransitionDetail>,
  observedIn: "halopsa" | "leadbridge",
  now: Date,
): EventRow[] {
  const out: EventRow[] = [
    newEvent(
      "lead.status_changed",
      { lead_id: leadId, from: d.from, to: d.to, observed_in: observedIn },
      now,
    ),
  ];
  if (observedIn === "halopsa") return out;
  const change = {
    lead_id: leadId,
    from: d.from,
    to: d.to,
    halopsa_ticket_id: d.halopsa.ticket_id,
  };
  if (d.from.stage === "lead" && d.to.stage === "prospect") {
    out.push(newEvent("prospect.converted", change, now));
  } else if (d.to.stage === "prospect" && d.to.status === "qualified") {
    out.push(newEvent("prospect.qualified", change, now));
  } else if (d.from.stage === "prospect" && d.to.stage === "opportunity") {
    out.push(newEvent("opportunity.created", change, now));
  } else if (d.to.stage === "opportunity" && (d.to.status === "won" || d.to.status === "lost")) {
    out.push(
      newEvent(
        d.to.status === "won" ? "opportunity.won" : "opportunity.lost",
        { ...change, value: d.value, reason: d.reason },
        now,
      ),
    );
  }
  return out;
}

/** The events an import decision announces, read from its audit entry (one source of truth). */
export function eventsFromAudit(entry: AuditedDecision, now: Date): EventRow[] {
  const leadId = entry.leadId ?? entry.entityId ?? null;
  switch (entry.action) {
    case "lead.created": {
      const d = CreatedDetail.safeParse(entry.detail);
      if (!d.success || !leadId) return [];
      return [
        newEvent(
          "lead.created",
          {
            lead_id: leadId,
            source: d.data.source,
            dedup_key: d.data.dedup_key,
            quality_score: d.data.quality_score,
            halopsa: d.data.halopsa,
            lists: d.data.lists,
          },
          now,
        ),
      ];
    }
    case "lead.updated":
    case "lead.preserved": {
      const d = MergedDetail.safeParse(entry.detail);
      if (!d.success || !leadId) return [];
      const out: EventRow[] = [];
      if (entry.action === "lead.updated") {
        out.push(
          newEvent(
            "lead.updated",
            {
              lead_id: leadId,
              source: d.data.source,
              fields_updated: d.data.fields_updated,
              fields_preserved: d.data.fields_preserved,
            },
            now,
          ),
        );
      }
      if (d.data.status_change) {
        out.push(
          newEvent(
            "lead.status_changed",
            { lead_id: leadId, ...d.data.status_change, observed_in: "halopsa" },
            now,
          ),
        );
      }
      return out;
    }
    case "lead.transition":
    case "lead.external_transition": {
      const d = TransitionDetail.safeParse(entry.detail);
      if (!d.success || !leadId) return [];
      const observed =
        d.data.observed_in ?? (entry.action === "lead.transition" ? "leadbridge" : "halopsa");
      return transitionEvents(leadId, d.data, observed, now);
    }
    case "lead.suppressed": {
      const d = SuppressedDetail.safeParse(entry.detail);
      if (!d.success) return [];
      return [newEvent("lead.suppressed", d.data, now)];
    }
    default:
      return [];
  }
}

/**
 * The outbox statements for a set of audit entries, committed with them (`auditStatements`):
 * the decisions they record and the events announcing them exist together or not at all.
 */
export function outboxStatements(db: Db, entries: AuditedDecision[], now: Date): Statement[] {
  return eventInserts(
    db,
    entries.flatMap((e) => eventsFromAudit(e, now)),
  );
}

/**
 * `contact.suppressed` for a suppression this batch inserts: recorded only if the row with this
 * id exists after the insert (an entry already on the list keeps its first origin, no event).
 */
export function contactSuppressedInsert(
  db: Db,
  entry: { id: string; kind: string; value: string; reason: string | null; origin: string },
  now: Date,
): Statement {
  const event = newEvent(
    "contact.suppressed",
    {
      suppression_id: entry.id,
      kind: entry.kind as EventData<"contact.suppressed">["kind"],
      value: entry.value,
      reason: entry.reason,
      origin: entry.origin,
    },
    now,
  );
  return guardedEventInsert(db, event, suppressions, eq(suppressions.id, entry.id));
}

/**
 * `job.completed`, recorded only while the job is still unfinished when the batch runs: two
 * chunks finishing at once both see no pending lead, but only the first batch announces it.
 * Put it before the statement that sets `finished_at`.
 */
export function jobCompletedInsert(db: Db, data: EventData<"job.completed">, now: Date): Statement {
  return guardedEventInsert(
    db,
    newEvent("job.completed", data, now),
    jobs,
    and(eq(jobs.id, data.job_id), isNull(jobs.finishedAt)) as SQL,
  );
}
