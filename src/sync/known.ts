import { chunk } from "../db/chunk";
import type { Db } from "../db/client";
import { findLeadsByDedupKeys, findLeadsByEmails } from "../db/leads-repo";
import { findSuppressions } from "../db/suppressions-repo";
import type { SuppressionKey } from "../domain/suppression";
import type { Candidate, SyncProvider } from "./types";

/**
 * Provider record ids LeadBridge already holds for this provider. The id is read from the
 * stored per-provider record (`lead_sources.record`: a canonical lead's `provenance.record_id`,
 * or a native record's `person.id` / `id`) and from the lead's own canonical record. Ids are
 * compared as text: ZoomInfo's are numbers in JSON.
 */
export async function knownRecordIds(
  d1: D1Database,
  provider: SyncProvider,
  ids: string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  // D1 allows 100 bound parameters per statement.
  for (const part of chunk([...new Set(ids)], 90)) {
    const marks = part.map((_, i) => `?${i + 2}`).join(", ");
    const { results } = await d1
      .prepare(
        `SELECT rid FROM (
           SELECT CAST(COALESCE(json_extract(record, '$.provenance.record_id'),
                                json_extract(record, '$.person.id'),
                                json_extract(record, '$.id')) AS TEXT) AS rid
           FROM lead_sources WHERE source = ?1
           UNION ALL
           SELECT CAST(json_extract(canonical, '$.provenance.record_id') AS TEXT) AS rid
           FROM leads WHERE source = ?1
         ) WHERE rid IN (${marks})`,
      )
      .bind(provider, ...part)
      .all<{ rid: string }>();
    for (const r of results) found.add(r.rid);
  }
  return found;
}

export interface Screened {
  fresh: Candidate[];
  known: Candidate[];
  suppressed: Candidate[];
}

const keyText = (k: SuppressionKey) => `${k.kind}:${k.value}`;

/**
 * Splits a page's candidates before any credit is spent: suppressed people (any of their keys
 * is on the Do-Not-Contact list) and people already known (by provider id, email or dedup key)
 * are dropped; only the rest is worth enriching.
 */
export async function screen(
  d1: D1Database,
  db: Db,
  provider: SyncProvider,
  candidates: Candidate[],
): Promise<Screened> {
  const blocked = new Set(
    (
      await findSuppressions(
        db,
        candidates.flatMap((c) => c.suppressionKeys),
      )
    ).map((r) => keyText({ kind: r.kind, value: r.value })),
  );
  const byId = await knownRecordIds(
    d1,
    provider,
    candidates.map((c) => c.id),
  );
  const emails = candidates.flatMap((c) => (c.email ? [c.email] : []));
  const byEmail = emails.length > 0 ? await findLeadsByEmails(db, emails) : new Map();
  const keys = candidates.flatMap((c) => (c.dedupKey ? [c.dedupKey] : []));
  const byKey = keys.length > 0 ? await findLeadsByDedupKeys(db, keys) : new Map();

  const out: Screened = { fresh: [], known: [], suppressed: [] };
  for (const c of candidates) {
    if (c.suppressionKeys.some((k) => blocked.has(keyText(k)))) out.suppressed.push(c);
    else if (
      byId.has(c.id) ||
      (c.email !== null && byEmail.has(c.email)) ||
      (c.dedupKey !== null && byKey.has(c.dedupKey))
    )
      out.known.push(c);
    else out.fresh.push(c);
  }
  return out;
}

/** The subset of `domains` on the Do-Not-Contact list (a domain entry blocks everyone there). */
export async function suppressedDomains(db: Db, domains: string[]): Promise<Set<string>> {
  const rows = await findSuppressions(
    db,
    domains.map((value) => ({ kind: "domain" as const, value })),
  );
  return new Set(rows.map((r) => r.value));
}
