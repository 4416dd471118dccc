import type { LifecycleIds, Stage } from "../config/schema";

type State = { stage: Stage; status: string };

/**
 * The audit rule for a lifecycle move HaloPSA made. HaloPSA is the system of record, so the move
 * is always taken; one the lifecycle rules would not allow is recorded as
 * `external_transition` rather than refused.
 */
export function transitionRule(_from: State, _to: State, _lifecycle: LifecycleIds): string {
  return "halopsa_webhook";
}
