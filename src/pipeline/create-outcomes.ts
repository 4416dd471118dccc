import type { AuditEntry } from "../db/audit";
import { SOURCE_LABELS } from "../domain/lead";
import type { ImportContext } from "./context";
import { emptyOutcome, type ImportOutcome } from "./outcome";
import { buildPayloads } from "./payloads";
import type { Pending } from "./pending";
import type { WorkItem } from "./work-item";
import type { Failure } from "./write-pending";

/** What a created person reports: one outcome per submitted index, one audit entry. */
export function createdResult(
  ctx: ImportContext,
  p: Pending,
): { outcomes: ImportOutcome[]; audit: AuditEntry } {
  const recreated = p.item.recreated ?? null;
  const actions = [
    ...p.item.actions,
    recreated ? "lead_recreated" : "lead_created",
    ...(Object.keys(p.built.payloads.custom).length > 0 ? ["custom_fields_populated"] : []),
    ...(p.built.lists.length > 0 ? ["list_assigned"] : []),
  ];
  const halopsa = {
    client_id: p.company.haloClientId,
    site_id: p.company.haloSiteId,
    user_id: p.row.haloUserId,
    ticket_id: p.row.haloTicketId,
  };
  const reason = recreated
    ? {
        code: "halopsa_record_deleted",
        message: `deleted in HaloPSA, created again: ${recreated.gone.join(", ")}`,
      }
    : { code: "new_lead", message: `no record for ${p.item.dedupKey.value}` };
  const outcomes = p.item.indexes.map((index, n) => {
    const o = emptyOutcome(index, n === 0 ? "created" : "merged");
    o.lead_id = p.row.id;
    o.halopsa = halopsa;
    o.actions_taken = actions;
    o.quality_score = p.item.score;
    o.lists = p.built.lists;
    o.fields_updated = Object.keys(p.built.personFields);
    o.issues = p.item.warnings;
    o.reasons = [reason];
    return o;
  });
  const audit: AuditEntry = {
    actor: ctx.actor,
    action: recreated ? "lead.recreated" : "lead.created",
    entity: "lead",
    entityId: p.row.id,
    leadId: p.row.id,
    rule: reason.code,
    detail: {
      source: p.item.lead.provenance.source,
      source_label: SOURCE_LABELS[p.item.lead.provenance.source],
      dedup_key: p.item.dedupKey.value,
      quality_score: p.item.score,
      halopsa,
      ...(recreated ? { deleted_in_halopsa: recreated.gone, previous: recreated.previous } : {}),
      lists: p.built.lists,
      actions_taken: actions,
      indexes: p.item.indexes,
    },
    requestId: ctx.requestId,
  };
  return { outcomes, audit };
}

export function failedAudit(ctx: ImportContext, p: Pending, error: Failure): AuditEntry {
  return {
    actor: ctx.actor,
    action: "lead.failed",
    entity: "lead",
    leadId: p.row.id,
    rule: error.code,
    detail: { error, indexes: p.item.indexes },
    requestId: ctx.requestId,
  };
}

export function failedOutcomes(
  it: WorkItem,
  error: Failure,
  leadId: string | null = null,
): ImportOutcome[] {
  return it.indexes.map((index) => {
    const o = emptyOutcome(index, "failed");
    o.lead_id = leadId;
    o.error = error;
    o.quality_score = it.score;
    return o;
  });
}

/** A person another writer holds: nothing was written; the caller waits or retries later. */
export function deferredOutcomes(it: WorkItem): ImportOutcome[] {
  return it.indexes.map((index) => {
    const o = emptyOutcome(index, "deferred");
    o.lead_id = it.existing?.id ?? null;
    o.quality_score = it.score;
    o.error = {
      code: "LEAD_BUSY",
      message: "another import is writing this person or their company to HaloPSA",
    };
    return o;
  });
}

/** What a create would do, without writing: the payloads and lists, no ids. */
export function dryRunCreates(ctx: ImportContext, items: WorkItem[]): ImportOutcome[] {
  return items.flatMap((it) => {
    const built = buildPayloads(
      it.lead,
      it.score,
      { leadId: "(new)", companyKey: it.companyKey?.value ?? "(new)" },
      ctx.config,
      ctx.options,
      ctx.now,
    );
    return it.indexes.map((index, n) => {
      const o = emptyOutcome(index, n === 0 ? "created" : "merged");
      o.lead_id = it.existing?.id ?? null;
      o.quality_score = it.score;
      o.lists = built.lists;
      o.fields_updated = Object.keys(built.personFields);
      o.issues = it.warnings;
      o.actions_taken = [...it.actions, "lead_created"];
      o.reasons = [
        it.existing
          ? { code: "resume_create", message: "an earlier import did not finish; it would resume" }
          : { code: "new_lead", message: `no record for ${it.dedupKey.value}` },
      ];
      return o;
    });
  });
}
