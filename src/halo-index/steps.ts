import type { LifecycleIds, Stage } from "../config/schema";
import type { HaloIndexMessage } from "./message";

export type IndexEntity = HaloIndexMessage["entity"];

/** Where a run is: one page of one pass. */
export interface Step {
  entity: IndexEntity;
  stage: Stage | null;
  page: number;
}

/**
 * The passes, in order. Clients come first so users can be tied to their company, sites before
 * users so a company has its site id. Tickets go from the most advanced stage down: a person
 * with an old lead ticket and a live opportunity is linked to the opportunity, which is the one
 * the smart merge must protect.
 */
const PASSES: readonly { entity: IndexEntity; stage: Stage | null }[] = [
  { entity: "clients", stage: null },
  { entity: "sites", stage: null },
  { entity: "users", stage: null },
  { entity: "tickets", stage: "opportunity" },
  { entity: "tickets", stage: "prospect" },
  { entity: "tickets", stage: "lead" },
];

/** Pages per pass never come near this, so (pass, page) orders as one number. */
const PAGE_SPAN = 1_000_000;

function passIndex(step: Pick<Step, "entity" | "stage">): number {
  return PASSES.findIndex((p) => p.entity === step.entity && p.stage === step.stage);
}

/** A total order on steps, so a message can be told stale (behind the run) or early (ahead). */
export function ordinal(step: Step): number {
  return passIndex(step) * PAGE_SPAN + step.page;
}

export const FIRST_STEP: Step = { entity: "clients", stage: null, page: 1 };

/**
 * The step after a page: the next page of the pass, or the first page of the next pass. A
 * ticket pass whose ticket type an earlier pass already read is skipped (a tenant may use one
 * type for several stages). Null when the run is complete.
 */
export function nextStep(step: Step, passDone: boolean, lifecycle: LifecycleIds): Step | null {
  if (!passDone) return { ...step, page: step.page + 1 };
  const readTypes = new Set<number>();
  const from = passIndex(step);
  for (let i = 0; i < PASSES.length; i++) {
    const pass = PASSES[i];
    if (!pass) continue;
    const type = pass.stage === null ? null : lifecycle[pass.stage].ticket_type_id;
    if (i > from) {
      if (type === null || !readTypes.has(type)) return { ...pass, page: 1 };
    }
    if (type !== null) readTypes.add(type);
  }
  return null;
}

/**
 * Whether a pass has read everything: HaloPSA's record_count when it sends one, else a page
 * shorter than asked for. Never the page size alone, since a tenant may cap pages lower.
 */
export function passComplete(
  served: number,
  readInPass: number,
  recordCount: number | undefined,
  pageSize: number,
): boolean {
  if (served === 0) return true;
  if (recordCount !== undefined) return readInPass >= recordCount;
  return served < pageSize;
}
