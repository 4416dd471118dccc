import type { AuditEntry } from "../db/audit";
import { runBatch } from "../db/batch";
import {
  type CompanyRow,
  claimCompanies,
  claimLeads,
  findCompaniesByIds,
  type LeadRow,
  replaceListsStatements,
  saveSourceStatement,
  updateCompanyStatement,
  updateLeadStatement,
} from "../db/leads-repo";
import { outboxStatements } from "../db/outbox-repo";
import { SOURCE_LABELS } from "../domain/lead";
import { HaloThrottledError } from "../halo/errors";
import { newId } from "../ids";
import type { ImportContext } from "./context";
import type { CreateOptions, HaloRecordUpdate } from "./halo-port";
import { emptyOutcome, type ImportOutcome } from "./outcome";
import { buildPayloads, type LeadPayloads } from "./payloads";
import type { WorkItem } from "./work-item";

interface Pending {
  item: WorkItem;
  row: LeadRow;
  company: CompanyRow;
  built: LeadPayloads;
  failed: { code: string; message: string } | null;
}

/**
 * Creates new people in HaloPSA: one array POST per entity for the whole batch, in dependency
 * order (clients, sites, users, tickets), skipping whatever an earlier, interrupted attempt
 * already created. A known company costs no client or site call.
 */
export async function createLeads(
  ctx: ImportContext,
  items: WorkItem[],
  updates: { users: HaloRecordUpdate[]; tickets: HaloRecordUpdate[] } = { users: [], tickets: [] },
): Promise<{ outcomes: ImportOutcome[]; audit: AuditEntry[]; updateError: string | null }> {
  if (ctx.halo === null) return { ...dryRun(ctx, items), updateError: null };
  const at = ctx.now.toISOString();

  // 1. Claim the dedup keys in D1 before any HaloPSA write: the UNIQUE index makes a concurrent
  //    import of the same person wait for this one instead of creating a duplicate.
  const fresh = items.filter((it) => it.existing === null);
  const claimed = await claimLeads(
    ctx.db,
    fresh.map((it) => ({
      id: newId("ld", ctx.now.getTime()),
      dedupKey: it.dedupKey.value,
      dedupKind: it.dedupKey.kind,
      email: it.lead.person.email,
      fullName: it.lead.person.full_name,
      companyName: it.lead.company.name,
      stage: "lead",
      status: "new_lead",
      qualityScore: it.score,
      source: it.lead.provenance.source,
      sources: [it.lead.provenance.source],
      lists: [],
      canonical: it.lead,
      written: {},
      updatedAt: at,
    })),
  );
  for (const it of fresh) it.existing = claimed.get(it.dedupKey.value) ?? null;

  // 2. Companies, by company key; a person without any company gets a client of their own.
  // A person already placed at a company (an interrupted import, or the tenant index) stays
  // there: their user lives at that client, whatever key this record's company gives.
  const placed = await findCompaniesByIds(
    ctx.db,
    items.flatMap((it) => (it.existing?.companyId ? [it.existing.companyId] : [])),
  );
  const companyKeyOf = (it: WorkItem, row: LeadRow) => it.companyKey?.value ?? `lead:${row.id}`;
  const companies = await claimCompanies(
    ctx.db,
    items.flatMap((it) =>
      it.existing && !(it.existing.companyId && placed.has(it.existing.companyId))
        ? [
            {
              id: newId("co", ctx.now.getTime()),
              companyKey: companyKeyOf(it, it.existing),
              name: it.lead.company.name,
              domain: it.lead.company.domain,
              written: {},
              updatedAt: at,
            },
          ]
        : [],
    ),
  );

  const pending: Pending[] = [];
  const outcomes: ImportOutcome[] = [];
  for (const it of items) {
    const row = it.existing;
    const company = row
      ? ((row.companyId ? placed.get(row.companyId) : undefined) ??
        companies.get(companyKeyOf(it, row)))
      : undefined;
    if (!row || !company) {
      outcomes.push(...failed(it, { code: "INTERNAL_ERROR", message: "could not claim the lead" }));
      continue;
    }
    const built = buildPayloads(
      it.lead,
      it.score,
      { leadId: row.id, companyKey: company.companyKey },
      ctx.config,
      ctx.options,
      ctx.now,
    );
    pending.push({ item: it, row, company, built, failed: null });
  }

  await createCompanies(ctx, pending);
  const updateError = await createPeople(ctx, pending, updates);

  const audit: AuditEntry[] = [];
  const statements = [];
  for (const p of pending) {
    if (p.failed) {
      outcomes.push(...failed(p.item, p.failed, p.row.id));
      audit.push({
        actor: ctx.actor,
        action: "lead.failed",
        entity: "lead",
        leadId: p.row.id,
        rule: p.failed.code,
        detail: { error: p.failed, indexes: p.item.indexes },
        requestId: ctx.requestId,
      });
      continue;
    }
    statements.push(
      saveSourceStatement(ctx.db, {
        leadId: p.row.id,
        source: p.item.lead.provenance.source,
        record: p.item.lead,
        receivedAt: at,
      }),
      ...replaceListsStatements(ctx.db, p.row.id, p.built.lists, at),
    );
    const actions = [
      ...p.item.actions,
      "lead_created",
      ...(Object.keys(p.built.payloads.custom).length > 0 ? ["custom_fields_populated"] : []),
      ...(p.built.lists.length > 0 ? ["list_assigned"] : []),
    ];
    p.item.indexes.forEach((index, n) => {
      const o = emptyOutcome(index, n === 0 ? "created" : "merged");
      o.lead_id = p.row.id;
      o.halopsa = {
        client_id: p.company.haloClientId,
        site_id: p.company.haloSiteId,
        user_id: p.row.haloUserId,
        ticket_id: p.row.haloTicketId,
      };
      o.actions_taken = actions;
      o.quality_score = p.item.score;
      o.lists = p.built.lists;
      o.fields_updated = Object.keys(p.built.personFields);
      o.issues = p.item.warnings;
      o.reasons = [{ code: "new_lead", message: `no record for ${p.item.dedupKey.value}` }];
      outcomes.push(o);
    });
    audit.push({
      actor: ctx.actor,
      action: "lead.created",
      entity: "lead",
      entityId: p.row.id,
      leadId: p.row.id,
      rule: "new_lead",
      detail: {
        source: p.item.lead.provenance.source,
        source_label: SOURCE_LABELS[p.item.lead.provenance.source],
        dedup_key: p.item.dedupKey.value,
        quality_score: p.item.score,
        halopsa: {
          client_id: p.company.haloClientId,
          site_id: p.company.haloSiteId,
          user_id: p.row.haloUserId,
          ticket_id: p.row.haloTicketId,
        },
        lists: p.built.lists,
        actions_taken: actions,
        indexes: p.item.indexes,
      },
      requestId: ctx.requestId,
    });
  }
  // lead.created events commit with the records that make the leads exist (the outbox).
  await runBatch(ctx.db, [...statements, ...outboxStatements(ctx.db, audit, ctx.now)]);
  return { outcomes, audit, updateError };
}

async function createCompanies(ctx: ImportContext, pending: Pending[]): Promise<void> {
  const halo = ctx.halo;
  if (!halo) return;
  const at = ctx.now.toISOString();
  const firstPerCompany = (need: (c: CompanyRow) => boolean) => {
    const seen = new Map<string, Pending>();
    for (const p of pending) {
      if (!p.failed && need(p.company) && !seen.has(p.company.id)) seen.set(p.company.id, p);
    }
    return [...seen.values()];
  };
  const mark = (batch: Pending[], on: boolean) =>
    runBatch(
      ctx.db,
      batch.map((p) => {
        p.company.writePending = on;
        return updateCompanyStatement(ctx.db, p.company.id, { writePending: on });
      }),
    );

  // Saves a phase's new ids, and what was written, on each company (memory and D1 alike, so the
  // site phase builds on what the client phase recorded).
  const save =
    (field: "haloClientId" | "haloSiteId", prefix: "client." | "site.") =>
    (batch: Pending[], ids: number[]) =>
      runBatch(
        ctx.db,
        batch.map((p, i) => {
          const c = p.company;
          c[field] = ids[i] ?? null;
          c.writePending = false;
          c.written = { ...c.written, ...pick(p.built.companyFields, prefix) };
          return updateCompanyStatement(ctx.db, c.id, {
            [field]: c[field],
            writePending: false,
            written: c.written,
            updatedAt: at,
          });
        }),
      );

  await phase(
    firstPerCompany((c) => c.haloClientId === null),
    (p) => p.company.writePending,
    mark,
    (batch, opts) =>
      halo.createClients(
        batch.map((p) => p.built.payloads.client),
        opts,
      ),
    save("haloClientId", "client."),
  );
  await phase(
    firstPerCompany((c) => c.haloSiteId === null && c.haloClientId !== null),
    (p) => p.company.writePending,
    mark,
    (batch, opts) =>
      halo.createSites(
        batch.map((p) => ({ ...p.built.payloads.site, client_id: p.company.haloClientId ?? 0 })),
        opts,
      ),
    save("haloSiteId", "site."),
  );

  // Every person of a company shares its ids, including people whose company was created for
  // another item of this batch.
  const byId = new Map<string, CompanyRow>();
  for (const p of pending) if (!byId.has(p.company.id)) byId.set(p.company.id, p.company);
  for (const p of pending) {
    p.company = byId.get(p.company.id) ?? p.company;
    if (!p.failed && (p.company.haloClientId === null || p.company.haloSiteId === null)) {
      p.failed = {
        code: "EXTERNAL_API_ERROR",
        message: "the company could not be created in HaloPSA",
      };
    }
  }
}

async function createPeople(
  ctx: ImportContext,
  pending: Pending[],
  updates: { users: HaloRecordUpdate[]; tickets: HaloRecordUpdate[] },
): Promise<string | null> {
  const halo = ctx.halo;
  if (!halo) return null;
  const at = ctx.now.toISOString();
  const mark = (batch: Pending[], on: boolean) =>
    runBatch(
      ctx.db,
      batch.map((p) => {
        p.row.writePending = on;
        return updateLeadStatement(ctx.db, p.row.id, { writePending: on });
      }),
    );

  const userError = await phase(
    pending.filter((p) => !p.failed && p.row.haloUserId === null),
    (p) => p.row.writePending,
    mark,
    (batch, opts, extra) =>
      halo.createUsers(
        [
          ...batch.map((p) => ({
            ...p.built.payloads.user,
            client_id: p.company.haloClientId,
            site_id: p.company.haloSiteId,
          })),
          ...extra,
        ],
        opts,
      ),
    (batch, ids) =>
      runBatch(
        ctx.db,
        batch.map((p, i) => {
          p.row.haloUserId = ids[i] ?? null;
          p.row.writePending = false;
          return updateLeadStatement(ctx.db, p.row.id, {
            companyId: p.company.id,
            haloClientId: p.company.haloClientId,
            haloSiteId: p.company.haloSiteId,
            haloUserId: p.row.haloUserId,
            writePending: false,
            updatedAt: at,
          });
        }),
      ),
    updates.users,
  );

  const ticketError = await phase(
    pending.filter((p) => !p.failed && p.row.haloTicketId === null && p.row.haloUserId !== null),
    (p) => p.row.writePending,
    mark,
    (batch, opts, extra) =>
      halo.createTickets(
        [
          ...batch.map((p) => ({
            ...p.built.payloads.ticket,
            client_id: p.company.haloClientId,
            site_id: p.company.haloSiteId,
            user_id: p.row.haloUserId,
          })),
          ...extra,
        ],
        opts,
      ),
    (batch, ids) =>
      runBatch(
        ctx.db,
        batch.map((p, i) => {
          p.row.haloTicketId = ids[i] ?? null;
          p.row.writePending = false;
          return updateLeadStatement(ctx.db, p.row.id, {
            haloTicketId: p.row.haloTicketId,
            writePending: false,
            canonical: p.item.lead,
            qualityScore: p.item.score,
            lists: p.built.lists,
            written: p.built.personFields,
            updatedAt: at,
          });
        }),
      ),
    updates.tickets,
  );
  for (const p of pending) {
    if (!p.failed && (p.row.haloUserId === null || p.row.haloTicketId === null)) {
      p.failed = {
        code: "EXTERNAL_API_ERROR",
        message: "the person could not be created in HaloPSA",
      };
    }
  }
  return userError ?? ticketError;
}

/**
 * One HaloPSA create phase for a batch: rows are marked "write pending" first, so a run that
 * dies before saving the new ids is resolved by lookup next time; only rows left marked by such
 * a run pay for lookups. A full rate-limit window aborts the whole run (the caller retries
 * later and resumes from D1); any other failure marks the batch's people as failed so the rest
 * of the run goes on.
 */
async function phase(
  batch: Pending[],
  wasPending: (p: Pending) => boolean,
  mark: (batch: Pending[], on: boolean) => Promise<void>,
  create: (batch: Pending[], opts: CreateOptions, extra: HaloRecordUpdate[]) => Promise<number[]>,
  save: (batch: Pending[], ids: number[]) => Promise<void>,
  extra: HaloRecordUpdate[] = [],
): Promise<string | null> {
  if (batch.length === 0 && extra.length === 0) return null;
  const resumed = batch.filter(wasPending);
  const fresh = batch.filter((p) => !wasPending(p));
  if (fresh.length > 0) await mark(fresh, true);
  let extraError: string | null = null;
  const parts: [Pending[], CreateOptions, HaloRecordUpdate[]][] = [
    [fresh, {}, extra],
    [resumed, { mayExist: true }, []],
  ];
  for (const [part, opts, updates] of parts) {
    if (part.length === 0 && updates.length === 0) continue;
    try {
      const ids = await create(part, opts, updates);
      if (part.length > 0) await save(part, ids.slice(0, part.length));
    } catch (err) {
      if (err instanceof HaloThrottledError) {
        // Refused before anything was sent: this attempt left nothing to look up next time
        // (rows marked by an earlier attempt stay marked).
        if (!err.maybeWritten && part === fresh && part.length > 0) await mark(part, false);
        throw err;
      }
      const message = err instanceof Error ? err.message : String(err);
      for (const p of part) p.failed = { code: "EXTERNAL_API_ERROR", message };
      if (updates.length > 0) extraError = message;
    }
  }
  return extraError;
}

function pick(fields: Record<string, unknown>, prefix: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([k]) => k.startsWith(prefix)));
}

function failed(
  it: WorkItem,
  error: { code: string; message: string },
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

/** What a create would do, without writing: the payloads and lists, no ids. */
function dryRun(
  ctx: ImportContext,
  items: WorkItem[],
): { outcomes: ImportOutcome[]; audit: AuditEntry[] } {
  const outcomes = items.flatMap((it) => {
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
  return { outcomes, audit: [] };
}
