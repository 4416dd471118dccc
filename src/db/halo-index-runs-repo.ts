import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import type { Stage } from "../config/schema";
import type { Db } from "./client";
import { haloIndexRuns, type IndexEntity } from "./schema";

export type IndexRunRow = typeof haloIndexRuns.$inferSelect;

/** Where a run is (the HaloPSA index's `Step`): one page of one entity pass. */
interface Position {
  entity: IndexEntity;
  stage: Stage | null;
  page: number;
}
type Counts = Record<string, number>;

export async function insertRun(
  db: Db,
  row: { id: string; step: Position; counts: Counts; createdBy: string; at: string },
): Promise<void> {
  await db.insert(haloIndexRuns).values({
    id: row.id,
    status: "queued",
    entity: row.step.entity,
    stage: row.step.stage,
    page: row.step.page,
    passRead: 0,
    counts: row.counts,
    createdBy: row.createdBy,
    updatedAt: row.at,
  });
}

export async function findRun(db: Db, id: string): Promise<IndexRunRow | undefined> {
  return db.query.haloIndexRuns.findFirst({ where: eq(haloIndexRuns.id, id) });
}

/** The newest run still under way, if any. */
export async function findActiveRun(db: Db): Promise<IndexRunRow | undefined> {
  const [row] = await db
    .select()
    .from(haloIndexRuns)
    .where(inArray(haloIndexRuns.status, ["queued", "running"]))
    .orderBy(desc(haloIndexRuns.updatedAt))
    .limit(1);
  return row;
}

/**
 * Moves the run from `from` to `to` (null: finished) with the page's counts. Conditional on the
 * run still being at `from`, so of two deliveries of one page only one is ever counted; returns
 * whether this one was.
 */
export async function advanceRun(
  db: Db,
  id: string,
  from: Position,
  to: Position | null,
  update: { counts: Counts; passRead: number; at: string },
): Promise<boolean> {
  const result = await db
    .update(haloIndexRuns)
    .set({
      status: to === null ? "completed" : "running",
      entity: to?.entity ?? from.entity,
      stage: to === null ? from.stage : to.stage,
      page: to?.page ?? from.page,
      passRead: to !== null && to.page === 1 ? 0 : update.passRead,
      counts: update.counts,
      updatedAt: update.at,
      finishedAt: to === null ? update.at : null,
    })
    .where(
      and(
        eq(haloIndexRuns.id, id),
        inArray(haloIndexRuns.status, ["queued", "running"]),
        eq(haloIndexRuns.entity, from.entity),
        from.stage === null ? isNull(haloIndexRuns.stage) : eq(haloIndexRuns.stage, from.stage),
        eq(haloIndexRuns.page, from.page),
      ),
    )
    .returning({ id: haloIndexRuns.id });
  return result.length > 0;
}

export async function failRun(db: Db, id: string, error: string, at: string): Promise<void> {
  await db
    .update(haloIndexRuns)
    .set({ status: "failed", error, updatedAt: at, finishedAt: at })
    .where(and(eq(haloIndexRuns.id, id), inArray(haloIndexRuns.status, ["queued", "running"])));
}
