import type { IntegrationConfig, Stage } from "../config/schema";
import type { AuditEntry } from "../db/audit";
import type { Statement } from "../db/batch";
import type { Db } from "../db/client";
import { updateLeadStatement } from "../db/leads-repo";
import {
  addToListStatements,
  leadsForSuppressions,
  type PropagationResult,
  type SuppressedLead,
  type SuppressionRowForPush,
} from "../db/propagations-repo";
import { addActions } from "../halo/resources/actions";
import { upsertTickets } from "../halo/resources/tickets";
import type { Halo } from "../halo/transport";
import type { ActionWrite, TicketWrite } from "../halo/writes";
import { getTicketsByIds } from "../pipeline/halo-adapter";
import { stageOf } from "../pipeline/stage";

/** HaloPSA's array POSTs take 100 records (halopsa-api.md §6.5): one POST per 100 tickets. */
const PER_POST = 100;
const DNC_LIST = "dnc_list";

const ORIGIN_LABEL: Record<string, string> = {
  api: "the LeadBridge API",
  apollo: "Apollo (contact opt-out flags or Do Not Contact stage)",
  zoominfo: "ZoomInfo (Do-Not-Call / Do-Not-Email flags or compliance)",
  hunter: "Hunter (HTTP 451 claimed_email)",
  halopsa: "HaloPSA",
};

/** The private note on the ticket; deterministic, so a retried POST finds it instead of adding one. */
export function dncNote(entries: SuppressionRowForPush[]): string {
  const lines = entries.map(
    (s) =>
      `${s.kind} ${s.value} is on LeadBridge's Do-Not-Contact list, from ${ORIGIN_LABEL[s.origin] ?? s.origin}` +
      `${s.reason ? ` (${s.reason})` : ""}, since ${s.createdAt} [${s.id}].`,
  );
  return `Do Not Contact — set by LeadBridge.\n${lines.join("\n")}`;
}

interface Flagged {
  lead: SuppressedLead;
  entries: SuppressionRowForPush[];
}

export interface HaloStepResult {
  results: PropagationResult[];
  statements: Statement[];
  audit: AuditEntry[];
  /** HaloPSA refused for now (throttle, outage): the rows go back to pending. */
  error: unknown;
}

/**
 * DNC into HaloPSA for the claimed suppressions: every HaloPSA ticket of the people they cover
 * gets CF do_not_contact = true, the `dnc_list` tag (added to the lists it mirrors) and, while
 * the person is still a lead, the lead status Do Not Contact — a prospect or opportunity is
 * flagged, not moved — in one ticket POST per 100 tickets, then one private note (Action) per
 * ticket, again 100 per POST. Locally the same people get the status and list (the statements
 * are committed by the caller with the results and the audit, in one batch).
 */
export async function pushToHalo(
  db: Db,
  halo: Halo,
  config: IntegrationConfig,
  entries: SuppressionRowForPush[],
  actor: string,
  now: Date,
  /** An earlier attempt may have posted some notes: look them up before posting again. */
  retry = false,
): Promise<HaloStepResult> {
  const byLead = new Map<string, Flagged>();
  const covered = await leadsForSuppressions(db, entries);
  for (const s of entries) {
    for (const lead of covered.get(s.id) ?? []) {
      const f = byLead.get(lead.id) ?? { lead, entries: [] };
      f.entries.push(s);
      byLead.set(lead.id, f);
    }
  }
  const flagged = [...byLead.values()];
  const withTicket = flagged.filter((f) => f.lead.haloTicketId !== null);
  const h = config.halopsa;
  const dncStatus = h.lifecycle.lead.statuses.do_not_contact;

  let error: unknown = null;
  const outcomes = new Map<string, TicketOutcome>();
  try {
    // HaloPSA is the system of record: read the tickets first (100 ids per GET), so tags added
    // there by hand are kept and a ticket moved past the lead stage there is not moved back.
    const current = await getTicketsByIds(
      halo,
      withTicket.map((f) => f.lead.haloTicketId ?? 0),
      [],
    );
    const tickets: TicketWrite[] = [];
    const notes: ActionWrite[] = [];
    for (const { lead, entries: es } of withTicket) {
      const id = lead.haloTicketId ?? 0;
      const seen = current.get(id);
      if (!seen) {
        // Deleted in HaloPSA: nothing to flag there, and a POST with its id would fail the batch.
        outcomes.set(lead.id, { ticketId: id, gone: true, moved: false, halo: null });
        continue;
      }
      const state = stageOf(h.lifecycle, seen.tickettype_id, seen.status_id);
      const moved = state.stage === "lead";
      outcomes.set(lead.id, { ticketId: id, gone: false, moved, halo: state });
      tickets.push({
        id,
        ...(moved ? { status_id: dncStatus } : {}),
        ...(h.custom_fields_enabled
          ? { customfields: [{ id: h.custom_fields.do_not_contact, value: true }] }
          : {}),
        // HaloPSA replaces the whole tag set: send what it holds now plus dnc_list.
        tags: withDnc(seen.tags).map((text) => ({ text })),
      });
      notes.push({ ticket_id: id, note: dncNote(es), hiddenfromuser: true, sendemail: false });
    }
    if (tickets.length > 0) await upsertTickets(halo, tickets, { chunkSize: PER_POST });
    // A retry may find its notes already posted: mayExist looks each one up first (a read per
    // ticket, so only when an earlier attempt may have posted them).
    if (notes.length > 0) await addActions(halo, notes, { chunkSize: PER_POST, mayExist: retry });
  } catch (err) {
    error = err;
  }
  if (error !== null) return { results: [], statements: [], audit: [], error };

  const at = now.toISOString();
  const statements: Statement[] = [];
  const audit: AuditEntry[] = [];
  for (const { lead, entries: es } of flagged) {
    const lists = withDnc(lead.lists);
    const out = outcomes.get(lead.id);
    // Without a HaloPSA ticket the local stage is all there is; with one, HaloPSA's stage wins.
    const seen = out?.halo ?? null;
    const followed = seen && seen.stage !== "unknown" ? seen.stage : null;
    const moved = out ? out.moved : lead.stage === "lead";
    const status = moved
      ? "do_not_contact"
      : seen && seen.stage !== "unknown"
        ? seen.status
        : lead.status;
    statements.push(
      updateLeadStatement(db, lead.id, {
        ...(followed !== null && followed !== lead.stage ? { stage: followed } : {}),
        ...(status !== lead.status ? { status } : {}),
        lists,
        updatedAt: at,
      }),
    );
    audit.push({
      actor,
      action: "lead.dnc_flagged",
      entity: "lead",
      entityId: lead.id,
      leadId: lead.id,
      rule: out?.gone
        ? "dnc_halopsa_ticket_missing"
        : moved
          ? "dnc_status_set"
          : "dnc_flag_only_past_lead_stage",
      detail: {
        suppression_ids: es.map((s) => s.id),
        origins: [...new Set(es.map((s) => s.origin))],
        stage: lead.stage,
        halopsa_stage: out?.halo?.stage ?? null,
        status_from: lead.status,
        status_to: status,
        halopsa_ticket_id: lead.haloTicketId,
        custom_field_set: h.custom_fields_enabled && out !== undefined && !out.gone,
        tag: DNC_LIST,
      },
    });
  }
  statements.push(
    ...addToListStatements(
      db,
      DNC_LIST,
      flagged.map((f) => f.lead.id),
      at,
    ),
  );
  const results: PropagationResult[] = entries.map((s) => {
    const people = covered.get(s.id) ?? [];
    const ids = people.flatMap((p) => (p.haloTicketId === null ? [] : [p]));
    if (ids.length === 0) {
      return {
        suppressionId: s.id,
        target: "halopsa",
        status: "skipped",
        detail:
          people.length === 0
            ? "no HaloPSA record of this person"
            : "the person has no HaloPSA ticket yet; flagged locally",
      };
    }
    const parts = ids.map((p) => {
      const out = outcomes.get(p.id);
      if (!out || out.gone) return `ticket ${p.haloTicketId}: no longer in HaloPSA, not written`;
      return `ticket ${p.haloTicketId}: ${out.moved ? "status Do Not Contact" : `${out.halo?.stage ?? "unknown"} in HaloPSA, flagged not moved`}`;
    });
    return {
      suppressionId: s.id,
      target: "halopsa",
      status: "done",
      detail:
        `CF ${h.custom_fields_enabled ? h.custom_fields.do_not_contact : "(custom fields off)"} = true, tag ${DNC_LIST}, note added; ${parts.join("; ")}`.slice(
          0,
          2000,
        ),
    };
  });
  return { results, statements, audit, error: null };
}

interface TicketOutcome {
  ticketId: number;
  /** The ticket is no longer in HaloPSA (deleted there): not written. */
  gone: boolean;
  /** HaloPSA said it is still a lead, so its status became Do Not Contact. */
  moved: boolean;
  /** Stage and status HaloPSA's ticket type and status say (read before writing). */
  halo: { stage: Stage | "unknown"; status: string } | null;
}

function withDnc(lists: string[]): string[] {
  return lists.includes(DNC_LIST) ? lists : [...lists, DNC_LIST];
}
