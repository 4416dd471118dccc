import { AppError } from "../errors";
import { getById, type Listable, listPage } from "./entity";
import { MAX_PAGE_SIZE } from "./paging";
import type { Halo } from "./transport";

/** A record to read, and the parent list (e.g. its client's users) it may be found in. */
export interface RecordRef {
  id: number;
  parent?: number | null;
}

export interface ReadManyOptions {
  /** The list filter naming a record's parent, e.g. `client_id` on `/api/Users`. */
  parentParam?: string;
  /** Extra query for every list call (e.g. `includeinactive: true`). */
  query?: Record<string, string | number | boolean>;
  /** Pages of newest records at most (read only while they cost less than a GET each). */
  maxNewestPages?: number;
}

const DEFAULT_NEWEST_PAGES = 20;

/**
 * Records by id for an entity without a multi-id filter (HaloPSA's `/Users` has none), in as
 * few calls as the ids allow:
 *
 * 1. the newest records, 100 a page (`order=id`, `orderdesc=true`), while reading on is expected
 *    to cost fewer calls than a GET per sought id it would cover (ids only grow, so records
 *    LeadBridge wrote lately sit together at the top);
 * 2. for each parent still holding two sought records or more, its list (`client_id=…`), one page;
 * 3. one GET per id still missing — which is also how a deleted record is told from one a list
 *    did not show (a 404 leaves it out of the answer; a list never decides that on its own).
 *
 * Pages are read only while expected to cost less than the GETs they replace, so the reads cost
 * at most about what one GET per id would.
 */
export async function readByIds<R extends { id: number }>(
  halo: Halo,
  entity: Listable<R>,
  refs: readonly RecordRef[],
  options: ReadManyOptions = {},
): Promise<Map<number, R>> {
  const out = new Map<number, R>();
  const wanted = new Map<number, RecordRef>();
  for (const r of refs) wanted.set(r.id, r);
  const take = (records: R[]) => {
    for (const r of records) {
      if (wanted.has(r.id)) {
        out.set(r.id, r);
        wanted.delete(r.id);
      }
    }
  };
  const query = options.query ?? {};

  // 1. The newest records.
  const maxPages = options.maxNewestPages ?? DEFAULT_NEWEST_PAGES;
  for (let pageNo = 1; pageNo <= maxPages && wanted.size >= 2; pageNo++) {
    const { items } = await listPage(halo, entity, pageNo, {
      ...query,
      order: "id",
      orderdesc: true,
    });
    take(items);
    if (items.length < MAX_PAGE_SIZE) break; // the end of the list
    const ids = items.map((r) => r.id);
    const oldest = Math.min(...ids);
    const span = Math.max(Math.max(...ids) - oldest, items.length);
    if (morePagesWorthIt([...wanted.keys()], oldest, span, maxPages - pageNo) === 0) break;
  }

  // 2. Parents holding several of the rest.
  if (options.parentParam) {
    const byParent = new Map<number, number>();
    for (const r of wanted.values())
      if (r.parent != null) byParent.set(r.parent, (byParent.get(r.parent) ?? 0) + 1);
    for (const [parent, count] of byParent) {
      if (count < 2) continue;
      const { items } = await listPage(halo, entity, 1, {
        ...query,
        [options.parentParam]: parent,
        order: "id",
        orderdesc: true,
      });
      take(items);
    }
  }

  // 3. One GET each for what is left.
  for (const id of [...wanted.keys()]) {
    try {
      const record = await getById(halo, entity, id);
      out.set(record.id, record);
    } catch (err) {
      // A record deleted in HaloPSA (404) is simply absent; anything else is a real failure.
      if (!(err instanceof AppError && err.details?.upstream_status === 404)) throw err;
    }
  }
  return out;
}

/**
 * How many more pages of newest records to read: the count `p` that minimises `p` plus one GET
 * per sought id the `p` pages would not cover, each page probably covering another `span` of ids
 * below `oldest` (0 when a GET each is cheaper).
 */
function morePagesWorthIt(ids: number[], oldest: number, span: number, maxPages: number): number {
  const below = ids.filter((id) => id < oldest);
  let best = 0;
  let bestCost = below.length;
  for (let p = 1; p <= maxPages; p++) {
    const covered = below.filter((id) => id >= oldest - p * span).length;
    const cost = p + below.length - covered;
    if (cost < bestCost) {
      best = p;
      bestCost = cost;
    }
    if (covered === below.length) break;
  }
  return best;
}
