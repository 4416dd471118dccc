import { type AuditEntry, writeAudit } from "../db/audit";
import { runBatch } from "../db/batch";
import { findLeadsByDedupKeys, findLeadsByEmails } from "../db/leads-repo";
import { outboxStatements } from "../db/outbox-repo";
import { addSuppressions, findSuppressions } from "../db/suppressions-repo";
import { mergeByPrecedence } from "../domain/precedence";
import { providerOptOutSuppressions } from "../domain/suppression";
import type { ImportContext } from "./context";
import { createLeads } from "./create-leads";
import { mergeLeads } from "./merge-leads";
import { emptyOutcome, type ImportOutcome } from "./outcome";
import { prepareRecord } from "./prepare";
import { applySuppressions } from "./suppress";
import type { WorkItem } from "./work-item";

export interface ImportInput {
  index: number;
  source: unknown;
  data: unknown;
}

/**
 * The import path shared by single syncs, bulk chunks and provider syncs: normalise, suppress,
 * de-duplicate against D1, then create or merge in HaloPSA with as few calls as the API allows.
 * With `ctx.halo === null` it is a dry run: the same decisions, nothing written.
 *
 * Every submitted index gets exactly one outcome. State is persisted after each HaloPSA phase,
 * so a run cut short (throttled, crashed) resumes on retry without creating anything twice.
 */
export async function importLeads(
  ctx: ImportContext,
  inputs: ImportInput[],
): Promise<ImportOutcome[]> {
  const outcomes: ImportOutcome[] = [];
  const audit: AuditEntry[] = [];
  const items: WorkItem[] = [];

  for (const input of inputs) {
    for (const prepared of prepareRecord(input.source, input.data, ctx.now)) {
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
  // later one, whichever provider the person comes back from.
  if (ctx.halo !== null) {
    const optOuts = items.flatMap((it) => providerOptOutSuppressions(it.lead, ctx.now));
    await addSuppressions(
      ctx.db,
      optOuts.map((e) => ({
        kind: e.kind,
        value: e.value,
        reason: e.reason,
        origin: e.origin,
        createdBy: ctx.actor,
      })),
      ctx.now,
    );
  }
  const suppressionRows = await findSuppressions(
    ctx.db,
    items.flatMap((it) => it.suppressionKeys.map((k) => ({ kind: k.kind, value: k.value }))),
  );
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
  await attachExisting(ctx, grouped);

  const toCreate = grouped.filter(
    (it) => it.existing === null || it.existing.haloTicketId === null,
  );
  const toMerge = grouped.filter((it) => it.existing !== null && it.existing.haloTicketId !== null);
  // Merges are planned first so their updates ride in the same array POSTs as the creates.
  const merged = await mergeLeads(ctx, toMerge);
  const created = await createLeads(ctx, toCreate, merged);
  outcomes.push(...created.outcomes);
  if (created.updateError === null) {
    // The merges' events (lead.updated, lead.status_changed) commit with them (the outbox).
    if (ctx.halo !== null)
      await runBatch(ctx.db, [
        ...merged.statements,
        ...outboxStatements(ctx.db, merged.audit, ctx.now),
      ]);
    outcomes.push(...merged.outcomes);
    audit.push(...created.audit, ...merged.audit);
  } else {
    const error = { code: "EXTERNAL_API_ERROR", message: created.updateError };
    outcomes.push(
      ...merged.outcomes.map((o) =>
        o.action === "updated" ? { ...o, action: "failed" as const, error } : o,
      ),
    );
    // A merge HaloPSA did not take is still a decision worth an audit entry: say it failed.
    audit.push(
      ...created.audit,
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

  if (ctx.halo !== null) {
    // A suppressed lead changes nothing but the audit log: its event commits with that entry.
    const events = outboxStatements(ctx.db, audit, ctx.now, ["lead.suppressed"]);
    await writeAudit(ctx.db, audit, ctx.now, events);
  }
  return outcomes.sort((a, b) => a.index - b.index);
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
    out.push({
      ...first,
      lead: merged?.lead ?? first.lead,
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
