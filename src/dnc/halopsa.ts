import type { IntegrationConfig } from "../config/schema";
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
import type { TicketWrite } from "../halo/writes";

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
  const tickets: TicketWrite[] = withTicket.map(({ lead }) => ({
    id: lead.haloTicketId ?? undefined,
    // Only the lead stage moves; later stages keep their status and get the flag.
    ...(lead.stage === "lead" ? { status_id: dncStatus } : {}),
    ...(h.custom_fields_enabled
      ? { customfields: [{ id: h.custom_fields.do_not_contact, value: true }] }
      : {}),
    // The tags mirror the lead's lists, so the whole set is sent with dnc_list added.
    tags: withDnc(lead.lists).map((text) => ({ text })),
  }));

  let error: unknown = null;
  try {
    if (tickets.length > 0) await upsertTickets(halo, tickets, { chunkSize: PER_POST });
    const notes = withTicket.map(({ lead, entries: es }) => ({
      ticket_id: lead.haloTicketId ?? 0,
      note: dncNote(es),
      hiddenfromuser: true,
      sendemail: false,
    }));
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
    const moved = lead.stage === "lead";
    statements.push(
      updateLeadStatement(db, lead.id, {
        ...(moved ? { status: "do_not_contact" } : {}),
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
      rule: moved ? "dnc_status_set" : "dnc_flag_only_past_lead_stage",
      detail: {
        suppression_ids: es.map((s) => s.id),
        origins: [...new Set(es.map((s) => s.origin))],
        stage: lead.stage,
        status_from: lead.status,
        status_to: moved ? "do_not_contact" : lead.status,
        halopsa_ticket_id: lead.haloTicketId,
        custom_field_set: h.custom_fields_enabled,
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
    const parts = ids.map(
      (p) =>
        `ticket ${p.haloTicketId}: ${p.stage === "lead" ? "status Do Not Contact" : `${p.stage}, flagged not moved`}`,
    );
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

function withDnc(lists: string[]): string[] {
  return lists.includes(DNC_LIST) ? lists : [...lists, DNC_LIST];
}
