import { dedupKey } from "../domain/dedup-key";
import { leadSuppressionKeys } from "../domain/suppression";
import { normaliseRecord } from "../providers/index";
import type { Candidate, SyncProvider } from "./types";

/**
 * A search hit as a candidate: normalised by the same code the import uses, so the email, the
 * dedup key and the suppression keys checked here are the ones the import would compute. An
 * Apollo hit has neither email nor surname, so only its id can tell whether it is known.
 */
export function toCandidate(
  provider: SyncProvider,
  id: string,
  hit: unknown,
  now: Date,
  native: unknown = hit,
): Candidate {
  const r = normaliseRecord(provider, hit, now);
  const lead = r.ok ? r.leads[0] : undefined;
  if (!lead) return { id, email: null, dedupKey: null, suppressionKeys: [], native };
  return {
    id,
    email: lead.person.email,
    dedupKey: dedupKey(lead)?.value ?? null,
    suppressionKeys: leadSuppressionKeys(lead).map(({ kind, value }) => ({ kind, value })),
    native,
  };
}

/** Stable short hash of a filter object (key order does not matter). */
export async function filtersHash(value: unknown): Promise<string> {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v !== null && typeof v === "object"
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  const bytes = new TextEncoder().encode(JSON.stringify(canonical(value)));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest.slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
