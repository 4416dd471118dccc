import { and, asc, eq, inArray, isNull, like, lt, or, sql } from "drizzle-orm";
import type { SuppressionKey } from "../domain/suppression";
import type { Statement } from "./batch";
import { chunk } from "./chunk";
import type { Db } from "./client";
import {
  companies,
  leadLists,
  leads,
  PROPAGATION_TARGETS,
  type PropagationStatus,
  type PropagationTarget,
  suppressionPropagations,
  suppressions,
} from "./schema";

export type PropagationRow = typeof suppressionPropagations.$inferSelect;
export type SuppressionRowForPush = typeof suppressions.$inferSelect;

/**
 * The first state of each target for a new entry: HaloPSA is skipped when the opt-out came from
 * HaloPSA (it is already there), a provider when the opt-out came from that provider; the rest
 * wait for the jobs queue.
 */
export function initialPropagation(
  origin: string,
  target: PropagationTarget,
): { status: PropagationStatus; detail: string | null } {
  if (origin === target) {
    return {
      status: "skipped",
      detail:
        target === "halopsa"
          ? "the opt-out came from HaloPSA: already recorded there"
          : `the opt-out came from ${target}`,
    };
  }
  return { status: "pending", detail: null };
}

/**
 * The outbox rows of a suppression this batch inserts, one per target, each recorded only if
 * the suppression row with this id exists when the batch runs (an entry already on the list
 * keeps its own rows) — so the push exists exactly when the suppression does.
 */
export function propagationInserts(
  db: Db,
  entry: { id: string; origin: string },
  now: Date,
): Statement[] {
  const at = now.toISOString();
  return PROPAGATION_TARGETS.map((target) => {
    const first = initialPropagation(entry.origin, target);
    return db
      .insert(suppressionPropagations)
      .select((qb) =>
        qb
          .select({
            suppressionId: sql<string>`${entry.id}`.as("suppression_id"),
            target: sql<string>`${target}`.as("target"),
            status: sql<string>`${first.status}`.as("status"),
            detail: sql<string | null>`${first.detail}`.as("detail"),
            attempts: sql<number>`0`.as("attempts"),
            claimToken: sql<string | null>`NULL`.as("claim_token"),
            claimExpiresAt: sql<number | null>`NULL`.as("claim_expires_at"),
            createdAt: sql<string>`${at}`.as("created_at"),
            updatedAt: sql<string>`${at}`.as("updated_at"),
          })
          .from(suppressions)
          .where(eq(suppressions.id, entry.id))
          .limit(1),
      )
      .onConflictDoNothing();
  });
}

const claimable = (nowMs: number) =>
  and(
    eq(suppressionPropagations.status, "pending"),
    or(
      isNull(suppressionPropagations.claimToken),
      lt(suppressionPropagations.claimExpiresAt, nowMs),
    ),
  );

/** Whether any push is waiting and free to take (the cron's and the consumer's kick). */
export async function hasClaimablePropagations(db: Db, nowMs: number): Promise<boolean> {
  const [row] = await db
    .select({ id: suppressionPropagations.suppressionId })
    .from(suppressionPropagations)
    .where(claimable(nowMs))
    .limit(1);
  return row !== undefined;
}

/**
 * Takes the pending pushes of up to `limit` suppressions under `token` until `expiresAt` (a
 * crashed run's lease expires and the next run takes them over), then reads them back with
 * their suppression. D1 runs one writer at a time, so two runs never hold the same row.
 */
export async function claimPropagations(
  db: Db,
  token: string,
  nowMs: number,
  expiresAt: number,
  limit: number,
): Promise<{ rows: PropagationRow[]; suppressions: SuppressionRowForPush[] }> {
  const ids = db
    .selectDistinct({ id: suppressionPropagations.suppressionId })
    .from(suppressionPropagations)
    .where(claimable(nowMs))
    .orderBy(asc(suppressionPropagations.suppressionId))
    .limit(limit);
  await db
    .update(suppressionPropagations)
    .set({ claimToken: token, claimExpiresAt: expiresAt })
    .where(and(claimable(nowMs), inArray(suppressionPropagations.suppressionId, ids)));
  const rows = await db
    .select()
    .from(suppressionPropagations)
    .where(eq(suppressionPropagations.claimToken, token));
  const found: SuppressionRowForPush[] = [];
  for (const part of chunk([...new Set(rows.map((r) => r.suppressionId))], 90)) {
    found.push(...(await db.select().from(suppressions).where(inArray(suppressions.id, part))));
  }
  return { rows, suppressions: found };
}

export interface PropagationResult {
  suppressionId: string;
  target: PropagationTarget;
  status: PropagationStatus;
  detail: string | null;
}

/** Records results and releases the run's lease on them (a statement per row, for one batch). */
export function propagationResultStatements(
  db: Db,
  token: string,
  results: PropagationResult[],
  now: Date,
): Statement[] {
  return results.map((r) =>
    db
      .update(suppressionPropagations)
      .set({
        status: r.status,
        detail: r.detail,
        attempts: sql`${suppressionPropagations.attempts} + 1`,
        claimToken: null,
        claimExpiresAt: null,
        updatedAt: now.toISOString(),
      })
      .where(
        and(
          eq(suppressionPropagations.suppressionId, r.suppressionId),
          eq(suppressionPropagations.target, r.target),
          eq(suppressionPropagations.claimToken, token),
        ),
      ),
  );
}

/**
 * Gives rows back (still pending) after a throttle or failure, noting why. They stay leased to
 * nobody until `retryAt` (epoch ms), so no kick takes them before the wait is over.
 */
export function releasePropagationStatement(
  db: Db,
  token: string,
  target: PropagationTarget,
  detail: string,
  now: Date,
  retryAt: number,
): Statement {
  return db
    .update(suppressionPropagations)
    .set({
      detail,
      attempts: sql`${suppressionPropagations.attempts} + 1`,
      claimToken: "waiting",
      claimExpiresAt: retryAt,
      updatedAt: now.toISOString(),
    })
    .where(
      and(
        eq(suppressionPropagations.claimToken, token),
        eq(suppressionPropagations.target, target),
      ),
    );
}

export async function propagationsOf(db: Db, suppressionId: string): Promise<PropagationRow[]> {
  return db
    .select()
    .from(suppressionPropagations)
    .where(eq(suppressionPropagations.suppressionId, suppressionId));
}

/**
 * Removing a suppression lifts the import block only: pushes not yet made are cancelled (never
 * made after the removal), those already made stay as they are, and nothing is undone.
 */
export function cancelPendingStatement(db: Db, suppressionId: string, now: Date): Statement {
  return db
    .update(suppressionPropagations)
    .set({
      status: "skipped",
      detail: "suppression removed before it was pushed",
      claimToken: null,
      claimExpiresAt: null,
      updatedAt: now.toISOString(),
    })
    .where(
      and(
        eq(suppressionPropagations.suppressionId, suppressionId),
        eq(suppressionPropagations.status, "pending"),
      ),
    );
}

export interface SuppressedLead {
  id: string;
  email: string | null;
  fullName: string | null;
  companyName: string | null;
  stage: string;
  status: string;
  lists: string[];
  sources: string[];
  haloTicketId: number | null;
  haloUserId: number | null;
}

const leadColumns = {
  id: leads.id,
  email: leads.email,
  fullName: leads.fullName,
  companyName: leads.companyName,
  stage: leads.stage,
  status: leads.status,
  lists: leads.lists,
  sources: leads.sources,
  haloTicketId: leads.haloTicketId,
  haloUserId: leads.haloUserId,
};

/** `leadsForSuppression` for many entries: emails in one query per 90, the rest one by one. */
export async function leadsForSuppressions(
  db: Db,
  entries: (SuppressionKey & { id: string })[],
): Promise<Map<string, SuppressedLead[]>> {
  const out = new Map<string, SuppressedLead[]>(entries.map((e) => [e.id, []]));
  const emails = entries.filter((e) => e.kind === "email");
  for (const part of chunk([...new Set(emails.map((e) => e.value))], 90)) {
    const rows = await db.select(leadColumns).from(leads).where(inArray(leads.email, part));
    for (const e of emails) {
      const hits = rows.filter((r) => r.email === e.value);
      if (hits.length > 0) out.get(e.id)?.push(...hits);
    }
  }
  for (const e of entries) {
    if (e.kind !== "email") out.set(e.id, await leadsForSuppression(db, e));
  }
  return out;
}

/** Adds the leads to a list (idempotent), 33 rows per statement. */
export function addToListStatements(db: Db, listId: string, leadIds: string[], at: string) {
  return chunk(leadIds, 33).map((part) =>
    db
      .insert(leadLists)
      .values(part.map((leadId) => ({ listId, leadId, addedAt: at })))
      .onConflictDoNothing(),
  );
}

/**
 * The people a suppression entry covers, as the kind says: an email is that person; a domain is
 * everyone whose email or company is at it; a phone is everyone holding that number (matched in
 * the stored canonical lead, where phones are E.164).
 */
export async function leadsForSuppression(db: Db, key: SuppressionKey): Promise<SuppressedLead[]> {
  switch (key.kind) {
    case "email":
      return db.select(leadColumns).from(leads).where(eq(leads.email, key.value));
    case "domain": {
      const byEmail = await db
        .select(leadColumns)
        .from(leads)
        .where(like(leads.email, `%@${key.value}`));
      const byCompany = await db
        .select(leadColumns)
        .from(leads)
        .innerJoin(companies, eq(companies.id, leads.companyId))
        .where(eq(companies.domain, key.value));
      const seen = new Set(byEmail.map((l) => l.id));
      return [...byEmail, ...byCompany.filter((l) => !seen.has(l.id))];
    }
    case "phone":
      return db
        .select(leadColumns)
        .from(leads)
        .where(like(leads.canonical, `%"${key.value}"%`));
  }
}
