import { z } from "zod";
import { AppError } from "../errors";
import { HaloThrottledError, haloError, haloShapeError, haloUnavailable } from "./errors";
import { listAll, MAX_PAGE_SIZE } from "./paging";
import { envelope } from "./schemas";
import { type Halo, read, write, wroteNothing } from "./transport";
import type { HaloRequest } from "./types";
import { compact } from "./writes";

/** How a record is found by the external key LeadBridge wrote into it. */
export type KeyLookup =
  /** A list filter the API applies exactly (e.g. `third_party_id_string` on Tickets). */
  | { kind: "filter"; param: string }
  /** `advanced_search` equality (filter_type 2, CIPP Get-HaloUser.ps1, halopsa-api.md §3.2). */
  | { kind: "advanced_search" }
  /** Records of one parent listed by a filter (Actions of a ticket). */
  | { kind: "scoped"; param: string; scope: (key: string) => string };

/** A readable HaloPSA list endpoint: path, envelope key and record shape. */
export interface Listable<R extends { id: number }> {
  path: string;
  key: string;
  record: z.ZodType<R>;
}

/** One HaloPSA entity endpoint: list envelope, record and write shapes, external key. */
export interface Entity<R extends { id: number }, W extends Record<string, unknown>>
  extends Listable<R> {
  write: z.ZodType<Record<string, unknown>, W>;
  /** The external key field, e.g. `ref`, `third_party_id`. */
  keyField: string;
  readKey: (record: R) => string | undefined;
  writeKey: (item: W) => string | undefined;
  lookup: KeyLookup;
}

export async function getById<R extends { id: number }>(
  halo: Halo,
  entity: Listable<R>,
  id: number,
): Promise<R> {
  const request: HaloRequest = { method: "GET", path: `${entity.path}/${id}` };
  const body = await read(halo, request);
  // Usually the bare object; some versions wrap it as {tickets:[obj]} (asachs01, halopsa-api.md §3.2).
  const wrapped = z.looseObject({ [entity.key]: z.array(z.unknown()).min(1) }).safeParse(body);
  const candidate = wrapped.success ? wrapped.data[entity.key]?.[0] : body;
  const parsed = entity.record.safeParse(candidate);
  if (!parsed.success) throw haloShapeError(request, parsed.error.message.slice(0, 200));
  return parsed.data;
}

/** One page (1-based), for callers that page themselves. */
export async function listPage<R extends { id: number }>(
  halo: Halo,
  entity: Listable<R>,
  pageNo: number,
  query: HaloRequest["query"] = {},
  pageSize = MAX_PAGE_SIZE,
): Promise<{ items: R[]; recordCount?: number | undefined }> {
  const request: HaloRequest = {
    method: "GET",
    path: entity.path,
    query: {
      ...query,
      pageinate: true,
      page_size: Math.min(pageSize, MAX_PAGE_SIZE),
      page_no: pageNo,
    },
  };
  const parsed = envelope(entity.key, entity.record).safeParse(await read(halo, request));
  if (!parsed.success) throw haloShapeError(request, parsed.error.message.slice(0, 200));
  return parsed.data;
}

export function listEntity<R extends { id: number }>(
  halo: Halo,
  entity: Listable<R>,
  query: HaloRequest["query"] = {},
): Promise<R[]> {
  return listAll(halo, { path: entity.path, key: entity.key, query }, entity.record);
}

const isInvalidAdvancedSearch = (err: unknown) =>
  err instanceof AppError &&
  err.details?.upstream_status === 400 &&
  /advanced search/i.test(err.message);

/**
 * Records whose external key equals `key` exactly. `search=` is fuzzy (halopsa-api.md §3.2), so whatever the
 * query, the match is re-checked here. A tenant that refuses `advanced_search` on the field
 * ("Invalid advanced search parameter") is scanned page by page instead.
 */
export async function findByKey<R extends { id: number }, W extends Record<string, unknown>>(
  halo: Halo,
  entity: Entity<R, W>,
  key: string,
): Promise<R | undefined> {
  let query: HaloRequest["query"];
  switch (entity.lookup.kind) {
    case "filter":
      query = { [entity.lookup.param]: key };
      break;
    case "scoped":
      query = { [entity.lookup.param]: entity.lookup.scope(key) };
      break;
    case "advanced_search":
      query = {
        advanced_search: JSON.stringify([
          { filter_name: entity.keyField, filter_type: 2, filter_value: key },
        ]),
      };
      break;
  }
  let records: R[];
  try {
    records = await listEntity(halo, entity, query);
  } catch (err) {
    if (!isInvalidAdvancedSearch(err)) throw err;
    records = await listEntity(halo, entity);
  }
  return records.filter((r) => entity.readKey(r) === key).sort((a, b) => a.id - b.id)[0];
}

/** Pages of the newest records an uncertain array POST is resolved from before falling back to lookups. */
const NEWEST_SCAN_PAGES = 3;

export interface NewestScan<R> {
  /** Records found, by external key. */
  found: Map<string, R>;
  /**
   * The scan reached `floorId` (or the end of the list): every record newer than the floor was
   * seen, so a key not found was not created after it.
   */
  complete: boolean;
  /** The highest id seen: every record up to it existed when the scan ran. */
  newestId: number | undefined;
}

/**
 * Looks many external keys up at once among the entity's newest records (`order=id`,
 * `orderdesc=true`, 100 a page, inactive ones included): the records an array POST may have
 * created are the newest, since HaloPSA ids only grow. A page never skips older records when
 * others are created meanwhile (they push the list down, so a later page repeats, never misses).
 * Stops when every key is found, at `floorId` (an id that existed before the POST in question),
 * at the end of the list, or after `maxPages` unless the rest of the list is shorter than a
 * lookup per key still missing.
 */
export async function scanNewest<R extends { id: number }, W extends Record<string, unknown>>(
  halo: Halo,
  entity: Entity<R, W>,
  keys: readonly string[],
  floorId: number | undefined,
  maxPages = NEWEST_SCAN_PAGES,
): Promise<NewestScan<R>> {
  const wanted = new Set(keys);
  const found = new Map<string, R>();
  let newestId: number | undefined;
  for (let pageNo = 1; ; pageNo++) {
    const { items, recordCount } = await listPage(halo, entity, pageNo, {
      order: "id",
      orderdesc: true,
      includeinactive: true,
    });
    for (const r of items) {
      newestId = Math.max(newestId ?? r.id, r.id);
      const key = entity.readKey(r);
      // The oldest wins, as in findByKey, should a key ever have been written twice.
      if (key !== undefined && wanted.has(key) && (found.get(key)?.id ?? Infinity) > r.id)
        found.set(key, r);
    }
    if (found.size === wanted.size) return { found, complete: true, newestId };
    const oldest = items.reduce((m, r) => Math.min(m, r.id), Infinity);
    if (items.length < MAX_PAGE_SIZE || (floorId !== undefined && oldest <= floorId))
      return { found, complete: true, newestId };
    // Past `maxPages`, reading on to the end of the list still settles every key, and is worth
    // it while it costs fewer calls than a lookup per key still missing.
    const pagesLeft =
      recordCount === undefined ? Infinity : Math.ceil(recordCount / MAX_PAGE_SIZE) - pageNo;
    if (pageNo >= maxPages && pagesLeft >= wanted.size - found.size)
      return { found, complete: false, newestId };
  }
}

export interface UpsertOptions<R> {
  /** Items per POST; HaloAPI batches 100 (halopsa-api.md §6.5). */
  chunkSize?: number;
  /**
   * A previous attempt (a re-delivered queue message) may already have created these records:
   * look each external key up before creating it.
   */
  mayExist?: boolean;
  /** Called after each chunk is saved, so the caller can record ids before the next chunk. */
  onChunk?: (saved: UpsertResult<R>[]) => Promise<void> | void;
  /** Rounds of (POST, resolve) per chunk before giving up. */
  maxRounds?: number;
  /**
   * The id of a record of this entity known to exist before this call (e.g. the highest one
   * LeadBridge recorded): an uncertain POST is then resolved by listing the records newer than
   * it, one or two pages, instead of one lookup per record. Not used for `mayExist`: a record an
   * earlier attempt created may be older than anything recorded since.
   */
  floorId?: number;
}

export interface UpsertResult<R> {
  /** Index in the input array. */
  index: number;
  id: number;
  key: string | undefined;
  /** The saved record, when HaloPSA sent it back or a lookup found it. */
  record: R | undefined;
}

const DEFAULT_CHUNK = 50;
const DEFAULT_ROUNDS = 6;

/**
 * Array upsert (`POST /api/<Entity>` takes an array: no id creates, an id updates, halopsa-api.md §3.1), in
 * chunks. A failure that may have written (5xx, a lost response) is never re-POSTed blindly: the
 * chunk's external keys are looked up first and only the records still absent are sent again.
 * Items without an id must carry an external key, or a retry could duplicate them.
 */
export async function upsertEntity<R extends { id: number }, W extends Record<string, unknown>>(
  halo: Halo,
  entity: Entity<R, W>,
  items: readonly W[],
  options: UpsertOptions<R> = {},
): Promise<UpsertResult<R>[]> {
  const chunkSize = Math.min(MAX_PAGE_SIZE, Math.max(1, options.chunkSize ?? DEFAULT_CHUNK));
  const prepared = items.map((item, index) => {
    const parsed = entity.write.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? `${issue.path.join(".") || "item"}: ${issue.message}` : "invalid";
      throw new AppError(
        "INTERNAL_ERROR",
        `Invalid ${entity.path} payload at [${index}]: ${where}`,
        {
          cause: parsed.error,
        },
      );
    }
    const body = compact(parsed.data as Record<string, unknown>);
    const key = entity.writeKey(item);
    if (item.id === undefined && !key) {
      throw new AppError("INTERNAL_ERROR", `${entity.path} item [${index}] has no external key`);
    }
    return { index, body, key, id: typeof item.id === "number" ? item.id : undefined };
  });

  const results: UpsertResult<R>[] = [];
  const progress: Progress = { posted: false, floorId: options.floorId };
  try {
    for (let start = 0; start < prepared.length; start += chunkSize) {
      const chunk = prepared.slice(start, start + chunkSize);
      const saved = await upsertChunk(halo, entity, chunk, options, progress);
      results.push(...saved);
      await options.onChunk?.(saved);
    }
  } catch (err) {
    // Tell the caller whether a re-delivery must look records up before creating them.
    if (err instanceof HaloThrottledError && progress.posted && !err.maybeWritten) {
      throw new HaloThrottledError(err.retryAfterMs, String(err.details?.reason ?? ""), true);
    }
    // An earlier POST of this call may have written: then "not sent" no longer holds for it.
    if (progress.posted && wroteNothing(err) && err instanceof AppError) {
      throw new AppError(err.code, err.message, {
        details: { ...err.details, written: undefined },
        cause: err.cause,
      });
    }
    throw err;
  }
  return results.sort((a, b) => a.index - b.index);
}

interface Progress {
  posted: boolean;
  /** Raised as records are seen: anything seen before a POST existed before it. */
  floorId: number | undefined;
}

interface Prepared {
  index: number;
  body: Record<string, unknown>;
  key: string | undefined;
  id: number | undefined;
}

async function upsertChunk<R extends { id: number }, W extends Record<string, unknown>>(
  halo: Halo,
  entity: Entity<R, W>,
  chunk: Prepared[],
  options: UpsertOptions<R>,
  progress: Progress,
): Promise<UpsertResult<R>[]> {
  const done: UpsertResult<R>[] = [];
  let pending = chunk;
  const adopt = (p: Prepared, record: R | undefined, id: number) =>
    done.push({ index: p.index, id, key: p.key, record });
  const raiseFloor = (id: number | undefined) => {
    if (id !== undefined) progress.floorId = Math.max(progress.floorId ?? id, id);
  };

  /**
   * Looks up the creates among `items`; returns those not found. Several keys are looked for
   * among the newest records first (one or two list calls for a whole array); only keys that
   * scan cannot settle are looked up one by one.
   */
  const resolve = async (items: Prepared[], floorId: number | undefined): Promise<Prepared[]> => {
    const creates = items.filter((p) => p.id === undefined && p.key !== undefined);
    const absent = items.filter((p) => !creates.includes(p));
    let scan: NewestScan<R> | undefined;
    if (creates.length > 1) {
      scan = await scanNewest(
        halo,
        entity,
        creates.map((p) => p.key ?? ""),
        floorId,
      );
      raiseFloor(scan.newestId);
    }
    for (const p of creates) {
      const key = p.key ?? "";
      const found =
        scan?.found.get(key) ?? (scan?.complete ? undefined : await findByKey(halo, entity, key));
      if (found) adopt(p, found, found.id);
      else absent.push(p);
    }
    return absent;
  };

  // What an earlier attempt created may be older than any floor known now: no floor here.
  if (options.mayExist) pending = await resolve(pending, undefined);
  const request: HaloRequest = { method: "POST", path: entity.path };
  let why = "";
  for (let round = 0; pending.length > 0; round++) {
    if (round >= (options.maxRounds ?? DEFAULT_ROUNDS)) {
      throw haloUnavailable(request, `${why}; ${pending.length} records unresolved`);
    }
    // Only what existed before this POST may bound the search for what it created.
    const floorBefore = progress.floorId;
    const outcome = await write(halo, {
      ...request,
      // Ask for every saved record back; without it a multi-item POST returns one (halopsa-api.md §3.1).
      query: { returnall: true },
      body: pending.map((p) => p.body),
    });
    progress.posted = true;
    if (outcome.kind === "uncertain") {
      why = outcome.why;
      // Updates are idempotent and are simply sent again; creates are looked up first.
      pending = await resolve(pending, floorBefore);
      continue;
    }
    const returned = parseSaved(entity, outcome.body, request);
    const byKey = new Map<string, R>();
    const byId = new Map<number, R>();
    for (const r of returned) {
      const k = entity.readKey(r);
      if (k !== undefined) byKey.set(k, r);
      byId.set(r.id, r);
    }
    const unmatched: Prepared[] = [];
    for (const p of pending) {
      const r = p.id !== undefined ? byId.get(p.id) : p.key ? byKey.get(p.key) : undefined;
      if (r) adopt(p, r, r.id);
      else if (p.id !== undefined) adopt(p, undefined, p.id);
      else unmatched.push(p);
    }
    // A tenant that ignores returnall sends back one record: the others are found by key.
    const missing = await resolve(unmatched, floorBefore);
    for (const r of returned) raiseFloor(r.id);
    if (missing.length > 0) {
      throw haloError(request, outcome.status, outcome.body, "saved records could not be found");
    }
    pending = [];
  }
  return done;
}

function parseSaved<R extends { id: number }, W extends Record<string, unknown>>(
  entity: Entity<R, W>,
  body: unknown,
  request: HaloRequest,
): R[] {
  const list = Array.isArray(body) ? body : [body];
  const parsed = z.array(entity.record).safeParse(list);
  if (!parsed.success) throw haloShapeError(request, parsed.error.message.slice(0, 200));
  return parsed.data;
}
