import type { CallRow } from "../db/calls-repo";
import type { LeadRow } from "../db/leads-repo";
import type { CallContext } from "./log-call";

/** One move an automation rule made (or tried) after a call. */
export interface AutomationStep {
  rule: "call_outcomes" | "auto_promotion";
  from: { stage: string; status: string };
  to: { stage: string; status: string };
  applied: boolean;
  /** Why a step was not applied (a concurrent change, HaloPSA refused…). */
  reason?: string;
}

export async function callAutomation(
  _ctx: CallContext,
  _lead: LeadRow,
  _call: CallRow,
): Promise<AutomationStep[]> {
  return [];
}
