import { HaloThrottledError } from "../halo/errors";
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

/**
 * The write-pending protocol for one HaloPSA create phase over a batch:
 *
 * 1. mark — rows are flagged `write_pending` (only while this run holds their lease), so a run
 *    that dies between the POST and step 3 leaves a trace;
 * 2. POST — one array upsert; rows an earlier attempt left marked are first looked up by their
 *    external key (`mayExist`), so only they pay for lookups;
 * 3. save — the new ids are stored and the mark cleared.
 *
 * A full rate-limit window aborts the whole run (the caller retries later and resumes from D1);
 * any other failure marks the part's items as failed so the rest of the run goes on. Returns
 * the error of the `extra` updates, if their POST failed.
 */
export async function phase<P extends { failed: Failure | null }>(
  batch: P[],
  io: PhaseIo<P>,
  extra: HaloRecordUpdate[] = [],
): Promise<string | null> {
  if (batch.length === 0 && extra.length === 0) return null;
  const before = new Set(batch.filter(io.wasPending));
  const held = batch.length > 0 ? await io.mark(batch, true) : [];
  const heldSet = new Set(held);
  for (const p of batch) {
    if (!heldSet.has(p)) {
      p.failed = { code: LEASE_LOST, message: "another run took this lead over" };
    }
  }
  const resumed = held.filter((p) => before.has(p));
  const fresh = held.filter((p) => !before.has(p));
  let extraError: string | null = null;
  const parts: [P[], CreateOptions, HaloRecordUpdate[]][] = [
    [fresh, {}, extra],
    [resumed, { mayExist: true }, []],
  ];
  for (const [part, opts, updates] of parts) {
    if (part.length === 0 && updates.length === 0) continue;
    try {
      const ids = await io.create(part, opts, updates);
      if (part.length > 0) await io.save(part, ids.slice(0, part.length));
    } catch (err) {
      if (err instanceof HaloThrottledError) {
        // Refused before anything was sent: this attempt left nothing to look up next time
        // (rows marked by an earlier attempt stay marked).
        if (!err.maybeWritten && part === fresh && part.length > 0) await io.mark(part, false);
        throw err;
      }
      const message = err instanceof Error ? err.message : String(err);
      for (const p of part) p.failed = { code: "EXTERNAL_API_ERROR", message };
      if (updates.length > 0) extraError = message;
    }
  }
  return extraError;
}
