import { withDecimalIds } from "./json";
import { FIELD_INFO_BY_ID } from "./lookups";
import type { HaloEntity } from "./schema-fields";
import type { HaloRecord } from "./store";

export interface StoredCustomField {
  id: number;
  value: unknown;
}

/** Which custom fields to show: all (single GET, POST reply), none, or the listed ids. */
export type CustomFieldSelection = "all" | "none" | ReadonlySet<number>;

function display(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Read shape {id, name, label, type, value, display} with name filled from FieldInfo (halopsa-api.md §3.4). */
export function expandCustomFields(stored: unknown, selection: CustomFieldSelection) {
  if (!Array.isArray(stored) || selection === "none") return [];
  return (stored as StoredCustomField[])
    .filter((cf) => selection === "all" || selection.has(cf.id))
    .map((cf) => {
      const info = FIELD_INFO_BY_ID.get(cf.id);
      return {
        id: cf.id,
        name: info?.name ?? `CF${cf.id}`,
        label: info?.label ?? "",
        type: info?.type ?? 0,
        value: cf.value,
        display: display(cf.value),
      };
    });
}

/** Turns a stored record into what the API sends: expanded custom fields, decimal ids. */
export function renderRecord(
  entity: HaloEntity,
  record: HaloRecord,
  selection: CustomFieldSelection,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...record };
  // Lists leave custom fields out unless include_custom_fields names them (newer spec param).
  if (selection === "none") delete out.customfields;
  else out.customfields = expandCustomFields(record.customfields, selection);
  return withDecimalIds(entity, out);
}
