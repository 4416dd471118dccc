import { importRollupStatements } from "../db/analytics-repo";
import { type AuditEntry, auditStatements, writeAudit } from "../db/audit";
import { runBatch } from "../db/batch";
import { findLeadsByDedupKeys, findLeadsByEmails, heldKeys, loadSources } from "../db/leads-repo";
import { addSuppressions, findSuppressions } from "../db/suppressions-repo";
import { safeParseFast } from "../domain/fast-parse";
import { minuteOf } from "../domain/latency";
import { type CanonicalLead, CanonicalLeadSchema } from "../domain/lead";
import { CANONICAL_LEAD_VERSION } from "../domain/lead-version";
import { mergeByPrecedence } from "../domain/precedence";
import { recordText } from "../domain/record-text";
import { providerOptOutSuppressions } from "../domain/suppression";
import { apolloDncStageIds } from "./apollo-dnc-stages";
import { RunClaims } from "./claims";
import type { ImportContext } from "./context";
import { createLeads } from "./create-leads";
import { deferredOutcomes, dryRunCreates } from "./create-outcomes";
import { mergeLeads } from "./merge-leads";
import { writeMergeNotes } from "./merge-notes";
import { emptyOutcome, type ImportOutcome } from "./outcome";
import { prepareRecord } from "./prepare";
import { readBackTransitions } from "./read-back";
import { countBySource } from "./rollup";
import { applySuppressions } from "./suppress";
import type { WorkItem } from "./work-item";

export interface ImportInput {
  index: number;
  source: unknown;
  data: unknown;
}

export interface ImportRunOptions {
  /**
   * How long to wait for people (or companies) another run is writing before answering
   * "deferred" for them: a single sync waits a few seconds, a queue chunk hands them back at
   * once (0) and is re-delivered shortly.
   */
  waitForBusyMs?: number;
  /** Injected for tests; defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The import path shared by single syncs, bulk chunks and provider syncs: normalise, suppress,
 * de-duplicate against D1, then create or merge in HaloPSA with as few calls as the API allows.
 * With `ctx.halo === null` it is a dry run: the same decisions, taken in memory, nothing written.
 *
 * Every submitted index gets exactly one outcome. State is persisted after each HaloPSA phase,
 * so a run cut short (throttled, crashed) resumes on retry without creating anything twice;
 * leases (claims.ts) make each person's and company's writes exclusive to one run at a time.
 */
export async function importLeads(
  ctx: ImportContext,
  inputs: ImportInput[],
  run: ImportRunOptions = {},
): Promise<ImportOutcome[]> {
  const outcomes: ImportOutcome[] = [];
  const audit: AuditEntry[] = [];
  const items: WorkItem[] = [];

  // Apollo's DNC contact stage is an opt-out (providers.md §1.3): its ids come from the config
  // or the cache the Apollo sync and the DNC push fill (one D1 read, only for Apollo records).
  const normalise = inputs.some((i) => i.source === "apollo")
    ? { apollo: { dncStageIds: await apolloDncStageIds(ctx.db, ctx.config) } }
    : {};
  for (const input of inputs) {
    for (const prepared of prepareRecord(input.source, input.data, ctx.now, normalise)) {
      if (!prepared.ok) {
        const o = emptyOutcome(input.index, "rejected");
        o.issues = prepared.issues;
        o.reasons = prepared.issues.map((i) => ({
          code: i.code,
          message: `${i.field}: ${i.message}`,
        }));
        outcomes.push(o);
        audit.push(rejectAudit(ctx, o));
        continue;
      }
      items.push({
        indexes: [input.index],
        lead: prepared.lead,
        score: prepared.score,
        dedupKey: prepared.dedupKey,
        companyKey: prepared.companyKey,
        suppressionKeys: prepared.suppressionKeys,
        warnings: prepared.warnings,
        actions: [],
        existing: null,
      });
    }
  }

  // Provider opt-outs become local suppressions first, so they block this import and every
  // later one, whichever provider the person comes back from. A dry run keeps them in memory
  // and takes the same decision.
  const optOuts = items
    .flatMap((it) => providerOptOutSuppressions(it.lead, ctx.now))
    .map((e) => ({
      kind: e.kind,
      value: e.value,
      reason: e.reason,
      origin: e.origin,
      createdBy: ctx.actor,
    }));
  if (ctx.halo !== null) await addSuppressions(ctx.db, optOuts);
  const suppressionRows = await findSuppressions(
    ctx.db,
    items.flatMap((it) => it.suppressionKeys.map((k) => ({ kind: k.kind, value: k.value }))),
  );
  if (ctx.halo === null) {
    const at = ctx.now.toISOString();
    suppressionRows.push(...optOuts.map((e) => ({ ...e, id: "(dry-run)", createdAt: at })));
  }
  const live: WorkItem[] = [];
  for (const it of items) {
    const verdict = applySuppressions(it, suppressionRows);
    if (verdict.kind === "suppressed") {
      for (const index of it.indexes) {
        const o = emptyOutcome(index, "suppressed");
        o.reasons = verdict.reasons;
        o.quality_score = it.score;
        outcomes.push(o);
        audit.push({
          actor: ctx.actor,
          action: "lead.suppressed",
          entity: "lead",
          rule: "suppression_list",
          detail: { index, dedup_key: it.dedupKey.value, reasons: verdict.reasons },
          requestId: ctx.requestId,
        });
      }
      continue;
    }
    live.push(verdict.item);
  }

  const grouped = groupByPerson(live);
  if (ctx.halo === null) {
    outcomes.push(...(await dryRun(ctx, grouped)));
    return outcomes.sort((a, b) => a.index - b.index);
  }
  outcomes.push(...(await writeWithClaims(ctx, grouped, run)));
  // The run's outcomes join the analytics rollup in the same batch as its audit: no extra trip.
  await runBatch(ctx.db, [
    ...auditStatements(ctx.db, audit, ctx.now),
    ...importRollupStatements(ctx.db, minuteOf(ctx.now), countBySource(inputs, outcomes)),
  ]);
  return outcomes.sort((a, b) => a.index - b.index);
}

/**
 * Writes the batch in passes: each pass takes the leases it can, writes those people and
 * releases everything; people another run holds are retried after a short, growing pause
 * while the caller's patience lasts. Nothing is held while waiting, so runs never deadlock.
 */
async function writeWithClaims(
  ctx: ImportContext,
  items: WorkItem[],
  run: ImportRunOptions,
): Promise<ImportOutcome[]> {
  const sleep = run.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const clock = ctx.leases?.clock ?? Date.now;
  const deadline = Date.now() + (run.waitForBusyMs ?? 0);
  const outcomes: ImportOutcome[] = [];
  let todo = items;
  let attempt = 0;
  while (todo.length > 0) {
    const pass = await writePass(ctx, todo);
    outcomes.push(...pass.outcomes);
    todo = pass.busy;
    // Wait until one of them is free: a single read per poll, so waiting runs do not crowd
    // D1 while the holder works (twenty syncs of one person take turns, one merge each).
    let ready = false;
    while (todo.length > 0 && !ready) {
      const delay = busyDelayMs(++attempt);
      if (Date.now() + delay > deadline) break;
      await sleep(delay);
      const keys = await heldKeys(
        ctx.db,
        todo.map((it) => it.dedupKey.value),
        todo.flatMap((it) => (it.companyKey ? [it.companyKey.value] : [])),
        clock(),
      );
      // Free to take, or finished by its holder (the next pass may answer from that result).
      ready = todo.some(
        (it) =>
          keys.finished.has(it.dedupKey.value) ||
          (!keys.held.has(it.dedupKey.value) &&
            !(it.companyKey && keys.held.has(it.companyKey.value))),
      );
    }
    if (!ready) break;
  }
  outcomes.push(...todo.flatMap(deferredOutcomes));
  return outcomes;
}

/** 20 ms doubling to 250 ms, with jitter so waiting runs do not come back in lockstep. */
function busyDelayMs(attempt: number): number {
  const ceiling = Math.min(250, 20 * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/**
 * One pass: take the people's leases, plan the merges, create the new people (their merges
 * riding along), then record results, audit and the release of every lease in one D1 batch.
 */
async function writePass(
  ctx: ImportContext,
  items: WorkItem[],
): Promise<{ outcomes: ImportOutcome[]; busy: WorkItem[] }> {
  const claims = new RunClaims(ctx.db, ctx.leases);
  try {
    for (const it of items) it.recreated = undefined;
    await attachExisting(ctx, items);
    const taken = await claims.takeLeads(ctx, items);
    const { held } = taken;
    // The same record another run has just written needs no writer of its own.
    const unchanged = await answerFromFinished(ctx, taken.busy);
    const busy = unchanged.rest;
    if (held.length === 0) {
      await writeAudit(ctx.db, unchanged.audit, ctx.now);
      return { outcomes: unchanged.outcomes, busy };
    }

    const toCreate = held.filter((it) => it.existing?.haloTicketId == null);
    const toMerge = held.filter((it) => it.existing?.haloTicketId != null);
    // Merges are planned first so their updates ride in the same array POSTs as the creates.
    const merged = await mergeLeads(ctx, toMerge);
    const created = await createLeads(ctx, claims, [...toCreate, ...merged.recreate], merged);

    const outcomes = [...unchanged.outcomes, ...created.outcomes];
    const audit = [...unchanged.audit, ...created.audit];
    const statements = [...created.statements];
    if (created.updateError === null) {
      statements.push(...merged.statements);
      outcomes.push(...merged.outcomes);
      // Moves made by hand in HaloPSA, read back by the merge, audited as lifecycle transitions.
      const tickets = new Map(toMerge.map((it) => [it.existing?.id, it.existing?.haloTicketId]));
      audit.push(...readBackTransitions(merged.audit, (id) => tickets.get(id) ?? null));
      // HaloPSA took the updates: the merges' private notes, one Actions POST, best-effort.
      statements.push(...(await writeMergeNotes(ctx, toMerge, merged.audit)));
    } else {
      const error = { code: "EXTERNAL_API_ERROR", message: created.updateError };
      outcomes.push(
        ...merged.outcomes.map((o) =>
          o.action === "updated" ? { ...o, action: "failed" as const, error } : o,
        ),
      );
      // A merge HaloPSA did not take is still a decision worth an audit entry: say it failed.
      audit.push(
        ...merged.audit.map((a) =>
          a.action === "lead.updated"
            ? {
                ...a,
                action: "lead.failed",
                rule: "EXTERNAL_API_ERROR",
                detail: { error, merge: a.detail },
              }
            : a,
        ),
      );
    }
    await runBatch(ctx.db, [
      ...statements,
      ...auditStatements(ctx.db, audit, ctx.now),
      ...claims.releaseStatements(),
    ]);
    return { outcomes, busy: [...busy, ...created.busy] };
  } catch (err) {
    // Throttled or failed mid-run: give the leases back now rather than at expiry. What was
    // written is on the rows (`write_pending`), so the next run resumes without duplicates.
    await claims.release().catch(() => undefined);
    throw err;
  }
}

/**
 * People another run holds whose lead is finished and whose stored record from this provider
 * is the one submitted now (a retried or duplicated request): nothing would change, so they
 * are answered "preserved" from that result without a lease — no HaloPSA call, no row write.
 */
async function answerFromFinished(
  ctx: ImportContext,
  items: WorkItem[],
): Promise<{ outcomes: ImportOutcome[]; audit: AuditEntry[]; rest: WorkItem[] }> {
  const finished = items.filter((it) => it.existing?.haloTicketId != null);
  if (finished.length === 0) return { outcomes: [], audit: [], rest: items };
  const sources = await loadSources(
    ctx.db,
    finished.map((it) => it.existing?.id ?? ""),
  );
  const outcomes: ImportOutcome[] = [];
  const audit: AuditEntry[] = [];
  const rest: WorkItem[] = [];
  for (const it of items) {
    const row = it.existing;
    const stored = row
      ? sources.get(row.id)?.find((s) => s.source === it.lead.provenance.source)
      : undefined;
    if (!row || row.haloTicketId === null || !stored || !sameRecord(stored, it.lead)) {
      rest.push(it);
      continue;
    }
    const reasons = [
      { code: "unchanged", message: "the same record was just written by a concurrent import" },
    ];
    for (const index of it.indexes) {
      const o = emptyOutcome(index, "preserved");
      o.lead_id = row.id;
      o.halopsa = {
        client_id: row.haloClientId,
        site_id: row.haloSiteId,
        user_id: row.haloUserId,
        ticket_id: row.haloTicketId,
      };
      o.actions_taken = [...it.actions, "lead_preserved"];
      o.quality_score = it.score;
      o.lists = row.lists;
      o.reasons = reasons;
      o.issues = it.warnings;
      outcomes.push(o);
    }
    audit.push({
      actor: ctx.actor,
      action: "lead.preserved",
      entity: "lead",
      entityId: row.id,
      leadId: row.id,
      rule: "unchanged",
      detail: { source: it.lead.provenance.source, reasons, indexes: it.indexes },
      requestId: ctx.requestId,
    });
  }
  return { outcomes, audit, rest };
}

/**
 * Two records of one provider say the same, whenever they were fetched. The incoming lead is
 * the normaliser's own canonical lead; a stored one written under the current schema is one too
 * (domain/lead-version.ts), so only an older row is read back through the schema first.
 */
function sameRecord(
  stored: { record: unknown; schemaVersion?: string | null },
  incoming: CanonicalLead,
): boolean {
  let record: CanonicalLead;
  if (stored.schemaVersion === CANONICAL_LEAD_VERSION) record = stored.record as CanonicalLead;
  else {
    const parsed = safeParseFast(CanonicalLeadSchema, stored.record);
    if (!parsed.success) return false;
    record = parsed.data;
  }
  return recordText(record) === recordText(incoming);
}

/** What a sync would do now, decided in memory: nothing is claimed, read from HaloPSA or written. */
async function dryRun(ctx: ImportContext, items: WorkItem[]): Promise<ImportOutcome[]> {
  await attachExisting(ctx, items);
  const toCreate = items.filter((it) => it.existing?.haloTicketId == null);
  const toMerge = items.filter((it) => it.existing?.haloTicketId != null);
  const merged = await mergeLeads(ctx, toMerge);
  return [...dryRunCreates(ctx, toCreate), ...merged.outcomes];
}

/**
 * The same person twice in one batch (same dedup key) becomes one lead: the records merge by
 * the seed's provider precedence, and the later indexes report "merged".
 */
function groupByPerson(items: WorkItem[]): WorkItem[] {
  const byKey = new Map<string, WorkItem[]>();
  for (const it of items) {
    const list = byKey.get(it.dedupKey.value) ?? [];
    list.push(it);
    byKey.set(it.dedupKey.value, list);
  }
  const out: WorkItem[] = [];
  for (const group of byKey.values()) {
    const [first, ...rest] = group;
    if (!first) continue;
    if (rest.length === 0) {
      out.push(first);
      continue;
    }
    const merged = mergeByPrecedence(group.map((g) => g.lead));
    const firstOfSource = new Map<string, CanonicalLead>();
    for (const g of group)
      for (const l of g.sourceRecords ?? [g.lead])
        if (!firstOfSource.has(l.provenance.source)) firstOfSource.set(l.provenance.source, l);
    out.push({
      ...first,
      lead: merged?.lead ?? first.lead,
      sourceRecords: [...firstOfSource.values()],
      score: Math.max(...group.map((g) => g.score)),
      indexes: group.flatMap((g) => g.indexes),
      actions: [...first.actions, "merged_duplicates_in_batch"],
    });
  }
  return out;
}

/** Finds each person in the dedup index, by dedup key and, failing that, by email. */
async function attachExisting(ctx: ImportContext, items: WorkItem[]): Promise<void> {
  const byKey = await findLeadsByDedupKeys(
    ctx.db,
    items.map((it) => it.dedupKey.value),
  );
  const emails = items
    .filter((it) => !byKey.has(it.dedupKey.value) && it.lead.person.email !== null)
    .map((it) => it.lead.person.email ?? "");
  const byEmail = emails.length > 0 ? await findLeadsByEmails(ctx.db, emails) : new Map();
  for (const it of items) {
    it.existing =
      byKey.get(it.dedupKey.value) ??
      (it.lead.person.email ? (byEmail.get(it.lead.person.email) ?? null) : null);
  }
}

function rejectAudit(ctx: ImportContext, o: ImportOutcome): AuditEntry {
  return {
    actor: ctx.actor,
    action: "lead.rejected",
    entity: "lead",
    rule: o.issues[0]?.code ?? "invalid",
    detail: { index: o.index, issues: o.issues },
    requestId: ctx.requestId,
  };
}
