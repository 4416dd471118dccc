import type { AuditEntry } from "../db/audit";
import { auditStatements } from "../db/audit";
import type { Statement } from "../db/batch";
import { recordError } from "../db/error-log-repo";
import { claimLeads, type LeadRow } from "../db/leads-repo";
import { findLeadsByIds, lifecycleUpdateStatement } from "../db/lifecycle-repo";
import {
  allowedNext,
  asLifecycleState,
  checkTransition,
  type LeadLifecycleData,
  type LifecycleState,
  legalPath,
  type MissingRequirement,
  missingRequirements,
  type OpportunityData,
  type QualificationData,
  type StateRef,
  stateLabel,
  transitionNote,
} from "../domain/lifecycle";
import { AppError } from "../errors";
import { DEFAULT_LEASES, RunClaims } from "../pipeline/claims";
import type { HaloRecordUpdate, HaloTicketView } from "../pipeline/halo-port";
import { stageOf } from "../pipeline/stage";
import type { LifecycleContext } from "./context";
import { ticketUpdate } from "./ticket-update";

/** One requested status change. */
export interface TransitionRequest {
  lead_id: string;
  /** Where to; null keeps the current state and only writes the data given (PUT /opportunities). */
  to: StateRef | null;
  /**
   * Applies only from this state (e.g. conversions start at lead.engaged); from anywhere else
   * the answer is INVALID_TRANSITION with where the record stands and what it allows.
   */
  from?: StateRef | undefined;
  /** Why; shown in the HaloPSA note and the audit. Won and lost require one. */
  reason?: string | null | undefined;
  /** Merged over the qualification data the lead already has (keys given win). */
  qualification?: QualificationData | undefined;
  /** Merged over the opportunity data the lead already has (keys given win). */
  opportunity?: OpportunityData | undefined;
  next_action?: string | null | undefined;
  next_action_date?: string | null | undefined;
  /**
   * Walk the shortest chain of the seed's arrows to `to` (convert and open the opportunity at
   * once; a first call moving a new lead to contacted), each step checked and audited on its
   * own but written to HaloPSA once. Default: `to` must be one arrow away.
   */
  multi_step?: boolean | undefined;
}

/** Who asks: an API key, or an automation rule (audited with the rule's name). */
export type TransitionActor = { kind: "api_key"; key_id: string } | { kind: "rule"; rule: string };

export interface TransitionSuccess {
  ok: true;
  index: number;
  lead_id: string;
  /** False when the record already was in `to` (data, if any, was still written). */
  changed: boolean;
  from: LifecycleState;
  to: LifecycleState;
  /** Every state passed through after `from`, `to` last (empty when unchanged). */
  steps: LifecycleState[];
  /** HaloPSA showed another state than LeadBridge had (a hand edit), adopted first. */
  external: { from: StateRef; to: LifecycleState } | null;
  halopsa: { ticket_id: number; note_ids: number[] };
  /** Why the notes could not be written, when they could not (the transition still stands). */
  note_error: string | null;
  lifecycle: LeadLifecycleData;
}

export interface TransitionFailure {
  ok: false;
  index: number;
  lead_id: string;
  error: AppError;
}

export type TransitionResult = TransitionSuccess | TransitionFailure;

/** Seconds a caller should wait when another run holds a lead (an import's lease is ~2 min). */
export const BUSY_RETRY_AFTER_S = 5;

const actorName = (a: TransitionActor) => (a.kind === "api_key" ? a.key_id : `rule:${a.rule}`);
const actorLabel = (a: TransitionActor) =>
  a.kind === "api_key"
    ? `LeadBridge API key ${a.key_id}`
    : `LeadBridge automation rule "${a.rule}"`;

interface Planned {
  index: number;
  req: TransitionRequest;
  row: LeadRow;
  ticketId: number;
  local: StateRef;
  from: LifecycleState;
  to: LifecycleState;
  steps: LifecycleState[];
  external: { from: StateRef; to: LifecycleState } | null;
  data: LeadLifecycleData;
  update: HaloRecordUpdate | null;
  notes: string[];
}

/**
 * Applies many transitions at once. HaloPSA cost for the whole batch: one `ticketids` read per
 * 100 leads (their current type and status: HaloPSA is the system of record), one array POST of
 * ticket updates per 100, and one array POST of private notes per 100 (off with
 * `halopsa.transition_notes: false`). Each lead is checked against the state machine on its own;
 * a refused one (409 INVALID_TRANSITION with `current` and `allowed`, 400 naming each missing
 * requirement, 404, or 409 busy) does not stop the others. The leads are leased like an import
 * (src/pipeline/claims.ts), so a transition and a concurrent import never both write one
 * ticket. D1 changes — lead rows, audit entries, webhook events — commit in one batch.
 */
export async function applyTransitions(
  ctx: LifecycleContext,
  requests: readonly TransitionRequest[],
  actor: TransitionActor,
): Promise<TransitionResult[]> {
  const results: TransitionResult[] = [];
  const fail = (index: number, lead_id: string, error: AppError) =>
    results.push({ ok: false, index, lead_id, error });

  const rows = await findLeadsByIds(
    ctx.db,
    requests.map((r) => r.lead_id),
  );
  const seen = new Set<string>();
  const wanted: { index: number; req: TransitionRequest; row: LeadRow }[] = [];
  for (const [index, req] of requests.entries()) {
    const row = rows.get(req.lead_id);
    if (seen.has(req.lead_id)) {
      fail(index, req.lead_id, invalid("lead_id", "this lead appears twice in the batch"));
    } else if (!row) {
      fail(
        index,
        req.lead_id,
        new AppError("RESOURCE_NOT_FOUND", "No lead with this id", {
          details: { field: "lead_id", value: req.lead_id },
        }),
      );
    } else if (row.haloTicketId === null) {
      fail(
        index,
        req.lead_id,
        new AppError("CONFLICT", "This lead has no HaloPSA ticket yet; import it first", {
          details: { reason: "not_in_halopsa", lead_id: row.id },
        }),
      );
    } else wanted.push({ index, req, row });
    seen.add(req.lead_id);
  }
  if (wanted.length === 0) return sorted(results);

  const claims = new RunClaims(ctx.db, ctx.leases ?? DEFAULT_LEASES);
  const claimed = await claimLeads(ctx.db, claims.lease(), {
    inserts: [],
    dedupKeys: [],
    ids: wanted.map((w) => w.row.id),
  });
  const held = new Map(claimed.filter((r) => claims.holds(r)).map((r) => [r.id, r]));
  let committed = false;
  try {
    const mine: { index: number; req: TransitionRequest; row: LeadRow }[] = [];
    for (const w of wanted) {
      const row = held.get(w.row.id);
      // A row mid-create (write_pending) belongs to the import that will resume it.
      if (row && !row.writePending) mine.push({ ...w, row });
      else fail(w.index, w.req.lead_id, busy(w.row.id));
    }
    if (mine.length === 0) return sorted(results);

    const tickets = await ctx.halo.readTickets(mine.map((w) => w.row.haloTicketId as number));
    const planned: Planned[] = [];
    for (const w of mine) {
      const plan = planOne(ctx, w, tickets.get(w.row.haloTicketId as number), actor);
      if (plan instanceof AppError) fail(w.index, w.req.lead_id, plan);
      else planned.push(plan);
    }
    if (planned.length === 0) return sorted(results);
    await commit(ctx, planned, actor, claims, results);
    committed = true;
    return sorted(results);
  } finally {
    // The commit's batch releases the leases; any other way out releases them here. If even
    // that fails, they simply expire (LEASE_TTL_MS).
    if (!committed) await claims.release().catch(() => undefined);
  }
}

function sorted(results: TransitionResult[]): TransitionResult[] {
  return results.sort((a, b) => a.index - b.index);
}

function invalid(field: string, message: string, extra: Record<string, unknown> = {}): AppError {
  return new AppError("VALIDATION_ERROR", `${field}: ${message}`, {
    details: { field, ...extra },
  });
}

function busy(leadId: string): AppError {
  return new AppError(
    "CONFLICT",
    "Another run (an import or a transition) is writing this lead to HaloPSA; retry shortly",
    {
      details: { reason: "lead_busy", lead_id: leadId, retry_after_seconds: BUSY_RETRY_AFTER_S },
      headers: { "Retry-After": String(BUSY_RETRY_AFTER_S) },
    },
  );
}

/** The state refused, with what would have been allowed from where the record stands. */
export function invalidTransition(current: StateRef, to: StateRef): AppError {
  const allowed = allowedNext(current.stage, current.status);
  return new AppError(
    "INVALID_TRANSITION",
    `${current.stage}.${current.status} cannot move to ${to.stage}.${to.status}` +
      (allowed.length > 0
        ? `; allowed: ${allowed.map((s) => `${s.stage}.${s.status}`).join(", ")}`
        : "; it is an end state"),
    { details: { field: "status", current, requested: to, allowed } },
  );
}

function missing(list: MissingRequirement[], current: StateRef, to: StateRef): AppError {
  const first = list[0] as MissingRequirement;
  return new AppError("VALIDATION_ERROR", list.map((m) => m.message).join("; "), {
    details: {
      field: first.field,
      missing: list.map((m) => ({ field: m.field, criterion: m.criterion })),
      current,
      requested: to,
    },
  });
}

/** Drops undefined keys so a partial request never blanks stored data. */
function defined<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(
    Object.entries(o ?? {}).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}

function mergedData(row: LeadRow, req: TransitionRequest): LeadLifecycleData {
  const stored = row.lifecycle ?? {};
  const out: LeadLifecycleData = { ...stored };
  if (req.qualification)
    out.qualification = { ...stored.qualification, ...defined(req.qualification) };
  if (req.opportunity) out.opportunity = { ...stored.opportunity, ...defined(req.opportunity) };
  if (req.next_action !== undefined) out.next_action = req.next_action;
  if (req.next_action_date !== undefined) out.next_action_date = req.next_action_date;
  return out;
}

/**
 * Where the record stands: HaloPSA's ticket type and status when they map to a lifecycle state
 * (HaloPSA is the system of record; a hand edit there is adopted, never refused), else what
 * LeadBridge last recorded.
 */
function currentState(
  ctx: LifecycleContext,
  row: LeadRow,
  ticket: HaloTicketView,
): { state: LifecycleState | null; local: StateRef; external: boolean } {
  const local = { stage: row.stage, status: row.status };
  const seen = stageOf(ctx.config.halopsa.lifecycle, ticket.tickettype_id, ticket.status_id);
  const halo = seen.stage === "unknown" ? null : asLifecycleState(seen);
  if (halo && (halo.stage !== local.stage || halo.status !== local.status)) {
    return { state: halo, local, external: true };
  }
  return { state: asLifecycleState(local), local, external: false };
}

function planOne(
  ctx: LifecycleContext,
  w: { index: number; req: TransitionRequest; row: LeadRow },
  ticket: HaloTicketView | undefined,
  actor: TransitionActor,
): Planned | AppError {
  const { req, row } = w;
  const ticketId = row.haloTicketId as number;
  if (!ticket) {
    return new AppError("CONFLICT", "The lead's ticket no longer exists in HaloPSA", {
      details: { reason: "halopsa_ticket_missing", lead_id: row.id, ticket_id: ticketId },
    });
  }
  const { state: from, local, external } = currentState(ctx, row, ticket);
  const wanted = req.to ?? from ?? local;
  if (!from) return invalidTransition(local, wanted);
  const to = asLifecycleState(wanted);
  if (!to) return invalidTransition(from, wanted);
  if (req.from && (req.from.stage !== from.stage || req.from.status !== from.status)) {
    return invalidTransition(from, to);
  }
  const data = mergedData(row, req);
  const base = {
    index: w.index,
    req,
    row,
    ticketId,
    local,
    from,
    to,
    external: external ? { from: local, to: from } : null,
  };

  if (from.stage === to.stage && from.status === to.status) {
    const hasData = req.qualification !== undefined || req.opportunity !== undefined;
    const changed = [
      ...Object.keys(defined(req.qualification)).map((k) => `qualification_data.${k}`),
      ...Object.keys(defined(req.opportunity)).map((k) => `opportunity_data.${k}`),
    ];
    const why = req.reason ? `: ${req.reason}` : "";
    return {
      ...base,
      steps: [],
      data,
      update: hasData ? ticketUpdate(ctx.config, ticketId, ticket, to, data, {}) : null,
      notes:
        hasData && changed.length > 0
          ? [
              `${stateLabel(to)} updated by ${actorLabel(actor)} (${changed.join(", ")})${why}\n(${ctx.now.toISOString()})`,
            ]
          : [],
    };
  }

  let steps: LifecycleState[] | null;
  if (req.multi_step) steps = legalPath(from, to);
  else steps = checkTransition(from, to).ok ? [to] : null;
  if (!steps || steps.length === 0) return invalidTransition(from, to);

  const reason = req.reason ?? null;
  let prev: LifecycleState = from;
  let convertedAt: Date | undefined;
  const notes: string[] = [];
  for (const step of steps) {
    const unmet = missingRequirements(prev, step, {
      qualification: data.qualification,
      opportunity: data.opportunity,
      reason,
    });
    if (unmet.length > 0) return missing(unmet, from, step);
    if (step.stage === "opportunity" && (step.status === "won" || step.status === "lost")) {
      // The reason given is the opportunity's Win/Loss Reason (CF_304, oppreason).
      data.opportunity = {
        ...data.opportunity,
        win_loss_reason: reason ?? data.opportunity?.win_loss_reason ?? null,
      };
    }
    if (prev.stage === "prospect" && step.stage === "opportunity") convertedAt = ctx.now;
    notes.push(transitionNote(prev, step, actorLabel(actor), reason, noteExtras(step, data, ctx)));
    prev = step;
  }
  return {
    ...base,
    steps,
    data,
    update: ticketUpdate(ctx.config, ticketId, ticket, to, data, {
      convertedToOpportunityAt: convertedAt,
    }),
    notes,
  };
}

/** What a HaloPSA user reading the note needs besides the status line. */
function noteExtras(
  step: LifecycleState,
  data: LeadLifecycleData,
  ctx: LifecycleContext,
): string[] {
  const out: string[] = [];
  const o = data.opportunity;
  if (step.stage === "opportunity" && step.status === "new_opportunity" && o) {
    if (typeof o.value === "number") out.push(`Value: ${o.value}`);
    if (typeof o.probability === "number") out.push(`Probability: ${o.probability}%`);
    if (o.expected_close_date) out.push(`Expected close: ${o.expected_close_date}`);
  }
  if (data.next_action) {
    out.push(
      `Next action: ${data.next_action}${data.next_action_date ? ` (${data.next_action_date})` : ""}`,
    );
  }
  // Two identical notes on one ticket would read as a retry's duplicate (Actions are matched by
  // ticket and text after an uncertain POST), so each carries its time.
  out.push(`(${ctx.now.toISOString()})`);
  return out;
}

async function commit(
  ctx: LifecycleContext,
  planned: Planned[],
  actor: TransitionActor,
  claims: RunClaims,
  results: TransitionResult[],
): Promise<void> {
  // Renew the leases right before writing; a row taken over meanwhile is not written.
  const still = await claims.mark(
    "leads",
    planned.map((p) => p.row.id),
    false,
  );
  const go = planned.filter((p) => {
    if (still.has(p.row.id)) return true;
    results.push({ ok: false, index: p.index, lead_id: p.req.lead_id, error: busy(p.row.id) });
    return false;
  });

  await ctx.halo.writeTickets(go.flatMap((p) => (p.update ? [p.update] : [])));

  const notes = ctx.config.halopsa.transition_notes
    ? go.flatMap((p) => p.notes.map((note) => ({ ticket_id: p.ticketId, note, lead: p.row.id })))
    : [];
  const noteIds = new Map<string, number[]>();
  let noteError: string | null = null;
  if (notes.length > 0) {
    try {
      const ids = await ctx.halo.addNotes(
        notes.map(({ ticket_id, note }) => ({ ticket_id, note })),
      );
      notes.forEach((n, i) => {
        const id = ids[i];
        if (id !== undefined) noteIds.set(n.lead, [...(noteIds.get(n.lead) ?? []), id]);
      });
    } catch (err) {
      // The tickets have moved: the transition stands, the missing notes are logged.
      noteError = err instanceof Error ? err.message : String(err);
    }
  }

  const at = ctx.now.toISOString();
  const statements: Statement[] = [];
  const audit: AuditEntry[] = [];
  for (const p of go) {
    statements.push(
      lifecycleUpdateStatement(ctx.db, p.row.id, claims.token, {
        stage: p.to.stage,
        status: p.to.status,
        lifecycle: p.data,
        updatedAt: at,
      }),
    );
    audit.push(...auditEntries(ctx, p, actor, noteIds.get(p.row.id) ?? []));
    results.push({
      ok: true,
      index: p.index,
      lead_id: p.row.id,
      changed: p.steps.length > 0,
      from: p.from,
      to: p.to,
      steps: p.steps,
      external: p.external,
      halopsa: { ticket_id: p.ticketId, note_ids: noteIds.get(p.row.id) ?? [] },
      note_error: p.notes.length > 0 ? noteError : null,
      lifecycle: p.data,
    });
  }
  const all = [
    ...statements,
    ...auditStatements(ctx.db, audit, ctx.now),
    ...claims.releaseStatements(),
  ];
  const [first, ...rest] = all;
  // One D1 batch: lead rows, audit entries, their webhook events and the lease release commit
  // together or not at all.
  if (first) await ctx.db.batch([first, ...rest]);
  if (noteError !== null) {
    await recordError(
      ctx.db,
      {
        level: "warning",
        code: "LIFECYCLE_NOTES_FAILED",
        message: `Transition notes could not be written to HaloPSA: ${noteError.slice(0, 300)}`,
        source: "lifecycle",
        requestId: ctx.requestId,
        detail: { tickets: [...new Set(notes.map((n) => n.ticket_id))] },
      },
      ctx.now,
    ).catch(() => undefined);
  }
}

/** The audit entries of one lead's transition: a hand edit adopted, then each step. */
function auditEntries(
  ctx: LifecycleContext,
  p: Planned,
  actor: TransitionActor,
  noteIds: number[],
): AuditEntry[] {
  const out: AuditEntry[] = [];
  const ids = ctx.config.halopsa.lifecycle;
  const common = {
    actor: actorName(actor),
    entity: "lead",
    entityId: p.row.id,
    leadId: p.row.id,
    requestId: ctx.requestId,
  };
  if (p.external) {
    out.push({
      ...common,
      action: "lead.external_transition",
      rule: "halopsa_system_of_record",
      detail: { from: p.external.from, to: p.external.to, halopsa: { ticket_id: p.ticketId } },
    });
  }
  if (p.steps.length === 0) {
    if (p.update) {
      out.push({
        ...common,
        action: "lead.lifecycle_updated",
        rule: actor.kind === "rule" ? actor.rule : "api",
        detail: {
          state: p.to,
          lifecycle: p.data,
          reason: p.req.reason ?? null,
          halopsa: { ticket_id: p.ticketId, note_action_id: noteIds[0] ?? null },
        },
      });
    }
    return out;
  }
  let prev: LifecycleState = p.from;
  p.steps.forEach((step, i) => {
    const stageIds = ids[step.stage];
    const statuses: Record<string, number> = stageIds.statuses;
    out.push({
      ...common,
      action: "lead.transition",
      rule: actor.kind === "rule" ? actor.rule : "api",
      detail: {
        from: prev,
        to: step,
        reason: p.req.reason ?? null,
        conversion: prev.stage !== step.stage,
        value: step.stage === "opportunity" ? (p.data.opportunity?.value ?? null) : null,
        halopsa: {
          ticket_id: p.ticketId,
          tickettype_id: stageIds.ticket_type_id,
          status_id: statuses[step.status] ?? null,
          note_action_id: noteIds[i] ?? null,
        },
      },
    });
    prev = step;
  });
  return out;
}
