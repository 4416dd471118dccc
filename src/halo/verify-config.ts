import type { CustomFieldKey, IntegrationConfig, Stage } from "../config/schema";
import { normaliseName, STAGE_STATUSES } from "./discover";
import type { FieldInfoRecord, PriorityRecord, StatusRecord, TicketTypeRecord } from "./schemas";

// Checks the configuration's HaloPSA ids against what the tenant itself lists (GET
// /api/TicketType, /api/Status, /api/Priority, /api/FieldInfo). Pure: the caller fetches. The
// check cannot rely on HaloPSA refusing a bad id on write: tenants accept an unknown priority or
// custom field silently, and a closed or Incident-type status is a valid id that does the wrong
// thing.

export interface TenantLookups {
  ticketTypes: TicketTypeRecord[];
  statuses: StatusRecord[];
  priorities: PriorityRecord[];
  fields: FieldInfoRecord[];
}

interface Candidate {
  id: number;
  name: string;
}

export interface ConfigMismatch {
  /** The config field at fault, as PUT /config names it (`halopsa.lifecycle.lead.priority_id`). */
  field: string;
  value: number;
  message: string;
  /** What the tenant has that would fit, best first (at most MAX_CANDIDATES). */
  candidates: Candidate[];
}

const MAX_CANDIDATES = 25;
const STAGES: Stage[] = ["lead", "prospect", "opportunity"];

const asCandidate = (r: { id: number; name: string }): Candidate => ({ id: r.id, name: r.name });
/** Name matches first, then the rest, capped. */
function rank(all: Candidate[], matches: (c: Candidate) => boolean): Candidate[] {
  return [...all.filter(matches), ...all.filter((c) => !matches(c))].slice(0, MAX_CANDIDATES);
}

function priorityCandidates(priorities: PriorityRecord[]): Candidate[] {
  const seen = new Map<number, string>();
  for (const p of priorities) {
    const id = p.priorityid ?? Number(p.id);
    if (Number.isInteger(id) && !seen.has(id)) seen.set(id, p.name);
  }
  return [...seen].map(([id, name]) => ({ id, name }));
}

/** The statuses the tenant allows on a ticket type (all, where it does not say). */
const usableWith = (s: StatusRecord, typeId: number) =>
  !s.tickettypes || s.tickettypes.length === 0 || s.tickettypes.includes(typeId);

export function verifyConfig(config: IntegrationConfig, t: TenantLookups): ConfigMismatch[] {
  const out: ConfigMismatch[] = [];
  const types = new Map(t.ticketTypes.map((r) => [r.id, r]));
  const statuses = new Map(t.statuses.map((r) => [r.id, r]));
  const priorities = priorityCandidates(t.priorities);
  const typeCandidates = (stage: Stage) =>
    rank(t.ticketTypes.filter((r) => !r.itilrequesttype).map(asCandidate), (c) =>
      normaliseName(c.name).includes(stage),
    );

  for (const stage of STAGES) {
    const ids = config.halopsa.lifecycle[stage];
    const base = `halopsa.lifecycle.${stage}`;
    const type = types.get(ids.ticket_type_id);
    if (!type) {
      out.push({
        field: `${base}.ticket_type_id`,
        value: ids.ticket_type_id,
        message: `the tenant has no ticket type ${ids.ticket_type_id}`,
        candidates: typeCandidates(stage),
      });
    } else if (type.itilrequesttype) {
      out.push({
        field: `${base}.ticket_type_id`,
        value: ids.ticket_type_id,
        message: `ticket type ${type.id} ("${type.name}") is an ITIL service type; ${stage}s would be created as service tickets`,
        candidates: typeCandidates(stage),
      });
    }
    const forType = t.statuses.filter((s) => usableWith(s, ids.ticket_type_id));
    for (const name of STAGE_STATUSES[stage]) {
      const id = (ids.statuses as Record<string, number>)[name];
      if (id === undefined) continue;
      const status = statuses.get(id);
      const candidates = () =>
        rank(forType.map(asCandidate), (c) => normaliseName(c.name) === name);
      if (!status) {
        out.push({
          field: `${base}.statuses.${name}`,
          value: id,
          message: `the tenant has no status ${id}`,
          candidates: candidates(),
        });
      } else if (type && !usableWith(status, type.id)) {
        out.push({
          field: `${base}.statuses.${name}`,
          value: id,
          message: `status ${id} ("${status.name}") is not used by ticket type ${type.id} ("${type.name}")`,
          candidates: candidates(),
        });
      }
    }
    if (!priorities.some((p) => p.id === ids.priority_id)) {
      out.push({
        field: `${base}.priority_id`,
        value: ids.priority_id,
        message: `the tenant has no priority ${ids.priority_id}`,
        candidates: priorities.slice(0, MAX_CANDIDATES),
      });
    }
  }

  if (config.halopsa.custom_fields_enabled) {
    const fields = new Set(t.fields.map((f) => f.id));
    for (const [key, id] of Object.entries(config.halopsa.custom_fields) as [
      CustomFieldKey,
      number,
    ][]) {
      if (fields.has(id)) continue;
      out.push({
        field: `halopsa.custom_fields.${key}`,
        value: id,
        message: `the tenant has no custom field ${id}; its value would be dropped`,
        candidates: rank(
          t.fields.map((f) => ({ id: f.id, name: f.label ?? f.name })),
          (c) => {
            const f = t.fields.find((x) => x.id === c.id);
            const names = f ? [normaliseName(f.name), normaliseName(f.label ?? "")] : [];
            return names.some((n) => n === key || n.endsWith(`_${key}`));
          },
        ),
      });
    }
  }
  return out;
}
