import type { AuditEntry } from "../db/audit";
import type { Statement } from "../db/batch";
import {
  loadSources,
  replaceListsStatements,
  saveSourceStatement,
  updateLeadStatement,
} from "../db/leads-repo";
import { decideImport } from "../domain/decision";
import type { FieldMap } from "../domain/halo-mapping";
import { smartMerge } from "../domain/merge";
import { combine } from "./combine";
import type { ImportContext } from "./context";
import { currentFieldMap, toHaloUpdates } from "./field-views";
import type { HaloRecordUpdate, HaloTicketView, HaloUserView } from "./halo-port";
import { emptyOutcome, type ImportOutcome } from "./outcome";
import { buildPersonFields, type PersonFields } from "./payloads";
import { stageOf } from "./stage";
import type { WorkItem } from "./work-item";

/**
 * Merges people LeadBridge already wrote into HaloPSA. The stored records of every provider are
 * combined by the seed's precedence, HaloPSA's current user and ticket are read (two list calls
 * per batch), and the smart merge decides field by field: manual edits, protected fields and
 * leads that moved past "Researching" are preserved, and the audit log says why.
 */
export interface MergePlan {
  outcomes: ImportOutcome[];
  audit: AuditEntry[];
  /** Updates to send with the batch's creates (one array POST per entity). */
  users: HaloRecordUpdate[];
  tickets: HaloRecordUpdate[];
  /** D1 changes to commit once HaloPSA has taken the updates. */
  statements: Statement[];
  /**
   * People whose user or ticket was deleted in HaloPSA, under `on_deleted: "recreate"`: their
   * row forgets the deleted ids and they go through the create path again.
   */
  recreate: WorkItem[];
}

export async function mergeLeads(ctx: ImportContext, items: WorkItem[]): Promise<MergePlan> {
  if (items.length === 0)
    return { outcomes: [], audit: [], users: [], tickets: [], statements: [], recreate: [] };
  const halo = ctx.halo;
  const ids = ctx.config.halopsa.custom_fields;
  const lifecycle = ctx.config.halopsa.lifecycle;
  const policies = ctx.config.merge.field_policies;
  const at = ctx.now.toISOString();
  const update_existing = ctx.options.update_existing && ctx.options.deduplication;

  const sources = await loadSources(
    ctx.db,
    items.flatMap((it) => (it.existing ? [it.existing.id] : [])),
  );
  // First plan every merge against what LeadBridge last wrote, as if nobody had touched the
  // records since. A record with nothing new to write costs no HaloPSA call at all; only the
  // rest are read back (tickets 100 per call; users, where a user field would change, in pages
  // of 100 — see the adapter's getUsersByIds), so
  // the real merge sees manual edits and moved-on stages before anything is written.
  const planned = items.flatMap((it) => {
    const row = it.existing;
    if (!row) return [];
    const lead = combine(it.lead, it.sourceRecords, sources.get(row.id) ?? []);
    const built = withCreationDetails(
      buildPersonFields(lead, it.score, row.id, ctx.config, ctx.options, ctx.now),
      row.written as FieldMap,
    );
    const plan = smartMerge({
      // What HaloPSA last told us it holds (webhooks, src/halo-inbound) over what we wrote: a
      // manual edit it reported is preserved here without reading the record back.
      current: { ...(row.written as FieldMap), ...((row.haloSeen as FieldMap | null) ?? {}) },
      lastWritten: row.written as FieldMap,
      incoming: built.personFields,
      ticket: storedTicketState(ctx, row.stage, row.status),
      lifecycle,
      options: { update_existing },
      policies,
    });
    return [{ it, row, lead, built, plan }];
  });
  const toRead = halo ? planned.filter((p) => p.plan.fields_updated.length > 0) : [];
  const readsUser = (p: (typeof planned)[number]) =>
    toRead.includes(p) && p.plan.fields_updated.some((f) => f.startsWith("user."));
  const [tickets, users] = halo
    ? await Promise.all([
        halo.getTickets(
          toRead.flatMap((p) => (p.row.haloTicketId === null ? [] : [p.row.haloTicketId])),
        ),
        halo.getUsers(
          planned
            .filter(readsUser)
            .flatMap((p) =>
              p.row.haloUserId === null
                ? []
                : [{ id: p.row.haloUserId, clientId: p.row.haloClientId }],
            ),
        ),
      ])
    : [new Map<number, HaloTicketView>(), new Map<number, HaloUserView>()];

  const outcomes: ImportOutcome[] = [];
  const audit: AuditEntry[] = [];
  const userUpdates: HaloRecordUpdate[] = [];
  const ticketUpdates: HaloRecordUpdate[] = [];
  // D1 is only told about merges once HaloPSA has taken them (see importLeads).
  const statements: Statement[] = [];
  const recreate: WorkItem[] = [];

  for (const p of planned) {
    const { it, row, lead, built, plan } = p;
    const ticket = row.haloTicketId === null ? undefined : tickets.get(row.haloTicketId);
    const user = row.haloUserId === null ? undefined : users.get(row.haloUserId);
    const wasRead = ticket !== undefined;
    // Asked for and not there: deleted in HaloPSA (a read answered 404, or the list left it out).
    const gone = [
      ...(readsUser(p) && user === undefined ? (["user"] as const) : []),
      ...(toRead.includes(p) && !wasRead ? (["ticket"] as const) : []),
    ];
    if (gone.length > 0 && ctx.config.halopsa.on_deleted === "recreate") {
      it.recreated = {
        gone: [...gone],
        previous: { user_id: row.haloUserId, ticket_id: row.haloTicketId },
      };
      // The lead is written again as a new person, keeping what survived; a ticket that
      // survived its user is moved to the new user (create-phases.ts).
      it.existing = {
        ...row,
        haloUserId: gone.includes("user") ? null : row.haloUserId,
        haloTicketId: gone.includes("ticket") ? null : row.haloTicketId,
      };
      recreate.push(it);
      continue;
    }
    // Unread records stand as LeadBridge last wrote them (the plan already found nothing to do,
    // or, for an unread user, no user field to change).
    const ticketState = ticket ?? storedTicketState(ctx, row.stage, row.status);
    const merge = wasRead
      ? smartMerge({
          current: {
            ...(user ? {} : withPrefix(row.written as FieldMap, "user.")),
            ...currentFieldMap(user, ticket, ids),
          },
          lastWritten: row.written as FieldMap,
          incoming: built.personFields,
          ticket: ticketState,
          lifecycle,
          options: { update_existing },
          policies,
        })
      : plan;
    // Deleted in HaloPSA under `on_deleted: "skip"`: somebody's decision is kept, nothing is
    // merged into what is left, and the audit says why.
    const decision =
      gone.length > 0
        ? {
            action: "preserve" as const,
            reasons: gone.map((entity) => ({
              code: `halopsa_${entity}_missing`,
              message: `the lead's ${entity} no longer exists in HaloPSA`,
            })),
          }
        : decideImport({
            validation: { ok: true, dedupKey: it.dedupKey },
            suppression: [],
            existing: { ticket: ticketState },
            merge,
            lifecycle,
            options: { update_existing },
          });
    const action = decision.action === "update" ? "updated" : "preserved";
    const state = stageOf(lifecycle, ticketState.tickettype_id, ticketState.status_id);

    if (decision.action === "update" && halo) {
      const { user: u, ticket: t } = toHaloUpdates(merge.updates, ids);
      if (Object.keys(u).length > 0 && row.haloUserId !== null)
        userUpdates.push({ id: row.haloUserId, ...u });
      const tags = mergedTags(ticket?.tags ?? [], built.lists);
      if (tags) t.tags = tags;
      if (Object.keys(t).length > 0 && row.haloTicketId !== null)
        ticketUpdates.push({ id: row.haloTicketId, ...t });
    }

    const written = { ...row.written, ...(decision.action === "update" ? merge.updates : {}) };
    // A field just written holds our value again: it is no longer a manual edit.
    const haloSeen = Object.fromEntries(
      Object.entries(row.haloSeen ?? {}).filter(
        ([field]) => !(decision.action === "update" && field in merge.updates),
      ),
    );
    statements.push(
      updateLeadStatement(ctx.db, row.id, {
        canonical: lead,
        qualityScore: it.score,
        sources: [...new Set([...row.sources, it.lead.provenance.source])],
        lists: built.lists,
        stage: state.stage === "unknown" ? row.stage : state.stage,
        status: state.status,
        written,
        haloSeen,
        updatedAt: at,
      }),
      ...(it.sourceRecords ?? [it.lead]).map((record) =>
        saveSourceStatement(ctx.db, {
          leadId: row.id,
          source: record.provenance.source,
          record,
          receivedAt: at,
        }),
      ),
      ...replaceListsStatements(ctx.db, row.id, built.lists, at),
    );

    const decisions = merge.decisions
      .filter((d) => d.action !== "keep")
      .map((d) => ({ field: d.field, action: d.action, rule: d.rule }));
    const actionsTaken = [
      ...it.actions,
      decision.action === "update" ? "lead_updated" : "lead_preserved",
      ...(merge.manual_work_detected ? ["manual_work_preserved"] : []),
    ];
    it.indexes.forEach((index) => {
      const o = emptyOutcome(index, action);
      o.lead_id = row.id;
      o.halopsa = {
        client_id: row.haloClientId,
        site_id: row.haloSiteId,
        user_id: row.haloUserId,
        ticket_id: row.haloTicketId,
      };
      o.actions_taken = actionsTaken;
      o.quality_score = it.score;
      o.lists = built.lists;
      o.fields_updated = decision.action === "update" ? merge.fields_updated : [];
      o.fields_preserved = merge.fields_preserved;
      o.reasons = decision.reasons;
      o.issues = it.warnings;
      outcomes.push(o);
    });
    audit.push({
      actor: ctx.actor,
      action: `lead.${action}`,
      entity: "lead",
      entityId: row.id,
      leadId: row.id,
      rule: decision.reasons[0]?.code ?? "smart_merge",
      detail: {
        source: it.lead.provenance.source,
        fields_updated: decision.action === "update" ? merge.fields_updated : [],
        fields_preserved: merge.fields_preserved,
        decisions,
        reasons: decision.reasons,
        stage_advanced: merge.stage_advanced,
        manual_work_detected: merge.manual_work_detected,
        indexes: it.indexes,
        // Someone moved the ticket in HaloPSA since we last looked (lead.status_changed).
        ...(wasRead &&
        state.stage !== "unknown" &&
        (state.stage !== row.stage || state.status !== row.status)
          ? {
              status_change: {
                from: { stage: row.stage, status: row.status },
                to: { stage: state.stage, status: state.status },
              },
            }
          : {}),
      },
      requestId: ctx.requestId,
    });
  }

  return { outcomes, audit, users: userUpdates, tickets: ticketUpdates, statements, recreate };
}

/** Our list tags are added to the ticket's tags; a tag someone added by hand is never removed. */
function mergedTags(current: string[], lists: string[]): { text: string }[] | null {
  const missing = lists.filter((l) => !current.includes(l));
  if (missing.length === 0) return null;
  return [...current, ...missing].map((text) => ({ text }));
}

function withPrefix(map: FieldMap, prefix: string): FieldMap {
  return Object.fromEntries(Object.entries(map).filter(([k]) => k.startsWith(prefix)));
}

function storedTicketState(
  ctx: ImportContext,
  stage: string,
  status: string,
): { tickettype_id: number; status_id: number } {
  const lc = ctx.config.halopsa.lifecycle;
  const ids =
    stage === "prospect" ? lc.prospect : stage === "opportunity" ? lc.opportunity : lc.lead;
  const statuses: Record<string, number> = ids.statuses;
  return {
    tickettype_id: ids.ticket_type_id,
    status_id: statuses[status] ?? lc.lead.statuses.new_lead,
  };
}

/**
 * The ticket's details are its dated creation note (seed: "Lead imported from … on <date>") and
 * a protected field: a merge never rewrites them. Built afresh they would carry today's date, so
 * every identical re-import would "preserve" them against LeadBridge's own text and earn a merge
 * note, a HaloPSA call that says nothing. A merge offers the note LeadBridge wrote instead.
 */
function withCreationDetails(built: PersonFields, written: FieldMap): PersonFields {
  const details = written["ticket.details"];
  if (details === undefined) return built;
  return { ...built, personFields: { ...built.personFields, "ticket.details": details } };
}
