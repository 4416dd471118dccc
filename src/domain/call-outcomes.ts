/**
 * What a logged call's outcome says about the record it was made to (the `call_outcomes`
 * automation rule, docs/architecture.md "Automation rules"). Pure: the lifecycle's arrows come
 * in as `next`, so only the seed's arrows are ever walked.
 *
 * The seed's lead diagram names what moves a lead: "Claim & start research" (somebody is
 * working it: any call attempt), "Establish contact" (a conversation), "Shows interest",
 * "Not interested", "Requests removal" and "Data issues" (a wrong number). A prospect's first
 * conversation is its "Identify pain points" step. Opportunities move only by hand: value,
 * terms and reasons are a salesperson's to record.
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

/**
 * The shortest walk along legal arrows from `from` to `to` (statuses after `from`, in order),
 * or [] when `to` is where the record already is or cannot be reached forwards — an outcome
 * never moves a record back, nor out of a final status.
 */
export function pathTo(
  from: string,
  to: string,
  next: (status: string) => readonly string[],
): string[] {
  if (from === to) return [];
  const previous = new Map<string, string>([[from, from]]);
  const queue = [from];
  while (queue.length > 0) {
    const at = queue.shift() as string;
    for (const n of next(at)) {
      if (previous.has(n)) continue;
      previous.set(n, at);
      if (n === to) {
        const path = [n];
        for (let p = at; p !== from; p = previous.get(p) as string) path.unshift(p);
        return path;
      }
      queue.push(n);
    }
  }
  return [];
}
