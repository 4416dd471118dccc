/**
 * The per-lead workflow integration tools run (bench/baseline.mjs measures it against the
 * sandbox): one search per entity — client, site, user, ticket — and a create for each one
 * missing. A new person costs 8 HaloPSA calls that way, a known one 4. "Calls saved" compares
 * LeadBridge's real calls with that baseline for the same outcomes.
 */
export const BASELINE_CALLS = { newLead: 8, knownLead: 4 } as const;

export interface ImportCounts {
  created: number;
  updated: number;
  preserved: number;
  merged: number;
  rejected: number;
  suppressed: number;
  failed: number;
}

export const ZERO_IMPORT_COUNTS: ImportCounts = {
  created: 0,
  updated: 0,
  preserved: 0,
  merged: 0,
  rejected: 0,
  suppressed: 0,
  failed: 0,
};

/** Records that ended in HaloPSA: created, or matched to a person already there. */
export function written(c: ImportCounts): number {
  return c.created + c.updated + c.preserved + c.merged;
}

/** Records that matched a person already known instead of becoming a second one. */
export function duplicatesPrevented(c: ImportCounts): number {
  return c.updated + c.preserved + c.merged;
}

/**
 * Written over attempted, where suppressions are neither (a Do-Not-Contact hit is the service
 * working, not failing). null when nothing was attempted.
 */
export function successRate(c: ImportCounts): number | null {
  const attempted = written(c) + c.rejected + c.failed;
  return attempted === 0 ? null : Math.round((written(c) / attempted) * 10_000) / 10_000;
}

export function baselineCalls(c: ImportCounts): number {
  return (
    c.created * BASELINE_CALLS.newLead +
    (c.updated + c.preserved + c.merged) * BASELINE_CALLS.knownLead
  );
}

export function addCounts(a: ImportCounts, b: ImportCounts): ImportCounts {
  return {
    created: a.created + b.created,
    updated: a.updated + b.updated,
    preserved: a.preserved + b.preserved,
    merged: a.merged + b.merged,
    rejected: a.rejected + b.rejected,
    suppressed: a.suppressed + b.suppressed,
    failed: a.failed + b.failed,
  };
}
