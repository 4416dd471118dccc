import { HaloThrottledError } from "../halo/errors";
import { wroteNothing } from "../halo/transport";
import type { CreateOptions, HaloRecordUpdate } from "./halo-port";

export interface Failure {
  code: string;
  message: string;
}

/** Another run took this row's lease over (this run stalled past it): hand the item back. */
export const LEASE_LOST = "LEASE_LOST";

/** How one create phase reads and writes the rows it creates HaloPSA records for. */
export interface PhaseIo<P> {
  /** Whether an earlier attempt left the row marked, i.e. its record may exist unrecorded. */
  wasPending: (p: P) => boolean;
  /**
   * Sets or clears `write_pending` on rows the run still holds (renewing its leases); returns
   * the items whose rows it holds.
   */
  mark: (batch: P[], on: boolean) => Promise<P[]>;
  /** One array POST: the batch's records, then `extra` updates; ids in input order. */
  create: (batch: P[], opts: CreateOptions, extra: HaloRecordUpdate[]) => Promise<number[]>;
  /** Records the new ids on the rows (and clears the mark). */
  save: (batch: P[], ids: number[]) => Promise<void>;
}

/** Records per array POST: HaloPSA's page cap, and what its own tools batch (halopsa-api.md §6.5). */
export const POST_SIZE = 100;

/**
 * The write-pending protocol for one HaloPSA create phase over a batch, in array POSTs of up to
 * 100 records (the batch's creates first, then the `extra` updates filling the last array), each
 * POST in three steps:
 *
 * 1. mark — its rows are flagged `write_pending` (only while this run holds their lease; every
 *    mark renews all of the run's leases), so a run that dies between the POST and step 3
 *    leaves a trace — on that POST's rows only;
 * 2. POST — one array upsert; rows an earlier attempt left marked go in POSTs of their own and
 *    are resolved first (`mayExist`: a scan of the newest records, lookups only for what the scan
 *    cannot settle);
 * 3. save — its new ids are stored and the marks cleared, so a failure or a crash in a later POST
 *    of the phase costs nothing already saved.
 *
 * A full rate-limit window aborts the whole run (the caller retries later and resumes from D1);
 * any other failure marks that POST's items as failed so the rest of the run goes on. Returns
 * the error of the `extra` updates, if a POST carrying them failed.
 */
export async function phase<P extends { failed: Failure | null }>(
  batch: P[],
  io: PhaseIo<P>,
  extra: HaloRecordUpdate[] = [],
  opts: CreateOptions = {},
): Promise<string | null> {
  const wasPending = new Set(batch.filter(io.wasPending));
  const resumed = batch.filter((p) => wasPending.has(p));
  const fresh = batch.filter((p) => !wasPending.has(p));
  const posts = [
    ...arrays(fresh, extra).map(([part, updates]) => ({ part, updates, opts, fresh: true })),
    ...arrays(resumed, []).map(([part, updates]) => ({
      part,
      updates,
      opts: { ...opts, mayExist: true },
      fresh: false,
    })),
  ];
  let extraError: string | null = null;
  for (const post of posts) {
    const { updates } = post;
    const part = post.part.length > 0 ? await io.mark(post.part, true) : [];
    const held = new Set(part);
    for (const p of post.part) {
      if (!held.has(p)) {
        p.failed = { code: LEASE_LOST, message: "another run took this lead over" };
      }
    }
    if (part.length === 0 && updates.length === 0) continue;
    try {
      const ids = await io.create(part, post.opts, updates);
      if (part.length > 0) await io.save(part, ids.slice(0, part.length));
    } catch (err) {
      if (err instanceof HaloThrottledError) {
        // Refused before anything was sent: this attempt left nothing to look up next time
        // (rows marked by an earlier attempt stay marked).
        if (!err.maybeWritten && post.fresh && part.length > 0) await io.mark(part, false);
        throw err;
      }
      // HaloPSA never got this POST (unreachable before sending): nothing to look up next time.
      if (wroteNothing(err) && post.fresh && part.length > 0) await io.mark(part, false);
      const message = err instanceof Error ? err.message : String(err);
      for (const p of part) p.failed = { code: "EXTERNAL_API_ERROR", message };
      if (updates.length > 0) extraError = message;
    }
  }
  return extraError;
}

/**
 * Packs items, then updates, into arrays of at most POST_SIZE records: the updates fill the
 * last array of items before taking arrays of their own.
 */
function arrays<P>(items: P[], updates: HaloRecordUpdate[]): [P[], HaloRecordUpdate[]][] {
  const out: [P[], HaloRecordUpdate[]][] = [];
  for (let i = 0; i < items.length; i += POST_SIZE) out.push([items.slice(i, i + POST_SIZE), []]);
  let u = 0;
  const last = out[out.length - 1];
  if (last && last[0].length < POST_SIZE) {
    const room = POST_SIZE - last[0].length;
    last[1] = updates.slice(0, room);
    u = room;
  }
  for (; u < updates.length; u += POST_SIZE) out.push([[], updates.slice(u, u + POST_SIZE)]);
  return out;
}
