import { promotable, promoteEngaged } from "../automation/promotion";
import type { CallRow } from "../db/calls-repo";
import type { LeadRow } from "../db/leads-repo";
import { type CallOutcome, callOutcomeTarget } from "../domain/call-outcomes";
import { legalPath } from "../domain/lifecycle";
import { AppError } from "../errors";
import { lifecycleContext } from "../lifecycle/context";
import type { TransitionResult } from "../lifecycle/transitions";
import { applyTransitions } from "../lifecycle/transitions";
import type { CallContext } from "./context";

/** One move an automation rule made (or tried) after a call. */
export interface AutomationStep {
  rule: "call_outcomes" | "auto_promotion";
  from: { stage: string; status: string };
  to: { stage: string; status: string };
  applied: boolean;
  /** Why a step was not applied (a concurrent change, HaloPSA refused…). */
  reason?: string;
}

/** Interactive: the call's caller waits, as for POST /sync/leads. */
const INTERACTIVE_WAIT_MS = 10_000;

/**
 * The rules a logged call triggers, in order: `call_outcomes` walks the record along the seed's
 * arrows to where the outcome points (a first call on a new lead claims it, a conversation
 * makes it contacted, interest engaged, …; every arrow checked and audited, one HaloPSA write),
 * then `auto_promotion` converts a lead that is now engaged and carries complete qualification
 * data. Each runs through the transition service with the rule as actor. An outcome that points
 * backwards or out of an end state moves nothing. Failures are reported in the steps, never
 * raised: the call is already logged.
 */
export async function callAutomation(
  ctx: CallContext,
  lead: LeadRow,
  call: CallRow,
): Promise<AutomationStep[]> {
  const rules = ctx.config.automation;
  if (!rules.call_outcomes && !rules.auto_promotion) return [];
  const lctx = await lifecycleContext(ctx.env, {
    requestId: ctx.requestId,
    maxWaitMs: INTERACTIVE_WAIT_MS,
    config: ctx.config,
    now: ctx.now,
  });
  const steps: AutomationStep[] = [];
  let row = lead;
  const target = rules.call_outcomes
    ? callOutcomeTarget(lead.stage, call.outcome as CallOutcome)
    : null;
  const to = target ? { stage: lead.stage, status: target } : null;
  if (to && (legalPath({ stage: lead.stage, status: lead.status }, to)?.length ?? 0) > 0) {
    const [result] = await safely(() =>
      applyTransitions(
        lctx,
        [
          {
            lead_id: lead.id,
            to,
            reason: `Call outcome: ${call.outcome.replaceAll("_", " ")} (${call.id})`,
            multi_step: true,
          },
        ],
        { kind: "rule", rule: "call_outcomes" },
      ),
    );
    if (result) steps.push(step("call_outcomes", lead, to, result));
    if (result?.ok) row = { ...row, stage: result.to.stage, status: result.to.status };
  }
  if (rules.auto_promotion && promotable(row)) {
    const [result] = await safely(() => promoteEngaged(lctx, [row]));
    if (result)
      steps.push(
        step("auto_promotion", row, { stage: "prospect", status: "new_prospect" }, result),
      );
  }
  return steps;
}

function step(
  rule: AutomationStep["rule"],
  from: LeadRow,
  to: { stage: string; status: string },
  result: TransitionResult,
): AutomationStep {
  if (result.ok) {
    return { rule, from: result.from, to: result.to, applied: result.changed };
  }
  return {
    rule,
    from: { stage: from.stage, status: from.status },
    to,
    applied: false,
    reason: result.error.message,
  };
}

/** A failure of the whole batch (HaloPSA throttled or down) as a failed result, not a throw. */
async function safely(run: () => Promise<TransitionResult[]>): Promise<TransitionResult[]> {
  try {
    return await run();
  } catch (err) {
    const error = err instanceof AppError ? err : new AppError("INTERNAL_ERROR", String(err));
    return [{ ok: false, index: 0, lead_id: "", error }];
  }
}
