import { runBatch } from "../db/batch";
import type { Db } from "../db/client";
import {
  type CompanyRow,
  claimCompanies,
  claimLeads,
  type LeadRow,
  type Lease,
  markPending,
  type NewCompanyRow,
  releaseStatements,
} from "../db/leads-repo";
import { newId } from "../ids";
import type { ImportContext, LeaseSettings } from "./context";
import type { WorkItem } from "./work-item";

/**
 * How long a run may hold a person or a company without renewing: long enough for a chunk's
 * four array POSTs under throttling (each phase renews), short enough that a crashed run's rows
 * are taken over soon.
 */
export const LEASE_TTL_MS = 120_000;

export const DEFAULT_LEASES: LeaseSettings = { ttlMs: LEASE_TTL_MS, clock: () => Date.now() };

/**
 * One run's exclusive leases on `leads` and `companies` rows. Exactly one run writes a person
 * (dedup key) or creates a company (company key) to HaloPSA at a time; a run never waits while
 * holding a lease, it hands back what it could not take. All leases of a run share its token,
 * so they are renewed and released with one statement per table.
 */
export class RunClaims {
  readonly token = crypto.randomUUID();

  constructor(
    private readonly db: Db,
    private readonly settings: LeaseSettings = DEFAULT_LEASES,
  ) {}

  lease(): Lease {
    const nowMs = this.settings.clock();
    return { token: this.token, nowMs, expiresAt: nowMs + this.settings.ttlMs };
  }

  holds(row: { claimToken: string | null }): boolean {
    return row.claimToken === this.token;
  }

  /**
   * Takes each item's person: new people are inserted holding the lease, known ones are taken
   * if free or expired. Held items get their row as it is now (another run may have finished
   * it meanwhile); the others are busy.
   */
  async takeLeads(
    ctx: ImportContext,
    items: WorkItem[],
  ): Promise<{ held: WorkItem[]; busy: WorkItem[] }> {
    const at = ctx.now.toISOString();
    const inserts = items.flatMap((it) =>
      it.existing
        ? []
        : [
            {
              id: newId("ld", ctx.now.getTime()),
              dedupKey: it.dedupKey.value,
              dedupKind: it.dedupKey.kind,
              email: it.lead.person.email,
              fullName: it.lead.person.full_name,
              companyName: it.lead.company.name,
              stage: "lead" as const,
              status: "new_lead",
              qualityScore: it.score,
              source: it.lead.provenance.source,
              sources: [it.lead.provenance.source],
              lists: [],
              canonical: it.lead,
              written: {},
              updatedAt: at,
            },
          ],
    );
    const rows = await claimLeads(this.db, this.lease(), {
      inserts,
      dedupKeys: items.map((it) => it.dedupKey.value),
      ids: items.flatMap((it) => (it.existing ? [it.existing.id] : [])),
    });
    const byId = new Map(rows.map((r) => [r.id, r]));
    const byKey = new Map(rows.map((r) => [r.dedupKey, r]));
    const held: WorkItem[] = [];
    const busy: WorkItem[] = [];
    for (const it of items) {
      const row: LeadRow | undefined = it.existing
        ? byId.get(it.existing.id)
        : byKey.get(it.dedupKey.value);
      // Busy items keep the row as it is now too: its holder may have finished it already.
      if (row) it.existing = row;
      if (row && this.holds(row)) held.push(it);
      else busy.push(it);
    }
    return { held, busy };
  }

  /** Takes the companies that still need a client or site; see `claimCompanies`. */
  takeCompanies(inserts: NewCompanyRow[], keys: string[]): Promise<Map<string, CompanyRow>> {
    return claimCompanies(this.db, this.lease(), { inserts, keys });
  }

  /** Renews the run's leases and flags rows `write_pending`; returns the ids still held. */
  mark(target: "leads" | "companies", ids: string[], on: boolean): Promise<Set<string>> {
    return markPending(this.db, this.lease(), target, ids, on);
  }

  releaseStatements() {
    return releaseStatements(this.db, this.token);
  }

  release(): Promise<void> {
    return runBatch(this.db, this.releaseStatements());
  }
}
