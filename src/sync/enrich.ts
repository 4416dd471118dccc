import type { CallResult } from "../providers/pacing";
import type { Candidate, Enrichment } from "./types";

/**
 * Enriches candidates in the provider's batch size, spending credits batch by batch. It stops
 * as soon as the provider (or its gate) says so, and also before the next batch when the
 * provider reports its window empty, rather than be refused by that call; the candidates not
 * reached stay unhandled, so the next run enriches them (and only them).
 */
export async function enrichInBatches(
  candidates: Candidate[],
  batchSize: number,
  call: (ids: string[]) => Promise<CallResult<{ credits: number; records: unknown[] }>>,
): Promise<Enrichment> {
  const out: Enrichment = { records: [], handled: [], credits: 0, stoppedBy: null, throttle: null };
  for (let i = 0; i < candidates.length; i += batchSize) {
    const batch = candidates.slice(i, i + batchSize).map((c) => c.id);
    const r = await call(batch);
    if (r.kind === "throttled") {
      out.stoppedBy = r.throttle;
      return out;
    }
    out.credits += r.data.credits;
    out.handled.push(...batch);
    out.records.push(...r.data.records);
    out.throttle = r.throttle;
    if (r.throttle && i + batchSize < candidates.length) {
      out.stoppedBy = r.throttle;
      return out;
    }
  }
  return out;
}
