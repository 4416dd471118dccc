import type {
  LEAD_STATUSES,
  OPPORTUNITY_STATUSES,
  PROSPECT_STATUSES,
  Stage,
} from "../config/schema";

/**
 * The sales lifecycle's three state machines (seed crm-workflow-and-mappings, its mermaid
 * diagrams): only the seed's arrows are legal, plus the two stage conversions it draws as
 * thick arrows (lead.engaged → prospect.new_prospect, prospect.qualified →
 * opportunity.new_opportunity). Every route, automation rule and read-back goes through this
 * module; it is pure (no I/O, no clock).
 *
 * The status lists themselves live in the config schema (src/config/schema.ts); the arrow tables
 * below are typed against them, so a status added there without arrows fails to compile.
 */

export type LeadStatus = (typeof LEAD_STATUSES)[number];
export type ProspectStatus = (typeof PROSPECT_STATUSES)[number];
export type OpportunityStatus = (typeof OPPORTUNITY_STATUSES)[number];

/** A place in the lifecycle: a stage and one of its statuses. */
export type LifecycleState =
  | { stage: "lead"; status: LeadStatus }
  | { stage: "prospect"; status: ProspectStatus }
  | { stage: "opportunity"; status: OpportunityStatus };

/** A state as stored or requested: not yet known to be one of the machines' states. */
export interface StateRef {
  stage: string;
  status: string;
}

/** Within-stage arrows, exactly the seed's diagrams (dotted arrows). */
const ARROWS: {
  lead: Record<LeadStatus, readonly LeadStatus[]>;
  prospect: Record<ProspectStatus, readonly ProspectStatus[]>;
  opportunity: Record<OpportunityStatus, readonly OpportunityStatus[]>;
} = {
  lead: {
    new_lead: ["researching"],
    researching: ["contacted", "invalid_data"],
    contacted: ["engaged", "no_interest", "do_not_contact"],
    engaged: [],
    no_interest: [],
    do_not_contact: [],
    invalid_data: [],
  },
  prospect: {
    new_prospect: ["prospecting"],
    prospecting: ["qualified", "disqualified"],
    qualified: [],
    disqualified: [],
  },
  opportunity: {
    new_opportunity: ["progressing"],
    progressing: ["negotiation"],
    negotiation: ["won", "lost"],
    won: [],
    lost: [],
  },
};

/** The seed's thick arrows: "Convert to Prospect" and "Promote to Opportunity". */
const CONVERSIONS: readonly { from: LifecycleState; to: LifecycleState }[] = [
  { from: { stage: "lead", status: "engaged" }, to: { stage: "prospect", status: "new_prospect" } },
  {
    from: { stage: "prospect", status: "qualified" },
    to: { stage: "opportunity", status: "new_opportunity" },
  },
];

/** Human labels, as HaloPSA users read them in notes (the seed's "Status Values"). */
const LABELS: {
  lead: Record<LeadStatus, string>;
  prospect: Record<ProspectStatus, string>;
  opportunity: Record<OpportunityStatus, string>;
} = {
  lead: {
    new_lead: "New Lead",
    researching: "Researching",
    contacted: "Contacted",
    engaged: "Engaged",
    no_interest: "No Interest",
    do_not_contact: "Do Not Contact",
    invalid_data: "Invalid Data",
  },
  prospect: {
    new_prospect: "New Prospect",
    prospecting: "Prospecting",
    qualified: "Qualified",
    disqualified: "Disqualified",
  },
  opportunity: {
    new_opportunity: "New Opportunity",
    progressing: "Progressing",
    negotiation: "Negotiation",
    won: "Won",
    lost: "Lost",
  },
};

const STAGES = ["lead", "prospect", "opportunity"] as const satisfies readonly Stage[];

/** `ref` as a machine state, or null when the stage or status is not one of the seed's. */
export function asLifecycleState(ref: StateRef): LifecycleState | null {
  const stage = STAGES.find((s) => s === ref.stage);
  if (!stage) return null;
  const table: Record<string, readonly string[]> = ARROWS[stage];
  return Object.hasOwn(table, ref.status)
    ? ({ stage, status: ref.status } as LifecycleState)
    : null;
}

/** Every state of the three machines, in the seed's order (tests generate transitions from it). */
export function lifecycleStates(): LifecycleState[] {
  return STAGES.flatMap((stage) =>
    Object.keys(ARROWS[stage]).map((status) => ({ stage, status }) as LifecycleState),
  );
}

const same = (a: StateRef, b: StateRef) => a.stage === b.stage && a.status === b.status;

/** The states one legal arrow away from (stage, status); empty for an end state or unknown one. */
export function allowedNext(stage: string, status: string): LifecycleState[] {
  const from = asLifecycleState({ stage, status });
  if (!from) return [];
  const table: Record<string, readonly string[]> = ARROWS[from.stage];
  const within = (table[from.status] ?? []).map(
    (s) => ({ stage: from.stage, status: s }) as LifecycleState,
  );
  const converted = CONVERSIONS.filter((c) => same(c.from, from)).map((c) => c.to);
  return [...within, ...converted];
}

export type TransitionCheck =
  | { ok: true; from: LifecycleState; to: LifecycleState; conversion: boolean }
  | { ok: false; allowed: LifecycleState[] };

/** Whether `from → to` is one of the seed's arrows; if not, the states that are allowed. */
export function checkTransition(from: StateRef, to: StateRef): TransitionCheck {
  const allowed = allowedNext(from.stage, from.status);
  const target = allowed.find((s) => same(s, to));
  const source = asLifecycleState(from);
  if (!target || !source) return { ok: false, allowed };
  return { ok: true, from: source, to: target, conversion: source.stage !== target.stage };
}

/**
 * The shortest chain of legal arrows from `from` to `to` (excluding `from`), or null when none
 * exists. Used when one request asks for several steps at once (convert and open the
 * opportunity): every step is still one of the seed's arrows, checked on its own.
 */
export function legalPath(from: StateRef, to: StateRef): LifecycleState[] | null {
  const start = asLifecycleState(from);
  if (!start || !asLifecycleState(to)) return null;
  const key = (s: StateRef) => `${s.stage}.${s.status}`;
  const previous = new Map<string, LifecycleState | null>([[key(start), null]]);
  const queue: LifecycleState[] = [start];
  while (queue.length > 0) {
    const at = queue.shift() as LifecycleState;
    if (same(at, to)) {
      const path: LifecycleState[] = [];
      for (let s: LifecycleState | null = at; s && !same(s, start); ) {
        path.unshift(s);
        s = previous.get(key(s)) ?? null;
      }
      return path;
    }
    for (const next of allowedNext(at.stage, at.status)) {
      if (previous.has(key(next))) continue;
      previous.set(key(next), at);
      queue.push(next);
    }
  }
  return null;
}

/** "Engaged (lead)" — how a note names a state. */
export function stateLabel(ref: StateRef): string {
  const state = asLifecycleState(ref);
  if (!state) return `${ref.status} (${ref.stage})`;
  const labels: Record<string, string> = LABELS[state.stage];
  return `${labels[state.status] ?? state.status} (${state.stage})`;
}

// ---------------------------------------------------------------------------------------------
// What a state requires before a record may enter it (seed: "Required fields: Validate required
// attributes before allowing status progression").

/** The seed's prospect "Qualification Data" (CF_201–206 plus notes). */
export interface QualificationData {
  pain_points?: string | null;
  qualified_services?: string | null;
  /** Decision-maker access: who it is, or simply whether we have it (the seed's API example). */
  decision_maker?: string | boolean | null;
  budget_range?: string | null;
  timeframe?: string | null;
  fit_score?: number | null;
  notes?: string | null;
}

/** The seed's opportunity "Sales Data" (CF_301–304 plus HaloPSA's own opp* fields). */
export interface OpportunityData {
  value?: number | null;
  probability?: number | null;
  expected_close_date?: string | null;
  products_services?: string | null;
  quotes_proposals?: string | null;
  competitors?: string | null;
  win_loss_reason?: string | null;
}

/** One unmet requirement: the body field at fault and what it needs. */
export interface MissingRequirement {
  field: string;
  criterion: string;
  message: string;
}

/** The seed's fit-score bar for "Qualified" (Qualification Criteria: "Fit Score ≥ 70"). */
export const MIN_FIT_SCORE = 70;

const present = (v: unknown) =>
  v !== undefined && v !== null && !(typeof v === "string" && v.trim() === "");

interface Criterion {
  field: keyof QualificationData;
  criterion: string;
  /** Recorded: the value is there (it may still fall short). */
  recorded: (q: QualificationData) => boolean;
  /** Met: the value satisfies the seed's criterion. */
  met: (q: QualificationData) => boolean;
  shortfall: string;
}

/** The seed's five qualification criteria ("Qualification Criteria" in the prospect diagram). */
const CRITERIA: readonly Criterion[] = [
  {
    field: "pain_points",
    criterion: "confirmed_pain_points",
    recorded: (q) => present(q.pain_points),
    met: (q) => present(q.pain_points),
    shortfall: "confirmed pain points are required",
  },
  {
    field: "budget_range",
    criterion: "budget_range_identified",
    recorded: (q) => present(q.budget_range),
    met: (q) => present(q.budget_range),
    shortfall: "a budget range is required",
  },
  {
    field: "decision_maker",
    criterion: "decision_maker_access",
    recorded: (q) => typeof q.decision_maker === "boolean" || present(q.decision_maker),
    met: (q) =>
      q.decision_maker === true ||
      (typeof q.decision_maker === "string" && present(q.decision_maker)),
    shortfall: "access to the decision maker is required",
  },
  {
    field: "timeframe",
    criterion: "implementation_timeframe",
    recorded: (q) => present(q.timeframe),
    met: (q) => present(q.timeframe),
    shortfall: "an implementation timeframe is required",
  },
  {
    field: "fit_score",
    criterion: "fit_score",
    recorded: (q) => typeof q.fit_score === "number",
    met: (q) => typeof q.fit_score === "number" && q.fit_score >= MIN_FIT_SCORE,
    shortfall: `a fit score of at least ${MIN_FIT_SCORE} is required`,
  },
];

/**
 * Criteria a lead must have recorded to become a prospect: all five, present (a fit score below
 * the bar or `decision_maker: false` is recorded, not yet met). The seed converts "a qualified
 * lead" and writes CF_201–206 at conversion; prospecting is where they are confirmed.
 */
export function missingForConversion(q: QualificationData | undefined): MissingRequirement[] {
  const data = q ?? {};
  return CRITERIA.filter((c) => !c.recorded(data)).map((c) => ({
    field: `qualification_data.${c.field}`,
    criterion: c.criterion,
    message: `qualification_data.${c.field} is missing: ${c.shortfall} to convert a lead`,
  }));
}

/**
 * What "Qualified" needs: the five criteria met (fit score ≥ 70 included) and the seed's
 * required prospect fields (Qualification Data table: all but notes), each missing one named.
 */
export function missingForQualified(q: QualificationData | undefined): MissingRequirement[] {
  const data = q ?? {};
  const out: MissingRequirement[] = CRITERIA.filter((c) => !c.met(data)).map((c) => ({
    field: `qualification_data.${c.field}`,
    criterion: c.criterion,
    message: `qualification_data.${c.field}: ${c.shortfall} to qualify`,
  }));
  if (!present(data.qualified_services)) {
    out.push({
      field: "qualification_data.qualified_services",
      criterion: "required_prospect_field",
      message: "qualification_data.qualified_services is required to qualify",
    });
  }
  return out;
}

/** The seed's required opportunity Sales Data: value, products/services, probability, close date. */
export function missingForOpportunity(o: OpportunityData | undefined): MissingRequirement[] {
  const data = o ?? {};
  const required: [keyof OpportunityData, string][] = [
    ["value", "an opportunity value is required"],
    ["probability", "a probability (0-100) is required"],
    ["expected_close_date", "an expected close date is required"],
    ["products_services", "the products or services being sold are required"],
  ];
  return required
    .filter(([field]) => !present(data[field]))
    .map(([field, why]) => ({
      field: `opportunity_data.${field}`,
      criterion: "required_opportunity_field",
      message: `opportunity_data.${field}: ${why}`,
    }));
}

/** What one step's target state asks of the data the record (and the request) carry. */
export interface StepData {
  qualification?: QualificationData | undefined;
  opportunity?: OpportunityData | undefined;
  /** Why the status changes; won and lost need one (their Win/Loss Reason). */
  reason?: string | null | undefined;
}

/** The requirements of entering `to` from `from` that `data` leaves unmet (empty: may go). */
export function missingRequirements(
  from: LifecycleState,
  to: LifecycleState,
  data: StepData,
): MissingRequirement[] {
  if (from.stage === "lead" && to.stage === "prospect") {
    return missingForConversion(data.qualification);
  }
  if (to.stage === "prospect" && to.status === "qualified") {
    return missingForQualified(data.qualification);
  }
  if (from.stage === "prospect" && to.stage === "opportunity") {
    return missingForOpportunity(data.opportunity);
  }
  if (to.stage === "opportunity" && (to.status === "won" || to.status === "lost")) {
    const reason = data.reason ?? data.opportunity?.win_loss_reason;
    return present(reason)
      ? []
      : [
          {
            field: "reason",
            criterion: "win_loss_reason",
            message: `reason is required to mark an opportunity ${to.status} (its Win/Loss Reason)`,
          },
        ];
  }
  return [];
}

/**
 * The private note HaloPSA users see on the ticket for one transition:
 * "Status changed from Engaged (lead) to New Prospect (prospect) by <actor>: <reason>".
 */
export function transitionNote(
  from: StateRef,
  to: StateRef,
  actor: string,
  reason: string | null | undefined,
  extra: readonly string[] = [],
): string {
  const head = `Status changed from ${stateLabel(from)} to ${stateLabel(to)} by ${actor}`;
  const why = present(reason) ? `: ${String(reason).trim()}` : "";
  return [head + why, ...extra].join("\n");
}

/** What a lead row keeps of its lifecycle (`leads.lifecycle`): the latest data per stage. */
export interface LeadLifecycleData {
  qualification?: QualificationData;
  opportunity?: OpportunityData;
  next_action?: string | null;
  next_action_date?: string | null;
}
