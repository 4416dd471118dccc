import { checkTransition, type LifecycleState } from "../domain/lifecycle";

type State = { stage: string; status: string };

/**
 * A lifecycle move HaloPSA made, checked against the seed's arrows (src/domain/lifecycle.ts).
 * HaloPSA is the system of record, so the move is always taken; one the rules would not allow is
 * recorded with the rule `external_transition` (and the states that were allowed) rather than
 * refused.
 */
export function judgeTransition(
  from: State,
  to: State,
): { rule: "halopsa_webhook" | "external_transition"; allowed: LifecycleState[] | null } {
  const check = checkTransition(from, to);
  return check.ok
    ? { rule: "halopsa_webhook", allowed: null }
    : { rule: "external_transition", allowed: check.allowed };
}
