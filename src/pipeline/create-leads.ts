import type { AuditEntry } from "../db/audit";
import type { Statement } from "../db/batch";
import { type CompanyRow, findCompaniesByIds, haloIdFloors, type LeadRow } from "../db/leads-repo";
import { newId } from "../ids";
import type { RunClaims } from "./claims";
import type { ImportContext } from "./context";
import { completionStatements } from "./create-complete";
import { createdResult, failedAudit, failedOutcomes } from "./create-outcomes";
import { createCompanies, createPeople } from "./create-phases";
import type { HaloRecordUpdate } from "./halo-port";
import type { ImportOutcome } from "./outcome";
import { buildPayloads } from "./payloads";
import type { Pending } from "./pending";
import type { WorkItem } from "./work-item";
import { LEASE_LOST } from "./write-pending";

export interface CreateResult {
  outcomes: ImportOutcome[];
  audit: AuditEntry[];
  /** D1 changes recording the created people (sources, lists), for the run's final batch. */
  statements: Statement[];
  /** The merges' HaloPSA error, when the array POSTs they rode in failed. */
  updateError: string | null;
  /** Items whose company another run is creating, or whose lease was lost: handed back. */
  busy: WorkItem[];
}

/**
 * Creates new (or unfinished) people in HaloPSA, each item's lead row held by this run: array
 * POSTs of up to 100 records per entity for the whole batch, in dependency order (clients, sites, users,
 * tickets — see create-phases.ts), skipping whatever an earlier, interrupted attempt already
 * created. A known company costs no client or site call; a company still to be created is
 * created only by the run holding its lease.
 */
export async function createLeads(
  ctx: ImportContext,
  claims: RunClaims,
  items: WorkItem[],
  updates: { users: HaloRecordUpdate[]; tickets: HaloRecordUpdate[] } = { users: [], tickets: [] },
): Promise<CreateResult> {
  const outcomes: ImportOutcome[] = [];
  const busy: WorkItem[] = [];
  const pending = await placeCompanies(ctx, claims, items, outcomes, busy);

  // Read before any POST of this run, so each floor predates every record the run creates.
  const floors =
    ctx.halo && pending.length > 0
      ? await haloIdFloors(ctx.db)
      : { clients: null, sites: null, users: null, tickets: null };
  await createCompanies(ctx, claims, pending, floors);
  const updateError = await createPeople(ctx, claims, pending, updates, floors);

  const audit: AuditEntry[] = [];
  const statements: Statement[] = [];
  const at = ctx.now.toISOString();
  for (const p of pending) {
    if (p.failed?.code === LEASE_LOST) {
      busy.push(p.item);
      continue;
    }
    if (p.failed) {
      outcomes.push(...failedOutcomes(p.item, p.failed, p.row.id));
      audit.push(failedAudit(ctx, p, p.failed));
      continue;
    }
    const result = createdResult(ctx, p);
    outcomes.push(...result.outcomes);
    // Completed with its ticket (create-phases.ts) unless the ticket was there before this run.
    if (p.completed) continue;
    statements.push(...completionStatements(ctx, p, at, { withAudit: false }));
    audit.push(result.audit);
  }
  return { outcomes, audit, statements, updateError, busy };
}

/**
 * Finds or takes each person's company, by company key; a person without any company gets a
 * client of their own. A person already placed at a company (an interrupted import, or the
 * tenant index) stays there: their user lives at that client, whatever key this record's
 * company gives. An item whose company is still being created by another run is busy.
 */
async function placeCompanies(
  ctx: ImportContext,
  claims: RunClaims,
  items: WorkItem[],
  outcomes: ImportOutcome[],
  busy: WorkItem[],
): Promise<Pending[]> {
  const at = ctx.now.toISOString();
  const placed = await findCompaniesByIds(
    ctx.db,
    items.flatMap((it) => (it.existing?.companyId ? [it.existing.companyId] : [])),
  );
  const placedAt = (row: LeadRow) => (row.companyId ? placed.get(row.companyId) : undefined);
  const keyOf = (it: WorkItem, row: LeadRow) =>
    placedAt(row)?.companyKey ?? it.companyKey?.value ?? `lead:${row.id}`;
  const companies = await claims.takeCompanies(
    items.flatMap((it) =>
      it.existing && !placedAt(it.existing)
        ? [
            {
              id: newId("co", ctx.now.getTime()),
              companyKey: keyOf(it, it.existing),
              name: it.lead.company.name,
              domain: it.lead.company.domain,
              written: {},
              updatedAt: at,
            },
          ]
        : [],
    ),
    items.flatMap((it) => (it.existing ? [keyOf(it, it.existing)] : [])),
  );

  // One object per company, so a client created for one person is seen by its colleagues.
  const shared = new Map<string, CompanyRow>();
  const pending: Pending[] = [];
  for (const it of items) {
    const row = it.existing;
    const found = row ? companies.get(keyOf(it, row)) : undefined;
    if (!row || !found) {
      outcomes.push(
        ...failedOutcomes(it, { code: "INTERNAL_ERROR", message: "could not claim the lead" }),
      );
      continue;
    }
    const company = shared.get(found.id) ?? found;
    shared.set(company.id, company);
    const finished = company.haloClientId !== null && company.haloSiteId !== null;
    if (!finished && !claims.holds(company)) {
      busy.push(it);
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
  return pending;
}
