import {
  CUSTOM_FIELD_DEFAULTS,
  type CustomFieldKey,
  LEAD_STATUSES,
  OPPORTUNITY_STATUSES,
  PROSPECT_STATUSES,
  type Stage,
} from "../config/schema";
import type { FieldInfoRecord, StatusRecord, TicketTypeRecord } from "./schemas";

// Proposes the tenant-specific ids for the configuration from what the tenant itself reports
// (GET /api/TicketType, /api/Status, /api/FieldInfo; DESIGN principle 5). Pure: the route fetches.

export const STAGE_STATUSES = {
  lead: LEAD_STATUSES,
  prospect: PROSPECT_STATUSES,
  opportunity: OPPORTUNITY_STATUSES,
} as const satisfies Record<Stage, readonly string[]>;

const STAGES = Object.keys(STAGE_STATUSES) as Stage[];

/** "New Lead" → `new_lead`, "Location/HQ Address" → `location_hq_address`. */
export function normaliseName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

/** Field names often carry their seed number: `CF_101_lead_source` → `lead_source`. */
function fieldNames(f: FieldInfoRecord): string[] {
  const name = normaliseName(f.name);
  const names = [name, name.replace(/^cf_?\d+_/, "")];
  if (f.label) names.push(normaliseName(f.label));
  return names;
}

export interface StageProposal {
  ticket_type_id?: number;
  statuses: Record<string, number>;
}

export interface MappingProposal {
  /** A JSON Merge Patch for PUT /api/v1/config holding every id that matched. */
  patch: {
    halopsa: {
      custom_fields: Partial<Record<CustomFieldKey, number>>;
      lifecycle: Partial<Record<Stage, StageProposal>>;
    };
  };
  unmatched: {
    custom_fields: CustomFieldKey[];
    ticket_types: Stage[];
    statuses: Partial<Record<Stage, string[]>>;
  };
  /** Names that matched more than one record; the lowest id was proposed. */
  ambiguous: string[];
}

function pick<T extends { id: number }>(matches: T[], label: string, ambiguous: string[]) {
  if (matches.length > 1) ambiguous.push(label);
  return [...matches].sort((a, b) => a.id - b.id)[0];
}

export function proposeMapping(input: {
  ticketTypes: TicketTypeRecord[];
  statuses: StatusRecord[];
  fields: FieldInfoRecord[];
}): MappingProposal {
  const ambiguous: string[] = [];
  const customFields: Partial<Record<CustomFieldKey, number>> = {};
  const unmatchedFields: CustomFieldKey[] = [];
  for (const key of Object.keys(CUSTOM_FIELD_DEFAULTS) as CustomFieldKey[]) {
    const match = pick(
      input.fields.filter((f) => fieldNames(f).includes(key)),
      `custom_fields.${key}`,
      ambiguous,
    );
    if (match) customFields[key] = match.id;
    else unmatchedFields.push(key);
  }

  const lifecycle: Partial<Record<Stage, StageProposal>> = {};
  const unmatchedTypes: Stage[] = [];
  const unmatchedStatuses: Partial<Record<Stage, string[]>> = {};
  for (const stage of STAGES) {
    const type = pick(
      input.ticketTypes.filter((t) => normaliseName(t.name) === stage),
      `lifecycle.${stage}.ticket_type_id`,
      ambiguous,
    );
    if (!type) unmatchedTypes.push(stage);
    // Prefer the statuses the tenant ties to this ticket type, where it says so.
    const forType = type
      ? input.statuses.filter((s) => s.tickettypes?.includes(type.id) ?? true)
      : input.statuses;
    const statuses: Record<string, number> = {};
    const missing: string[] = [];
    for (const name of STAGE_STATUSES[stage]) {
      const byName = (list: StatusRecord[]) => list.filter((s) => normaliseName(s.name) === name);
      const candidates = byName(forType).length > 0 ? byName(forType) : byName(input.statuses);
      const match = pick(candidates, `lifecycle.${stage}.statuses.${name}`, ambiguous);
      if (match) statuses[name] = match.id;
      else missing.push(name);
    }
    if (missing.length > 0) unmatchedStatuses[stage] = missing;
    lifecycle[stage] = { ...(type ? { ticket_type_id: type.id } : {}), statuses };
  }

  return {
    patch: { halopsa: { custom_fields: customFields, lifecycle } },
    unmatched: {
      custom_fields: unmatchedFields,
      ticket_types: unmatchedTypes,
      statuses: unmatchedStatuses,
    },
    ambiguous,
  };
}
