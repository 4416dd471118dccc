import type { CustomFieldKey, IntegrationConfig } from "../config/schema";
import type { CustomFieldValue } from "../domain/halo-mapping";
import type { LeadLifecycleData, LifecycleState } from "../domain/lifecycle";
import type { HaloRecordUpdate, HaloTicketView } from "../pipeline/halo-port";

/**
 * The ticket update that puts a lead's ticket into `to`: the stage's ticket type and the
 * status's id (from the config), the stage's custom fields (CF_201–206 from a prospect on,
 * CF_301–304 for an opportunity) and HaloPSA's own opportunity fields. A conversion is the same
 * ticket changing type and status, so contact, company, source and enrichment fields are never
 * sent and stay as they are; values that are not known are left out, never sent as null.
 */
export function ticketUpdate(
  config: IntegrationConfig,
  ticketId: number,
  current: HaloTicketView | undefined,
  to: LifecycleState,
  data: LeadLifecycleData,
  opts: { convertedToOpportunityAt?: Date | undefined },
): HaloRecordUpdate {
  const ids = config.halopsa.lifecycle[to.stage];
  const statuses: Record<string, number> = ids.statuses;
  const update: HaloRecordUpdate = {
    id: ticketId,
    tickettype_id: ids.ticket_type_id,
    status_id: statuses[to.status] as number,
  };
  const fields = customFields(config, current, to, data);
  if (fields) update.customfields = fields;
  if (to.stage === "opportunity") Object.assign(update, opportunityFields(data, to, opts));
  return update;
}

function customFields(
  config: IntegrationConfig,
  current: HaloTicketView | undefined,
  to: LifecycleState,
  data: LeadLifecycleData,
): { id: number; value: CustomFieldValue }[] | null {
  if (!config.halopsa.custom_fields_enabled || to.stage === "lead") return null;
  const cf = config.halopsa.custom_fields;
  const ours = new Map<number, CustomFieldValue>();
  const put = (key: CustomFieldKey, v: CustomFieldValue | null | undefined) => {
    if (v === null || v === undefined || (typeof v === "string" && v.trim() === "")) return;
    ours.set(cf[key], v);
  };
  const q = data.qualification ?? {};
  put("pain_points", q.pain_points);
  put("qualified_services", q.qualified_services);
  // CF_203 is a text field: a bare "do we have access" answer is written as Yes / No.
  put(
    "decision_maker",
    typeof q.decision_maker === "boolean" ? (q.decision_maker ? "Yes" : "No") : q.decision_maker,
  );
  put("budget_range", q.budget_range);
  put("timeframe", q.timeframe);
  put("fit_score", q.fit_score);
  if (to.stage === "opportunity") {
    const o = data.opportunity ?? {};
    put("products_services", o.products_services);
    put("quotes_proposals", o.quotes_proposals);
    put("competitors", o.competitors);
    put("win_loss_reason", o.win_loss_reason);
  }
  if (ours.size === 0) return null;
  // Some tenants clear the custom fields a partial array leaves out (HaloAPI#13): the values the
  // read found are sent again, so nothing set before the transition is lost.
  const out = new Map<number, CustomFieldValue>();
  for (const [id, v] of Object.entries(current?.customfields ?? {})) {
    if (v !== null) out.set(Number(id), v);
  }
  for (const [id, v] of ours) out.set(id, v);
  return [...out].map(([id, value]) => ({ id, value }));
}

/** HaloPSA's own opportunity fields (`Faults` in halo-openapi.json), where the data has them. */
function opportunityFields(
  data: LeadLifecycleData,
  to: LifecycleState,
  opts: { convertedToOpportunityAt?: Date | undefined },
): Record<string, unknown> {
  const o = data.opportunity ?? {};
  const out: Record<string, unknown> = {};
  if (typeof o.value === "number") out.oppvalue = o.value;
  if (typeof o.probability === "number") out.oppconversionprobability = o.probability;
  if (o.competitors) out.oppcompetitors = o.competitors;
  if (o.products_services) out.oppproductchosen = o.products_services;
  if ((to.status === "won" || to.status === "lost") && o.win_loss_reason) {
    out.oppreason = o.win_loss_reason;
  }
  if (opts.convertedToOpportunityAt) {
    out.oppconverteddate = opts.convertedToOpportunityAt.toISOString();
  }
  return out;
}
