import { writeAudit } from "../db/audit";
import { database } from "../db/client";
import { loadConfig } from "../db/config-repo";
import { advanceRun, findRun } from "../db/halo-index-runs-repo";
import { haloClient } from "../halo/client";
import { haloSettings } from "../halo/settings";
import { indexClients } from "./clients";
import type { IndexContext, PageResult } from "./context";
import { addCounts, readCounts } from "./counts";
import type { HaloIndexMessage } from "./message";
import { INDEX_PAGE_SIZE, type IndexPage, readPage } from "./read-page";
import { indexSites } from "./sites";
import { nextStep, ordinal, passComplete, type Step } from "./steps";
import { indexTickets } from "./tickets";
import { indexUsers } from "./users";

/** As for import chunks: ride out a short throttle, hand long ones back to the queue. */
const CONSUMER_WAIT_MS = 5_000;
/** A page that overtook its predecessor's commit (see below) comes back after this. */
const EARLY_DELAY_SECONDS = 2;

export function indexMessage(runId: string, step: Step): HaloIndexMessage {
  return {
    type: "halo.index",
    run_id: runId,
    entity: step.entity,
    ...(step.stage === null ? {} : { stage: step.stage }),
    page: step.page,
  };
}

/**
 * One queue message of an index run: reads one page (one HaloPSA call), records what it
 * learned, enqueues the next page and moves the run on.
 *
 * Only the page the run is at is processed. The next message is sent before the run is moved
 * (so a failed send retries this page rather than stalling the run), which means it can arrive
 * before the move is visible: such an early page is re-sent shortly. A page behind the run was
 * counted already (a re-delivery) and is dropped. The D1 writes themselves are insert-or-ignore
 * and fill-if-empty, so processing a page twice changes nothing. A full HaloPSA window throws
 * HaloThrottledError, which the consumer turns into a delayed re-send of this message.
 */
export async function runIndexPage(env: Env, msg: HaloIndexMessage, now: Date): Promise<void> {
  const db = database(env.DB);
  const run = await findRun(db, msg.run_id);
  if (!run || (run.status !== "queued" && run.status !== "running")) return;
  const step: Step = { entity: msg.entity, stage: msg.stage ?? null, page: msg.page };
  const current: Step = {
    entity: run.entity,
    stage: run.stage,
    page: run.page,
  };
  const ahead = ordinal(step) - ordinal(current);
  if (ahead < 0) return;
  if (ahead > 0) {
    await env.CONTROL.send(msg, { delaySeconds: EARLY_DELAY_SECONDS });
    return;
  }

  const { config } = await loadConfig(db);
  const lifecycle = config.halopsa.lifecycle;
  const halo = haloClient(env, haloSettings(env, config), { maxWaitMs: CONSUMER_WAIT_MS });
  const page = await readPage(halo, step, lifecycle);
  const result = await indexPage({ db, now, runId: run.id, lifecycle }, page);

  const passRead = run.passRead + page.items.length;
  const done = passComplete(page.items.length, passRead, page.recordCount, INDEX_PAGE_SIZE);
  const next = nextStep(step, done, lifecycle);
  if (next !== null) await env.CONTROL.send(indexMessage(run.id, next));
  const counts = addCounts(readCounts(run.counts), { ...result.counts, pages_read: 1 });
  const moved = await advanceRun(db, run.id, step, next, {
    counts,
    passRead,
    at: now.toISOString(),
  });
  // Conflicts are audited once, by the delivery whose page counted.
  if (moved) await writeAudit(db, result.audit, now);
}

function indexPage(ctx: IndexContext, page: IndexPage): Promise<PageResult> {
  switch (page.entity) {
    case "clients":
      return indexClients(ctx, page.items);
    case "sites":
      return indexSites(ctx, page.items);
    case "users":
      return indexUsers(ctx, page.items);
    case "tickets":
      return indexTickets(ctx, page.items);
  }
}
