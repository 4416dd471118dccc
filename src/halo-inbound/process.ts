import type { IntegrationConfig } from "../config/schema";
import { type AuditEntry, auditStatements } from "../db/audit";
import { runBatch, type Statement } from "../db/batch";
import { type Db, database } from "../db/client";
import { loadConfig } from "../db/config-repo";
import { recordError } from "../db/error-log-repo";
import {
  findLeadsByTicketIds,
  findLeadsByUserIds,
  markDeliveriesStatements,
} from "../db/halo-webhooks-repo";
import { type LeadRow, replaceListsStatements, updateLeadStatement } from "../db/leads-repo";
import { addSuppression } from "../db/suppressions-repo";
import type { FieldMap } from "../domain/halo-mapping";
import { haloPort } from "../pipeline/halo-adapter";
import type { HaloPort, HaloRecordUpdate, HaloTicketView } from "../pipeline/halo-port";
import { type DncSignal, readTicket, readUser } from "./changes";
import { dncKeys } from "./dnc-keys";
import type { HaloWebhookMessage } from "./message";
import { HALO_WEBHOOK_ACTOR } from "./receive";
import { judgeTransition } from "./transition";

/** As for import chunks: ride out a short throttle, hand long ones back to the queue. */
const CONSUMER_WAIT_MS = 5_000;
const SOURCE = "queue:halo.webhook";
export const DNC_LIST = "dnc_list";
/** A lead whose HaloPSA record was deleted, under `on_deleted: "skip"`. */
export const DELETED_STATUS = "deleted_in_halopsa";

type Event = HaloWebhookMessage["events"][number];

interface Run {
  db: Db;
  config: IntegrationConfig;
  now: Date;
  audit: AuditEntry[];
  statements: Statement[];
  outcomes: Map<string, string>;
  tagWrites: HaloRecordUpdate[];
  /** Objects LeadBridge did not write, logged once the run has done its work. */
  unknown: { what: "ticket" | "user"; ids: number[]; events: Event[] }[];
  dnc: {
    row: LeadRow;
    signal: DncSignal;
    ticketId: number;
    tagWritten: boolean;
    lists: string[];
  }[];
}

/**
 * Applies accepted HaloPSA deliveries (POST /webhooks/halopsa): the tickets they name are re-read
 * through HaloGate, 100 per call (`ticketids`) — the payload is never trusted alone — and
 * LeadBridge's record follows HaloPSA, the system of record: lifecycle stage and status, fields
 * edited by hand, deletions, and Do-Not-Contact (suppressions with origin `halopsa`, the
 * `dnc_list` segment and ticket tag). Re-running a message repeats no effect that matters:
 * suppressions and list membership are idempotent.
 */
export async function processHaloWebhook(
  env: Env,
  message: HaloWebhookMessage,
  now: Date,
): Promise<void> {
  const db = database(env.DB);
  const { config } = await loadConfig(db);
  const port = haloPort(env, config, { maxWaitMs: CONSUMER_WAIT_MS });
  const run: Run = {
    db,
    config,
    now,
    audit: [],
    statements: [],
    outcomes: new Map(),
    tagWrites: [],
    unknown: [],
    dnc: [],
  };
  await applyTickets(
    run,
    port,
    message.events.filter((e) => e.kind === "ticket"),
  );
  await applyUsers(
    run,
    port,
    message.events.filter((e) => e.kind === "user"),
  );
  // Suppressions first: blocking re-imports matters most, and they are idempotent on a retry.
  for (const d of run.dnc) await suppress(run, d);
  if (run.tagWrites.length > 0) await port.createTickets(run.tagWrites);
  const at = now.toISOString();
  await runBatch(db, [
    ...run.statements,
    ...auditStatements(db, run.audit, now),
    ...markDeliveriesStatements(db, run.outcomes, at),
  ]);
  // Last, so a message re-run after a throttle does not log the same deliveries twice.
  for (const u of run.unknown) await logUnknown(run, u.what, u.ids, u.events);
}

function byObject(events: Event[]): Map<number, Event[]> {
  const out = new Map<number, Event[]>();
  for (const e of events) out.set(e.object_id, [...(out.get(e.object_id) ?? []), e]);
  return out;
}

function noteUnknown(run: Run, what: "ticket" | "user", ids: number[], events: Event[]) {
  for (const e of events) run.outcomes.set(e.delivery_id, `unknown_${what}`);
  run.unknown.push({ what, ids, events });
}

async function logUnknown(run: Run, what: string, ids: number[], events: Event[]) {
  await recordError(
    run.db,
    {
      level: "warning",
      code: `HALO_WEBHOOK_UNKNOWN_${what.toUpperCase()}`,
      message: `HaloPSA sent events for ${what}s LeadBridge did not write: ${ids.join(", ")}`,
      source: SOURCE,
      detail: { [`${what}_ids`]: ids, delivery_ids: events.map((e) => e.delivery_id) },
    },
    run.now,
  );
}

async function applyTickets(run: Run, port: HaloPort, events: Event[]): Promise<void> {
  if (events.length === 0) return;
  const wanted = byObject(events);
  const rows = await findLeadsByTicketIds(run.db, [...wanted.keys()]);
  const byTicket = new Map(
    rows.flatMap((r) => (r.haloTicketId === null ? [] : [[r.haloTicketId, r] as const])),
  );
  const unknown = [...wanted.keys()].filter((id) => !byTicket.has(id));
  if (unknown.length > 0)
    noteUnknown(
      run,
      "ticket",
      unknown,
      unknown.flatMap((id) => wanted.get(id) ?? []),
    );
  if (byTicket.size === 0) return;
  const views = await port.getTickets([...byTicket.keys()]);
  for (const [ticketId, row] of byTicket) {
    const evs = wanted.get(ticketId) ?? [];
    const view = views.get(ticketId);
    if (view) applyTicket(run, row, view, evs);
    else deleted(run, row, "ticket", ticketId, evs);
  }
}

function applyTicket(run: Run, row: LeadRow, view: HaloTicketView, events: Event[]): void {
  const { lifecycle, custom_fields } = run.config.halopsa;
  const reading = readTicket(
    { stage: row.stage, status: row.status, written: row.written as FieldMap, haloSeen: seen(row) },
    view,
    lifecycle,
    custom_fields,
  );
  const deliveryIds = events.map((e) => e.delivery_id);
  const patch: Parameters<typeof updateLeadStatement>[2] = {};
  if (reading.state && reading.stateChanged) {
    const from = { stage: row.stage, status: row.status };
    patch.stage = reading.state.stage;
    patch.status = reading.state.status;
    const judged = judgeTransition(from, reading.state);
    // `lead.external_transition` announces `lead.status_changed` (observed in HaloPSA).
    run.audit.push({
      actor: HALO_WEBHOOK_ACTOR,
      action: "lead.external_transition",
      entity: "lead",
      entityId: row.id,
      leadId: row.id,
      rule: judged.rule,
      detail: {
        from,
        to: reading.state,
        legal: judged.allowed === null,
        ...(judged.allowed ? { allowed: judged.allowed } : {}),
        halopsa: { ticket_id: view.id },
        delivery_ids: deliveryIds,
      },
    });
  } else if (!reading.state) {
    run.audit.push({
      actor: HALO_WEBHOOK_ACTOR,
      action: "lead.status_unmapped",
      entity: "lead",
      entityId: row.id,
      leadId: row.id,
      rule: "unknown_ticket_type",
      detail: {
        tickettype_id: view.tickettype_id,
        status_id: view.status_id,
        ticket_id: view.id,
        delivery_ids: deliveryIds,
      },
    });
  }
  if (reading.editedFields.length > 0 || !sameKeys(seen(row), reading.haloSeen)) {
    patch.haloSeen = reading.haloSeen;
    if (reading.editedFields.length > 0) {
      run.audit.push({
        actor: HALO_WEBHOOK_ACTOR,
        action: "lead.edited_in_halopsa",
        entity: "lead",
        entityId: row.id,
        leadId: row.id,
        rule: "manual_edit",
        detail: { fields: reading.editedFields, ticket_id: view.id, delivery_ids: deliveryIds },
      });
    }
  }
  if (reading.dnc) {
    const tagWritten = !view.tags.includes(DNC_LIST);
    if (tagWritten) {
      run.tagWrites.push({ id: view.id, tags: [...view.tags, DNC_LIST].map((text) => ({ text })) });
    }
    const lists = row.lists.includes(DNC_LIST) ? row.lists : [...row.lists, DNC_LIST];
    if (lists !== row.lists) {
      patch.lists = lists;
      run.statements.push(...replaceListsStatements(run.db, row.id, lists, run.now.toISOString()));
    }
    run.dnc.push({ row, signal: reading.dnc, ticketId: view.id, tagWritten, lists });
  }
  if (Object.keys(patch).length > 0) {
    patch.updatedAt = run.now.toISOString();
    run.statements.push(updateLeadStatement(run.db, row.id, patch));
  }
  for (const id of deliveryIds) run.outcomes.set(id, "applied");
}

/**
 * A record LeadBridge wrote is gone from HaloPSA. `on_deleted: "recreate"`: a deleted ticket is
 * forgotten, so the person's next import writes a new one for their user; a deleted user is
 * re-created by that import's merge, which finds it missing. `"skip"`: the lead is marked
 * `deleted_in_halopsa` and imports leave it alone. Either way the audit says so.
 */
function deleted(run: Run, row: LeadRow, entity: "ticket" | "user", id: number, events: Event[]) {
  const policy = run.config.halopsa.on_deleted;
  const patch: Parameters<typeof updateLeadStatement>[2] = { updatedAt: run.now.toISOString() };
  if (policy === "skip") patch.status = DELETED_STATUS;
  else if (entity === "ticket") patch.haloTicketId = null;
  run.statements.push(updateLeadStatement(run.db, row.id, patch));
  run.audit.push({
    actor: HALO_WEBHOOK_ACTOR,
    action: "lead.deleted_in_halopsa",
    entity: "lead",
    entityId: row.id,
    leadId: row.id,
    rule: `on_deleted:${policy}`,
    detail: {
      entity,
      [`${entity}_id`]: id,
      events: [...new Set(events.map((e) => e.event))],
      delivery_ids: events.map((e) => e.delivery_id),
    },
  });
  for (const e of events) run.outcomes.set(e.delivery_id, `${entity}_deleted`);
}

/** User events: read through the port's user reads (paged where it can); rarer than tickets. */
async function applyUsers(run: Run, port: HaloPort, events: Event[]): Promise<void> {
  if (events.length === 0) return;
  const wanted = byObject(events);
  const rows = await findLeadsByUserIds(run.db, [...wanted.keys()]);
  const byUser = new Map(
    rows.flatMap((r) => (r.haloUserId === null ? [] : [[r.haloUserId, r] as const])),
  );
  const unknown = [...wanted.keys()].filter((id) => !byUser.has(id));
  if (unknown.length > 0)
    noteUnknown(
      run,
      "user",
      unknown,
      unknown.flatMap((id) => wanted.get(id) ?? []),
    );
  if (byUser.size === 0) return;
  const views = await port.getUsers(
    [...byUser].map(([id, row]) => ({ id, clientId: row.haloClientId })),
  );
  for (const [userId, row] of byUser) {
    const evs = wanted.get(userId) ?? [];
    const view = views.get(userId);
    if (!view) {
      deleted(run, row, "user", userId, evs);
      continue;
    }
    const reading = readUser(row.written as FieldMap, seen(row), view);
    if (reading.editedFields.length > 0 || !sameKeys(seen(row), reading.haloSeen)) {
      run.statements.push(
        updateLeadStatement(run.db, row.id, {
          haloSeen: reading.haloSeen,
          updatedAt: run.now.toISOString(),
        }),
      );
    }
    if (reading.editedFields.length > 0) {
      run.audit.push({
        actor: HALO_WEBHOOK_ACTOR,
        action: "lead.edited_in_halopsa",
        entity: "lead",
        entityId: row.id,
        leadId: row.id,
        rule: "manual_edit",
        detail: {
          fields: reading.editedFields,
          user_id: userId,
          delivery_ids: evs.map((e) => e.delivery_id),
        },
      });
    }
    for (const e of evs) run.outcomes.set(e.delivery_id, "applied");
  }
}

/**
 * The person's email and phones become suppressions with origin `halopsa` — through the same
 * repository call as POST /suppressions, so whatever follows a new suppression follows these
 * too — each committed with its `suppression.added` audit entry in one batch (the entry is
 * written only if that batch created the suppression), so no crash leaves an unaudited entry.
 */
async function suppress(run: Run, d: Run["dnc"][number]): Promise<void> {
  const reason =
    d.signal === "custom_field" ? "halopsa_do_not_contact_field" : "halopsa_do_not_contact_status";
  const added: string[] = [];
  const existing: string[] = [];
  for (const key of dncKeys(d.row)) {
    const { row, created } = await addSuppression(
      run.db,
      { ...key, reason, origin: "halopsa", createdBy: HALO_WEBHOOK_ACTOR },
      run.now,
      (id) => ({
        actor: HALO_WEBHOOK_ACTOR,
        action: "suppression.added",
        entity: "suppression",
        entityId: id,
        leadId: d.row.id,
        rule: "halopsa_dnc",
        detail: {
          kind: key.kind,
          value: key.value,
          reason,
          origin: "halopsa",
          ticket_id: d.ticketId,
        },
      }),
    );
    (created ? added : existing).push(row.id);
  }
  const listAdded = !d.row.lists.includes(DNC_LIST);
  if (added.length > 0 || listAdded || d.tagWritten) {
    run.audit.push({
      actor: HALO_WEBHOOK_ACTOR,
      action: "lead.do_not_contact",
      entity: "lead",
      entityId: d.row.id,
      leadId: d.row.id,
      rule: "halopsa_dnc",
      detail: {
        signal: d.signal,
        ticket_id: d.ticketId,
        suppressions_added: added,
        suppressions_existing: existing,
        list_added: listAdded ? DNC_LIST : null,
        tag_written: d.tagWritten ? DNC_LIST : null,
      },
    });
  }
}

function seen(row: LeadRow): FieldMap | null {
  return (row.haloSeen as FieldMap | null) ?? null;
}

function sameKeys(a: FieldMap | null, b: FieldMap): boolean {
  const x = a ?? {};
  const keys = new Set([...Object.keys(x), ...Object.keys(b)]);
  for (const k of keys) if (x[k] !== b[k]) return false;
  return true;
}
