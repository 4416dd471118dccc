import type { LifecycleIds, Stage } from "../config/schema";

/** HaloPSA ticket type and status ids → our stage and status names, through the config. */
export function stageOf(
  lifecycle: LifecycleIds,
  tickettypeId: number,
  statusId: number,
): { stage: Stage | "unknown"; status: string } {
  for (const stage of ["lead", "prospect", "opportunity"] as const) {
    const ids = lifecycle[stage];
    if (ids.ticket_type_id !== tickettypeId) continue;
    const status = Object.entries(ids.statuses).find(([, id]) => id === statusId)?.[0];
    return { stage, status: status ?? `status_${statusId}` };
  }
  return { stage: "unknown", status: `status_${statusId}` };
}
