/**
 * What a logged call's outcome says about the record it was made to (the `call_outcomes`
 * automation rule, docs/architecture.md "Automation rules"). Pure: the lifecycle's arrows come
 * in as `next`, so only the seed's arrows are ever walked.
 *
 * The seed's lead diagram names what moves a lead: "Claim & start research" (somebody is
 * working it: any call attempt), "Establish contact" (a conversation), "Shows interest",
 * "Not interested", "Requests removal" and "Data issues" (a wrong number). A prospect's first
 * conversation is its "Identify pain points" step. Opportunities move only by hand: value,
 * terms and reasons are a salesperson's to record. The walk there follows the state machine
 * (`legalPath`, src/domain/lifecycle.ts): an outcome never moves a record back or out of an end
 * state.
 */
export const CALL_OUTCOMES = [
  "no_answer",
  "voicemail",
  "busy",
  "wrong_number",
  "connected",
  "callback_requested",
  "interested",
  "meeting_booked",
  "not_interested",
  "do_not_call",
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** Outcomes where a person was reached. */
const CONVERSATION: ReadonlySet<CallOutcome> = new Set([
  "connected",
  "callback_requested",
  "interested",
  "meeting_booked",
  "not_interested",
  "do_not_call",
]);

export function isConversation(outcome: CallOutcome): boolean {
  return CONVERSATION.has(outcome);
}

const LEAD_TARGET: Record<CallOutcome, string> = {
  no_answer: "researching",
  voicemail: "researching",
  busy: "researching",
  wrong_number: "invalid_data",
  connected: "contacted",
  callback_requested: "contacted",
  interested: "engaged",
  meeting_booked: "engaged",
  not_interested: "no_interest",
  do_not_call: "do_not_contact",
};

/** The status the outcome points a record at, within its stage; null when it says nothing. */
export function callOutcomeTarget(stage: string, outcome: CallOutcome): string | null {
  if (stage === "lead") return LEAD_TARGET[outcome];
  if (stage === "prospect")
    return isConversation(outcome) && outcome !== "do_not_call" ? "prospecting" : null;
  return null;
}
