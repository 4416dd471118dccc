import type { LifecycleIds, MergeFieldPolicies, MergeFieldPolicy } from "../config/schema";
import type { CustomFieldValue, FieldMap } from "./halo-mapping";

/**
 * The seed's "Smart Update/Merge Strategy", on real HaloPSA field names. Fields are addressed as
 * "entity.field" ("user.phonenumber", "ticket.status_id") and custom fields as "ticket.cf.<key>"
 * (keys of config CustomFieldIds). Per field the merge says update / keep / preserve and which
 * rule decided:
 * - stage_advanced: the ticket is past "Researching" or no longer a lead ticket type (seed:
 *   `status_id > 2 || tickettype_id > 1`, with config ids instead of the seed's numbers) → every
 *   field is preserved untouched.
 * - update_disabled: options.update_existing is false → nothing is written.
 * - protected_field: workflow fields never overwritten (seed `protectedFields`: status_id,
 *   agent_id, priority_id, category_1, notes, last_update_date; plus tickettype_id, summary,
 *   details and category_2 which the team edits by hand).
 * - manual_edit: HaloPSA holds a value different from what LeadBridge last wrote (or a value
 *   LeadBridge never wrote) → somebody typed it; keep it.
 * - enrichment_field: seed `enrichmentFields` (phone numbers, CF_106–CF_113) → overwrite with new
 *   data when there is new data.
 * - conditional:longer_by_half (CF_102: update if empty or the new text is >1.5× longer),
 *   conditional:not_contained (CF_103/CF_104: update if empty or the new text is not already in
 *   it), conditional:dnc_sticky (CF_105: only ever false → true).
 * - person fields follow config `merge.field_policies` (title, names, email):
 *   conditional:update_unedited (default: a value LeadBridge wrote and nobody edited is replaced
 *   by the newer one — the incoming lead is already the precedence merge of every provider's
 *   latest record, so a lower-precedence source cannot displace a higher one's value),
 *   conditional:fill_empty (written only while HaloPSA has nothing) or protected_field.
 * - conditional:fill_empty: every other field — written only when HaloPSA has nothing.
 * - identity: our external keys (ref, third_party_id_string) are never rewritten.
 */

export type MergeAction = "update" | "keep" | "preserve";
export type MergeRule =
  | "stage_advanced"
  | "update_disabled"
  | "protected_field"
  | "manual_edit"
  | "enrichment_field"
  | "identity"
  | "unchanged"
  | "no_new_data"
  | `conditional:${string}`;

export interface FieldDecision {
  field: string;
  action: MergeAction;
  rule: MergeRule;
  current: CustomFieldValue | null;
  incoming: CustomFieldValue | null;
}

export interface TicketState {
  tickettype_id: number;
  status_id: number;
}

export interface MergeInput {
  /** Values HaloPSA holds now. */
  current: FieldMap;
  /** Values LeadBridge last wrote, per field (from our D1 record). */
  lastWritten: FieldMap;
  /** Values derived from the incoming canonical lead (halo-mapping `flattenPayloads`). */
  incoming: FieldMap;
  ticket: TicketState;
  lifecycle: LifecycleIds;
  options: { update_existing: boolean };
  /** Per person field policy (config `merge.field_policies`). */
  policies: MergeFieldPolicies;
}

export interface MergeResult {
  decisions: FieldDecision[];
  /** Fields to write, "entity.field" → value. Empty when nothing changes. */
  updates: FieldMap;
  fields_updated: string[];
  fields_preserved: string[];
  /** True when a manual edit was found or the stage has advanced (seed `manual_work_detected`). */
  manual_work_detected: boolean;
  stage_advanced: boolean;
}

export const PROTECTED_FIELDS = new Set([
  "ticket.status_id",
  "ticket.agent_id",
  "ticket.priority_id",
  "ticket.category_1",
  "ticket.category_2",
  "ticket.tickettype_id",
  "ticket.summary",
  "ticket.details",
  "ticket.last_update",
  "client.notes",
  "site.notes",
  "user.notes",
]);

export const IDENTITY_FIELDS = new Set([
  "client.ref",
  "site.ref",
  "user.third_party_id",
  "ticket.third_party_id_string",
]);

export const ENRICHMENT_FIELDS = new Set([
  "user.phonenumber",
  "user.mobilenumber",
  "site.phonenumber",
  "ticket.cf.technology_stack",
  "ticket.cf.revenue_range",
  "ticket.cf.employee_count_range",
  "ticket.cf.management_level",
  "ticket.cf.department_function",
  "ticket.cf.intent_signals",
  "ticket.cf.company_founded_year",
  "ticket.cf.location_hq",
]);

type Conditional = (existing: string, incoming: string) => boolean;
export const CONDITIONAL_FIELDS: Record<string, { rule: string; updateIf: Conditional }> = {
  "ticket.cf.services_offered": {
    rule: "longer_by_half",
    updateIf: (e, n) => e === "" || n.length > e.length * 1.5,
  },
  "ticket.cf.growth_signals": {
    rule: "not_contained",
    updateIf: (e, n) => e === "" || !e.includes(n),
  },
  "ticket.cf.project_pipelines": {
    rule: "not_contained",
    updateIf: (e, n) => e === "" || !e.includes(n),
  },
};

const isEmpty = (v: unknown) =>
  v === null || v === undefined || (typeof v === "string" && v.trim() === "");
const norm = (v: unknown) => (isEmpty(v) ? "" : String(v).trim());
/** Equal as the merge compares values: trimmed, ignoring letter case, empty as empty. */
export const same = (a: unknown, b: unknown) =>
  // Identical values compare equal under any normalisation; the common case costs no copy.
  a === b ||
  (typeof a === "string" && typeof b === "string"
    ? sameText(a, b)
    : norm(a).toLowerCase() === norm(b).toLowerCase());

/** ASCII whitespace as String.prototype.trim removes it (TAB, LF, VT, FF, CR, space). */
const isAsciiSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);

/**
 * `norm(a).toLowerCase() === norm(b).toLowerCase()` for two strings, compared in place while
 * both are ASCII (trim and lower-casing then work character by character); any other character
 * (Unicode spaces, letters whose lower case is longer) sends the pair to the full comparison.
 */
function sameText(a: string, b: string): boolean {
  let i = 0;
  let ae = a.length;
  let j = 0;
  let be = b.length;
  while (i < ae && isAsciiSpace(a.charCodeAt(i))) i++;
  while (ae > i && isAsciiSpace(a.charCodeAt(ae - 1))) ae--;
  while (j < be && isAsciiSpace(b.charCodeAt(j))) j++;
  while (be > j && isAsciiSpace(b.charCodeAt(be - 1))) be--;
  // A non-ASCII character at either end may be a space trim removes.
  if (
    (ae > i && (a.charCodeAt(i) > 127 || a.charCodeAt(ae - 1) > 127)) ||
    (be > j && (b.charCodeAt(j) > 127 || b.charCodeAt(be - 1) > 127))
  )
    return norm(a).toLowerCase() === norm(b).toLowerCase();
  for (; i < ae && j < be; i++, j++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(j);
    if (x > 127 || y > 127) return norm(a).toLowerCase() === norm(b).toLowerCase();
    if (x >= 65 && x <= 90) x += 32;
    if (y >= 65 && y <= 90) y += 32;
    // The ASCII prefixes before here lower-case to themselves, one character each: a
    // difference here is one in the lower-cased texts.
    if (x !== y) return false;
  }
  // Equal so far; a longer rest on one side (non-empty, so non-empty lower-cased) differs.
  return i === ae && j === be;
}

/** Lead ticket in "New Lead" or "Researching" with the lead ticket type: still mergeable. */
export function isStageAdvanced(ticket: TicketState, lifecycle: LifecycleIds): boolean {
  const lead = lifecycle.lead;
  if (ticket.tickettype_id !== lead.ticket_type_id) return true;
  return (
    ticket.status_id !== lead.statuses.new_lead && ticket.status_id !== lead.statuses.researching
  );
}

/**
 * Every field of either map, once, sorted, with where each sits in either map's own key list
 * (-1: not there), so its values are read by position from Object.values rather than by a
 * lookup per field. Leads of one import carry a handful of field sets, so recent answers are
 * kept (a few, most recent first) and reused when both maps list the same keys in the same
 * order: the union, its sort and the positions are the same then.
 */
interface FieldOrder {
  incoming: string[];
  current: string[];
  fields: readonly string[];
  inAt: readonly number[];
  curAt: readonly number[];
}
const recentOrders: FieldOrder[] = [];
const RECENT_ORDERS = 8;
function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
function fieldOrder(incoming: FieldMap, current: FieldMap): FieldOrder {
  const inKeys = Object.keys(incoming);
  const curKeys = Object.keys(current);
  for (const o of recentOrders)
    if (sameKeys(o.incoming, inKeys) && sameKeys(o.current, curKeys)) return o;
  const fields = [...new Set([...inKeys, ...curKeys])].sort();
  const order: FieldOrder = {
    incoming: inKeys,
    current: curKeys,
    fields,
    inAt: fields.map((f) => inKeys.indexOf(f)),
    curAt: fields.map((f) => curKeys.indexOf(f)),
  };
  recentOrders.unshift(order);
  if (recentOrders.length > RECENT_ORDERS) recentOrders.pop();
  return order;
}

// A field's fixed class (which of the sets above names it), looked up once per field name
// rather than in three sets per field per merge. Bounded: field names are a fixed set.
const PLAIN = 0;
const IDENTITY = 1;
const PROTECTED = 2;
const ENRICHMENT = 3;
const CONDITIONAL = 4;
const DNC = 5;
const FIELD_CLASS = new Map<string, number>();
function fieldClass(field: string): number {
  let k = FIELD_CLASS.get(field);
  if (k !== undefined) return k;
  k = IDENTITY_FIELDS.has(field)
    ? IDENTITY
    : PROTECTED_FIELDS.has(field)
      ? PROTECTED
      : field === "ticket.cf.do_not_contact"
        ? DNC
        : ENRICHMENT_FIELDS.has(field)
          ? ENRICHMENT
          : Object.hasOwn(CONDITIONAL_FIELDS, field)
            ? CONDITIONAL
            : PLAIN;
  if (FIELD_CLASS.size < 512) FIELD_CLASS.set(field, k);
  return k;
}

function decision(
  field: string,
  action: MergeAction,
  rule: MergeRule,
  current: CustomFieldValue | null,
  incoming: CustomFieldValue | null,
): FieldDecision {
  return { field, action, rule, current, incoming };
}

export function smartMerge(input: MergeInput): MergeResult {
  const stageAdvanced = isStageAdvanced(input.ticket, input.lifecycle);
  const order = fieldOrder(input.incoming, input.current);
  const fields = order.fields;
  const inValues = Object.values(input.incoming);
  const curValues = Object.values(input.current);
  const decisions: FieldDecision[] = [];
  let manual = stageAdvanced;
  const updateExisting = input.options.update_existing;
  const policies = input.policies as Record<string, MergeFieldPolicy | undefined>;

  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as string;
    const ci = order.curAt[i] as number;
    const ii = order.inAt[i] as number;
    const current = (ci < 0 ? null : curValues[ci]) ?? null;
    const incoming = (ii < 0 ? null : inValues[ii]) ?? null;
    if (stageAdvanced) {
      decisions.push(decision(field, "preserve", "stage_advanced", current, incoming));
      continue;
    }
    if (!updateExisting) {
      decisions.push(decision(field, "preserve", "update_disabled", current, incoming));
      continue;
    }
    const cls = fieldClass(field);
    if (cls === IDENTITY) {
      decisions.push(decision(field, "keep", "identity", current, incoming));
      continue;
    }
    const policy = Object.hasOwn(policies, field) ? policies[field] : undefined;
    if (cls === PROTECTED || policy === "protected") {
      decisions.push(
        same(current, incoming)
          ? decision(field, "keep", "unchanged", current, incoming)
          : decision(field, "preserve", "protected_field", current, incoming),
      );
      continue;
    }
    if (isEmpty(incoming)) {
      decisions.push(decision(field, "keep", "no_new_data", current, incoming));
      continue;
    }
    if (same(current, incoming)) {
      decisions.push(decision(field, "keep", "unchanged", current, incoming));
      continue;
    }
    if (cls === DNC) {
      // DNC is sticky (DESIGN): it may be switched on by new data, never off.
      const on = incoming === true || norm(incoming).toLowerCase() === "true";
      const wasOn = current === true || norm(current).toLowerCase() === "true";
      decisions.push(
        on && !wasOn
          ? decision(field, "update", "conditional:dnc_sticky", current, incoming)
          : decision(field, "preserve", "conditional:dnc_sticky", current, incoming),
      );
      continue;
    }
    const last = input.lastWritten[field];
    if (!isEmpty(current) && !same(current, last)) {
      manual = true;
      decisions.push(decision(field, "preserve", "manual_edit", current, incoming));
      continue;
    }
    if (cls === ENRICHMENT) {
      decisions.push(decision(field, "update", "enrichment_field", current, incoming));
      continue;
    }
    if (policy === "update_unedited") {
      // Empty, or still what LeadBridge last wrote (a manual edit was caught above).
      decisions.push(decision(field, "update", "conditional:update_unedited", current, incoming));
      continue;
    }
    const cond = cls === CONDITIONAL ? CONDITIONAL_FIELDS[field] : undefined;
    if (cond !== undefined) {
      const rule: MergeRule = `conditional:${cond.rule}`;
      decisions.push(
        cond.updateIf(norm(current), norm(incoming))
          ? decision(field, "update", rule, current, incoming)
          : decision(field, "preserve", rule, current, incoming),
      );
      continue;
    }
    decisions.push(
      isEmpty(current)
        ? decision(field, "update", "conditional:fill_empty", current, incoming)
        : decision(field, "preserve", "conditional:fill_empty", current, incoming),
    );
  }

  const updates: FieldMap = {};
  const fieldsUpdated: string[] = [];
  const fieldsPreserved: string[] = [];
  for (const dec of decisions) {
    if (dec.action === "update") {
      updates[dec.field] = dec.incoming;
      fieldsUpdated.push(dec.field);
    } else if (dec.action === "preserve") fieldsPreserved.push(dec.field);
  }
  return {
    decisions,
    updates,
    fields_updated: fieldsUpdated,
    fields_preserved: fieldsPreserved,
    manual_work_detected: manual,
    stage_advanced: stageAdvanced,
  };
}
