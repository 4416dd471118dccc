import { database } from "../db/client";
import { failRun, findActiveRun, type IndexRunRow, insertRun } from "../db/halo-index-runs-repo";
import { newId } from "../ids";
import { zeroCounts } from "./counts";
import { indexMessage } from "./run-page";
import { FIRST_STEP } from "./steps";

/**
 * A run that has not moved for this long is taken as dead (its message dead-lettered or lost):
 * a new run may start. Longer than any throttle delay (at most one HaloPSA window, 5 minutes).
 */
export const STALLED_AFTER_MS = 15 * 60_000;

export type StartResult = { kind: "started"; id: string } | { kind: "busy"; run: IndexRunRow };

/** Records a new run and enqueues its first page; one run at a time per service. */
export async function startIndexRun(
  env: Env,
  createdBy: string,
  now: Date = new Date(),
): Promise<StartResult> {
  const db = database(env.DB);
  const active = await findActiveRun(db);
  if (active && now.getTime() - Date.parse(active.updatedAt) < STALLED_AFTER_MS) {
    return { kind: "busy", run: active };
  }
  const id = newId("hix", now.getTime());
  if (active) await failRun(db, active.id, `stalled; superseded by ${id}`, now.toISOString());
  await insertRun(db, {
    id,
    step: FIRST_STEP,
    counts: zeroCounts(),
    createdBy,
    at: now.toISOString(),
  });
  await env.CONTROL.send(indexMessage(id, FIRST_STEP));
  return { kind: "started", id };
}
