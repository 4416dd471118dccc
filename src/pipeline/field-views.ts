import type { CustomFieldIds } from "../config/schema";
import type { FieldMap } from "../domain/halo-mapping";
import type { HaloTicketView, HaloUserView } from "./halo-port";

/**
 * HaloPSA's current user and ticket as the smart merge's flat "entity.field" map, custom fields
 * translated from the tenant's ids back to our keys.
 */
export function currentFieldMap(
  user: HaloUserView | undefined,
  ticket: HaloTicketView | undefined,
  ids: CustomFieldIds,
): FieldMap {
  const out: FieldMap = {};
  for (const [k, v] of Object.entries(user?.fields ?? {})) out[`user.${k}`] = v;
  for (const [k, v] of Object.entries(ticket?.fields ?? {})) out[`ticket.${k}`] = v;
  if (ticket) {
    out["ticket.tickettype_id"] = ticket.tickettype_id;
    out["ticket.status_id"] = ticket.status_id;
    for (const [key, id] of Object.entries(ids)) {
      if (id in ticket.customfields) out[`ticket.cf.${key}`] = ticket.customfields[id] ?? null;
    }
  }
  return out;
}

/** Splits merge updates into HaloPSA update records for the user and the ticket. */
export function toHaloUpdates(
  updates: FieldMap,
  ids: CustomFieldIds,
): { user: Record<string, unknown>; ticket: Record<string, unknown> } {
  const user: Record<string, unknown> = {};
  const ticket: Record<string, unknown> = {};
  const customfields: { id: number; value: unknown }[] = [];
  for (const [field, value] of Object.entries(updates)) {
    if (field.startsWith("user.")) user[field.slice(5)] = value;
    else if (field.startsWith("ticket.cf.")) {
      const id = ids[field.slice(10) as keyof CustomFieldIds];
      if (id !== undefined) customfields.push({ id, value });
    } else if (field.startsWith("ticket.")) ticket[field.slice(7)] = value;
  }
  if (customfields.length > 0) ticket.customfields = customfields;
  return { user, ticket };
}
