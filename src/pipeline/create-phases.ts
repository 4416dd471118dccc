import type { Statement } from "../db/batch";
import { runBatch } from "../db/batch";
import { type HaloIdFloors, updateCompanyStatement, updateLeadStatement } from "../db/leads-repo";
import type { RunClaims } from "./claims";
import type { ImportContext } from "./context";
import { completionStatements } from "./create-complete";
import type { CreateOptions, HaloPort, HaloRecordUpdate } from "./halo-port";
import type { Pending } from "./pending";
import { type Failure, phase } from "./write-pending";

/**
 * One HaloPSA entity's create phase. Clients and sites are created once per company (the
 * company's lease holder), users and tickets once per person; each record is the payload
 * built from the lead plus the ids of the records created before it.
 */
interface Step {
  target: "companies" | "leads";
  /** The HaloPSA entity it creates, for the id floor that bounds fault recovery. */
  entity: keyof HaloIdFloors;
  row: (p: Pending) => { id: string; writePending: boolean };
  needs: (p: Pending) => boolean;
  post: (
    halo: HaloPort,
    batch: Pending[],
    opts: CreateOptions,
    extra: HaloRecordUpdate[],
  ) => Promise<number[]>;
  /** Stores the new id on the row in memory and returns the D1 statements that record it. */
  save: (ctx: ImportContext, p: Pending, id: number | null, at: string) => Statement[];
}

const clientStep: Step = {
  target: "companies",
  entity: "clients",
  row: (p) => p.company,
  needs: (p) => p.company.haloClientId === null,
  post: (halo, batch, opts) =>
    halo.createClients(
      batch.map((p) => p.built.payloads.client),
      opts,
    ),
  save: (ctx, p, id, at) => saveCompany(ctx, p, { haloClientId: id }, "client.", at),
};

const siteStep: Step = {
  target: "companies",
  entity: "sites",
  row: (p) => p.company,
  needs: (p) => p.company.haloSiteId === null && p.company.haloClientId !== null,
  post: (halo, batch, opts) =>
    halo.createSites(
      batch.map((p) => ({ ...p.built.payloads.site, client_id: p.company.haloClientId ?? 0 })),
      opts,
    ),
  save: (ctx, p, id, at) => saveCompany(ctx, p, { haloSiteId: id }, "site.", at),
};

/** Records a company's new client or site id, and what LeadBridge wrote to it, in memory and D1. */
function saveCompany(
  ctx: ImportContext,
  p: Pending,
  ids: { haloClientId: number | null } | { haloSiteId: number | null },
  prefix: "client." | "site.",
  at: string,
): Statement[] {
  const c = Object.assign(p.company, ids);
  c.written = { ...c.written, ...pick(p.built.companyFields, prefix) };
  return [
    updateCompanyStatement(ctx.db, c.id, {
      ...ids,
      writePending: false,
      written: c.written,
      updatedAt: at,
    }),
  ];
}

const userStep: Step = {
  target: "leads",
  entity: "users",
  row: (p) => p.row,
  needs: (p) => p.row.haloUserId === null,
  post: (halo, batch, opts, extra) =>
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
  save: (ctx, p, id, at) => {
    p.row.haloUserId = id;
    // What the user now holds, so a later merge does not take it for a manual edit (the ticket
    // phase records the whole person; a ticket kept from before has no ticket phase).
    p.row.written = { ...p.row.written, ...pick(p.built.personFields, "user.") };
    return [
      updateLeadStatement(ctx.db, p.row.id, {
        companyId: p.company.id,
        haloClientId: p.company.haloClientId,
        haloSiteId: p.company.haloSiteId,
        haloUserId: id,
        writePending: false,
        written: p.row.written,
        updatedAt: at,
      }),
    ];
  },
};

const ticketStep: Step = {
  target: "leads",
  entity: "tickets",
  row: (p) => p.row,
  needs: (p) => p.row.haloTicketId === null && p.row.haloUserId !== null,
  post: (halo, batch, opts, extra) =>
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
  save: (ctx, p, id, at) => {
    p.row.haloTicketId = id;
    const saved = updateLeadStatement(ctx.db, p.row.id, {
      haloTicketId: id,
      writePending: false,
      canonical: p.item.lead,
      qualityScore: p.item.score,
      lists: p.built.lists,
      written: p.built.personFields,
      updatedAt: at,
    });
    if (id === null) return [saved];
    // The person is complete with the ticket: its sources, lists, audit entry and webhook event
    // commit with the ticket id, so a run cut short after this array (a full window, a crash)
    // loses none of them, and the resumed run finds the person finished.
    p.completed = true;
    return [saved, ...completionStatements(ctx, p, at)];
  },
};

/**
 * Runs one step over the batch: the items that need it (one per company for company steps)
 * go through the write-pending protocol in array POSTs of up to 100, with `extra` updates
 * riding along. `floors` (ids recorded before this run's POSTs) keep fault recovery to a list
 * call or two per array.
 */
async function runStep(
  ctx: ImportContext,
  claims: RunClaims,
  step: Step,
  pending: Pending[],
  floors: HaloIdFloors,
  extra: HaloRecordUpdate[] = [],
): Promise<string | null> {
  const halo = ctx.halo;
  if (!halo) return null;
  const at = ctx.now.toISOString();
  const seen = new Set<string>();
  const batch = pending.filter((p) => {
    if (p.failed || !step.needs(p)) return false;
    const id = step.row(p).id;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  return phase(
    batch,
    {
      wasPending: (p) => step.row(p).writePending,
      mark: async (part, on) => {
        const held = await claims.mark(
          step.target,
          part.map((p) => step.row(p).id),
          on,
        );
        const kept = part.filter((p) => held.has(step.row(p).id));
        for (const p of kept) step.row(p).writePending = on;
        return kept;
      },
      create: (part, opts, updates) => step.post(halo, part, opts, updates),
      save: (part, ids) =>
        runBatch(
          ctx.db,
          part.flatMap((p, i) => {
            step.row(p).writePending = false;
            return step.save(ctx, p, ids[i] ?? null, at);
          }),
        ),
    },
    extra,
    floorOption(floors[step.entity]),
  );
}

function floorOption(id: number | null): CreateOptions {
  return id === null ? {} : { floorId: id };
}

/**
 * Creates the batch's new companies: array POSTs of clients (100 a POST), then of sites. A known
 * company costs nothing. Every person whose company is still incomplete afterwards fails.
 */
export async function createCompanies(
  ctx: ImportContext,
  claims: RunClaims,
  pending: Pending[],
  floors: HaloIdFloors,
): Promise<void> {
  await runStep(ctx, claims, clientStep, pending, floors);
  await runStep(ctx, claims, siteStep, pending, floors);
  // A company's failure (or lost lease) is every one of its people's.
  const byCompany = new Map<string, Failure>();
  for (const p of pending) if (p.failed) byCompany.set(p.company.id, p.failed);
  for (const p of pending) {
    if (p.failed) continue;
    const failure = byCompany.get(p.company.id);
    if (failure) p.failed = failure;
    else if (p.company.haloClientId === null || p.company.haloSiteId === null) {
      p.failed = {
        code: "EXTERNAL_API_ERROR",
        message: "the company could not be created in HaloPSA",
      };
    }
  }
}

/**
 * Creates the batch's users, then their lead tickets (array POSTs of up to 100 records), with the
 * merges' updates filling the same arrays. Returns the updates' error, if HaloPSA refused them.
 */
export async function createPeople(
  ctx: ImportContext,
  claims: RunClaims,
  pending: Pending[],
  updates: { users: HaloRecordUpdate[]; tickets: HaloRecordUpdate[] },
  floors: HaloIdFloors,
): Promise<string | null> {
  const userError = await runStep(ctx, claims, userStep, pending, floors, updates.users);
  // A lead ticket that outlived its deleted user follows the user created again.
  const relinks = pending.flatMap((p) =>
    !p.failed && p.item.recreated && p.row.haloTicketId !== null && p.row.haloUserId !== null
      ? [
          {
            id: p.row.haloTicketId,
            user_id: p.row.haloUserId,
            client_id: p.company.haloClientId,
            site_id: p.company.haloSiteId,
          },
        ]
      : [],
  );
  const ticketError = await runStep(ctx, claims, ticketStep, pending, floors, [
    ...updates.tickets,
    ...relinks,
  ]);
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

function pick(fields: Record<string, unknown>, prefix: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([k]) => k.startsWith(prefix)));
}
