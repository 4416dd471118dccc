import { type AuditEntry, auditStatements } from "../db/audit";
import { runBatch, type Statement } from "../db/batch";
import { database } from "../db/client";
import { loadConfig } from "../db/config-repo";
import { feedbackInserts, type NewFeedback } from "../db/feedback-repo";
import {
  claimPropagations,
  type PropagationResult,
  propagationResultStatements,
  releasePropagationStatement,
} from "../db/propagations-repo";
import type { PropagationTarget } from "../db/schema";
import { haloClient } from "../halo/client";
import { HaloThrottledError, permanentHaloStatus } from "../halo/errors";
import { haloSettings } from "../halo/settings";
import { ProviderError } from "../providers/http";
import { pushToApollo } from "./apollo";
import { pushToHalo } from "./halopsa";

/**
 * Suppressions taken per run: one ticket POST and one note POST of up to 100 each, and a D1
 * batch well under a Worker invocation's 1,000 queries. A full run asks for another at once.
 */
export const DNC_BATCH = 100;
const LEASE_MS = 5 * 60_000;
/** After this many failed attempts a push is recorded as failed instead of retried. */
const MAX_ATTEMPTS = 5;
const ACTOR = "dnc-propagation";

const NO_API: Record<"zoominfo" | "hunter", string> = {
  zoominfo:
    "no provider API: ZoomInfo has no suppression or opt-out write endpoint (only DNC flags and /compliance to read); recorded in GET /feedback?provider=zoominfo",
  hunter:
    "no provider API: Hunter has no suppression endpoint (its opt-out is the 451 claimed_email it answers); recorded in GET /feedback?provider=hunter",
};

export interface PropagationRun {
  suppressions: number;
  results: PropagationResult[];
  /** Set when some pushes must wait: the message is sent again after this delay. */
  retryAfterMs: number | null;
  /** The run took a full batch: more may be waiting, send the message again now. */
  more: boolean;
}

/**
 * Works through the pending Do-Not-Contact pushes (the outbox rows `addSuppression` commits
 * with each new entry): HaloPSA (src/dnc/halopsa.ts), Apollo (src/dnc/apollo.ts), and the
 * honest "no provider API" for ZoomInfo and Hunter. Results, the local lead changes, the audit
 * and the feedback rows are committed in one D1 batch; a push that HaloPSA or Apollo throttled
 * goes back to pending and the caller re-sends the message after the wait.
 */
export async function runDncPropagation(env: Env, now: Date = new Date()): Promise<PropagationRun> {
  const db = database(env.DB);
  const token = crypto.randomUUID();
  const claimed = await claimPropagations(
    db,
    token,
    now.getTime(),
    now.getTime() + LEASE_MS,
    DNC_BATCH,
  );
  if (claimed.rows.length === 0) {
    return { suppressions: 0, results: [], retryAfterMs: null, more: false };
  }
  const { config } = await loadConfig(db);
  const byId = new Map(claimed.suppressions.map((s) => [s.id, s]));
  const attempts = new Map(claimed.rows.map((r) => [`${r.suppressionId}:${r.target}`, r.attempts]));
  const pending = (target: PropagationTarget) =>
    claimed.rows.flatMap((r) => {
      const s = r.target === target ? byId.get(r.suppressionId) : undefined;
      return s ? [s] : [];
    });

  const results: PropagationResult[] = [];
  const statements: Statement[] = [];
  const audit: AuditEntry[] = [];
  const feedback: NewFeedback[] = [];
  const released: { target: PropagationTarget; detail: string }[] = [];
  let retryAfterMs: number | null = null;
  const wait = (ms: number) => {
    retryAfterMs = Math.max(retryAfterMs ?? 0, ms);
  };
  /** A failure: give the rows back, or record them failed once they used up their attempts. */
  const giveBack = (target: PropagationTarget, rows: { id: string }[], message: string) => {
    for (const s of rows) {
      if ((attempts.get(`${s.id}:${target}`) ?? 0) + 1 >= MAX_ATTEMPTS) {
        results.push({ suppressionId: s.id, target, status: "failed", detail: message });
      }
    }
    released.push({ target, detail: `will retry: ${message}` });
  };

  // HaloPSA.
  const forHalo = pending("halopsa");
  if (forHalo.length > 0) {
    const halo = haloClient(env, haloSettings(env, config));
    const retry = forHalo.some((s) => (attempts.get(`${s.id}:halopsa`) ?? 0) > 0);
    const step = await pushToHalo(db, halo, config, forHalo, ACTOR, now, retry);
    if (step.error === null) {
      results.push(...step.results);
      statements.push(...step.statements);
      audit.push(...step.audit);
    } else if (step.error instanceof HaloThrottledError) {
      released.push({ target: "halopsa", detail: "HaloPSA's rate window is full; will retry" });
      wait(step.error.retryAfterMs);
    } else {
      const message = step.error instanceof Error ? step.error.message : String(step.error);
      if (permanentHaloStatus(message) !== null) {
        results.push(
          ...forHalo.map((s) => ({
            suppressionId: s.id,
            target: "halopsa" as const,
            status: "failed" as const,
            detail: message.slice(0, 1000),
          })),
        );
      } else {
        giveBack("halopsa", forHalo, message.slice(0, 500));
        wait(30_000);
      }
    }
  }

  // Apollo.
  const forApollo = pending("apollo");
  try {
    const step = await pushToApollo(env, db, config, forApollo, now);
    results.push(...step.results);
    if (step.throttle) {
      released.push({ target: "apollo", detail: `Apollo asked to wait (${step.throttle.reason})` });
      wait(step.throttle.retryAfterMs);
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof ProviderError && err.status >= 400 && err.status < 500) {
      const decided = new Set(
        results.filter((r) => r.target === "apollo").map((r) => r.suppressionId),
      );
      results.push(
        ...forApollo
          .filter((s) => !decided.has(s.id))
          .map((s) => ({
            suppressionId: s.id,
            target: "apollo" as const,
            status: "failed" as const,
            detail: message.slice(0, 1000),
          })),
      );
    } else {
      giveBack("apollo", forApollo, message.slice(0, 500));
      wait(30_000);
    }
  }

  // ZoomInfo and Hunter: no API takes an opt-out. Say so, and keep it for hand-over.
  for (const target of ["zoominfo", "hunter"] as const) {
    for (const s of pending(target)) {
      results.push({
        suppressionId: s.id,
        target,
        status: "no_provider_api",
        detail: NO_API[target],
      });
      feedback.push({
        provider: target,
        kind: "opt_out",
        leadId: null,
        email: s.kind === "email" ? s.value : null,
        detail: {
          suppression_id: s.id,
          kind: s.kind,
          value: s.value,
          origin: s.origin,
          reason: s.reason,
        },
      });
    }
  }

  for (const s of claimed.suppressions) {
    const mine = results.filter((r) => r.suppressionId === s.id);
    if (mine.length === 0) continue;
    audit.push({
      actor: ACTOR,
      action: "suppression.propagated",
      entity: "suppression",
      entityId: s.id,
      rule: "dnc_propagation",
      detail: {
        kind: s.kind,
        value: s.value,
        origin: s.origin,
        results: Object.fromEntries(
          mine.map((r) => [r.target, { status: r.status, detail: r.detail }]),
        ),
      },
    });
  }

  await runBatch(db, [
    ...statements,
    ...propagationResultStatements(db, token, results, now),
    ...released.map((r) =>
      releasePropagationStatement(
        db,
        token,
        r.target,
        r.detail,
        now,
        now.getTime() + (retryAfterMs ?? 30_000),
      ),
    ),
    ...auditStatements(db, audit, now),
    ...feedbackInserts(db, feedback, now),
  ]);
  const taken = new Set(claimed.rows.map((r) => r.suppressionId)).size;
  return {
    suppressions: claimed.suppressions.length,
    results,
    retryAfterMs,
    more: taken >= DNC_BATCH,
  };
}
