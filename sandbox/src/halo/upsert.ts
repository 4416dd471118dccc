import type { TenantContext } from "./context";
import type { EntityDef } from "./entities";
import type { Knobs } from "./knobs";
import { CLOSED_STATUS_IDS, FIELD_INFO_BY_ID } from "./lookups";
import type { StoredCustomField } from "./render";
import { type Issues, type SanitizedItem, sanitizeItem } from "./sanitize";
import type { HaloRecord } from "./store";

export interface TicketChange {
  kind: "created" | "updated";
  statusChanged: boolean;
  ticket: HaloRecord;
}

export type UpsertResult =
  | { ok: true; saved: HaloRecord[]; changes: TicketChange[] }
  | { ok: false; issues: Issues; missingId: boolean };

function mergeCustomFields(
  existing: unknown,
  writes: { id: number; value: unknown }[],
  replace: boolean,
): StoredCustomField[] {
  // Ids FieldInfo does not know are dropped, as Halo has nowhere to store them.
  const known = writes.filter((w) => FIELD_INFO_BY_ID.has(w.id));
  if (replace) return known.map((w) => ({ id: w.id, value: w.value }));
  const out: StoredCustomField[] = Array.isArray(existing)
    ? (existing as StoredCustomField[]).map((cf) => ({ ...cf }))
    : [];
  for (const w of known) {
    const slot = out.find((cf) => cf.id === w.id);
    if (slot) slot.value = w.value;
    else out.push({ id: w.id, value: w.value });
  }
  return out.sort((a, b) => a.id - b.id);
}

/**
 * Array upsert, as every HaloPSA POST /api/<Entity> works: no id (or id <= 0) creates, an existing
 * id merges into the stored record (halopsa-api.md §3.1). The batch is validated first and
 * written only if every item is valid, so a 400 never leaves half a batch behind.
 */
export function upsert(
  t: TenantContext,
  def: EntityDef,
  items: unknown[],
  knobs: Knobs,
): UpsertResult {
  const issues: Issues = {};
  let missingId = false;
  const nowIso = new Date(t.now(knobs)).toISOString();
  const planned: { record: Record<string, unknown>; isCreate: boolean; before?: HaloRecord }[] = [];

  items.forEach((item, index) => {
    const path = `[${index}]`;
    const clean: SanitizedItem | undefined = sanitizeItem(def.entity, item, index, issues);
    if (!clean) return;
    const { id, ...fields } = clean.fields;
    const isCreate = typeof id !== "number" || id <= 0;
    let before: HaloRecord | undefined;
    if (!isCreate) {
      before = t.store.get(def.entity, id);
      if (!before) {
        missingId = true;
        issues[`${path}.id`] = `No ${def.envelope} record with id ${id}.`;
        return;
      }
    }
    const record: Record<string, unknown> = { ...(before ?? {}), ...fields };
    if (clean.customfields) {
      record.customfields = mergeCustomFields(
        before?.customfields,
        clean.customfields,
        knobs.customfields_replace,
      );
    }
    if (clean.tags) record.tags = clean.tags;
    def.fill(record, { store: t.store, nowIso, isCreate, path, issues });
    planned.push({ record, isCreate, before });
  });

  if (Object.keys(issues).length > 0) return { ok: false, issues, missingId };

  const saved: HaloRecord[] = [];
  const changes: TicketChange[] = [];
  for (const p of planned) {
    if (p.record.tags)
      p.record.tags = t.tags.resolve(p.record.tags as { text?: string; id?: number }[]);
    const id = p.before?.id ?? t.store.nextId(def.entity);
    // id first, as Halo serialises it.
    const { id: _ignored, ...rest } = p.record;
    const record: HaloRecord = { id, ...rest };
    t.store.put(def.entity, record);
    saved.push(record);
    if (def.entity === "tickets") {
      changes.push({
        kind: p.isCreate ? "created" : "updated",
        statusChanged: !p.isCreate && p.before?.status_id !== record.status_id,
        ticket: record,
      });
    }
  }

  // An action with new_status moves its ticket, as a status-changing note does in Halo.
  if (def.entity === "actions") {
    for (const action of saved) {
      const ticket =
        typeof action.ticket_id === "number" ? t.store.get("tickets", action.ticket_id) : undefined;
      if (
        ticket &&
        typeof action.new_status === "number" &&
        action.new_status !== ticket.status_id
      ) {
        const updated: HaloRecord = {
          ...ticket,
          status_id: action.new_status,
          hasbeenclosed: CLOSED_STATUS_IDS.has(action.new_status),
          last_update: nowIso,
        };
        t.store.put("tickets", updated);
        changes.push({ kind: "updated", statusChanged: true, ticket: updated });
      }
    }
  }
  return { ok: true, saved, changes };
}
