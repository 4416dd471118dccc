import type { CustomFieldIds, LifecycleIds, Stage } from "../config/schema";
import type { FieldMap } from "../domain/halo-mapping";
import { same } from "../domain/merge";
import { currentFieldMap } from "../pipeline/field-views";
import type { HaloTicketView, HaloUserView } from "../pipeline/halo-port";
import { stageOf } from "../pipeline/stage";

/**
 * What a HaloPSA ticket, as re-read after a webhook, says about a lead LeadBridge wrote — pure:
 * the caller reads and writes. HaloPSA is the system of record, so its state is taken as it
 * is (an illegal lifecycle jump is recorded, not refused); fields LeadBridge wrote and somebody
 * changed since are remembered (`halo_seen`) so the next merge preserves them without a read.
 */
export interface LeadSnapshot {
  stage: Stage;
  status: string;
  written: FieldMap;
  haloSeen: FieldMap | null;
}

export type DncSignal = "custom_field" | "status";

export interface TicketReading {
  /** The lifecycle state the ticket's type and status map to; null when the type is unknown. */
  state: { stage: Stage; status: string } | null;
  /** The state differs from the lead's. */
  stateChanged: boolean;
  /** The lead's `halo_seen` after this reading. */
  haloSeen: FieldMap;
  /** Fields whose HaloPSA value changed since last seen (now different from what we wrote). */
  editedFields: string[];
  /** Why the person is Do-Not-Contact in HaloPSA, or null. */
  dnc: DncSignal | null;
}

// Type and status become the lead's stage and status; they are not "manual edits" of fields.
const STATE_FIELDS = new Set(["ticket.tickettype_id", "ticket.status_id"]);

/** A checkbox custom field as HaloPSA may answer it: true, "true", 1, "1", "Yes". */
export function isTruthy(v: unknown): boolean {
  if (v === true || v === 1) return true;
  return typeof v === "string" && ["true", "1", "yes", "y", "on"].includes(v.trim().toLowerCase());
}

export function readTicket(
  lead: LeadSnapshot,
  ticket: HaloTicketView,
  lifecycle: LifecycleIds,
  customFields: CustomFieldIds,
): TicketReading {
  const mapped = stageOf(lifecycle, ticket.tickettype_id, ticket.status_id);
  const state = mapped.stage === "unknown" ? null : { stage: mapped.stage, status: mapped.status };
  const stateChanged =
    state !== null && (state.stage !== lead.stage || state.status !== lead.status);

  const current = currentFieldMap(undefined, ticket, customFields);
  const previous = lead.haloSeen ?? {};
  // User fields cannot be seen on a ticket: what was known about them stays.
  const haloSeen: FieldMap = Object.fromEntries(
    Object.entries(previous).filter(([field]) => !field.startsWith("ticket.")),
  );
  const editedFields: string[] = [];
  for (const [field, value] of Object.entries(current)) {
    if (STATE_FIELDS.has(field) || !(field in lead.written)) continue;
    if (same(value, lead.written[field])) continue;
    haloSeen[field] = value;
    if (!(field in previous) || !same(previous[field], value)) editedFields.push(field);
  }

  const dncStatus = lifecycle.lead.statuses.do_not_contact;
  const dnc: DncSignal | null = isTruthy(ticket.customfields[customFields.do_not_contact])
    ? "custom_field"
    : ticket.status_id === dncStatus
      ? "status"
      : null;
  return { state, stateChanged, haloSeen, editedFields: editedFields.sort(), dnc };
}

/** As `readTicket`, for a HaloPSA user (user fields only; users carry no lifecycle state). */
export function readUser(
  written: FieldMap,
  previous: FieldMap | null,
  user: HaloUserView,
): { haloSeen: FieldMap; editedFields: string[] } {
  const before = previous ?? {};
  const haloSeen: FieldMap = Object.fromEntries(
    Object.entries(before).filter(([field]) => !field.startsWith("user.")),
  );
  const editedFields: string[] = [];
  for (const [field, value] of Object.entries(currentFieldMap(user, undefined, {} as never))) {
    if (!(field in written) || same(value, written[field])) continue;
    haloSeen[field] = value;
    if (!(field in before) || !same(before[field], value)) editedFields.push(field);
  }
  return { haloSeen, editedFields: editedFields.sort() };
}
