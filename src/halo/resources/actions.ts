import { type Entity, type UpsertOptions, upsertEntity } from "../entity";
import { ActionRecord } from "../schemas";
import type { Halo } from "../transport";
import { ActionWrite } from "../writes";

/**
 * `/api/Actions` (notes on a ticket). Actions have no external key field, so the key is the
 * ticket id plus the exact note: after an uncertain POST the ticket's actions are listed and
 * compared, which is how a retry avoids a duplicate note.
 */
export const actions: Entity<ActionRecord, ActionWrite> = {
  path: "/api/Actions",
  key: "actions",
  record: ActionRecord,
  write: ActionWrite,
  keyField: "note",
  readKey: (r) =>
    typeof r.ticket_id === "number" && r.note ? `${r.ticket_id}:${r.note}` : undefined,
  writeKey: (w) => (w.note ? `${w.ticket_id}:${w.note}` : undefined),
  lookup: { kind: "scoped", param: "ticket_id", scope: (key) => key.slice(0, key.indexOf(":")) },
};

export const addActions = (
  halo: Halo,
  items: readonly ActionWrite[],
  options?: UpsertOptions<ActionRecord>,
) => upsertEntity(halo, actions, items, options);
