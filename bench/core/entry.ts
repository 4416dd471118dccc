// The `core` scenario's workload: the pure per-lead path an import runs, without D1, HaloPSA or
// queues. Bundled by bench/core/run.mjs with esbuild (as wrangler bundles the Worker) and run in
// one Node process, so the figure is leads per second on one core.
//
// Per submitted record, timed:
//   prepare    normaliseRecord (provider shape → canonical lead, every cleansing rule), quality
//              score, dedup key, company key, suppression keys (pipeline/prepare.ts);
//   merge      the stored record of another provider, as D1 hands it over (JSON, stamped with
//              the canonical schema version LeadBridge wrote it under), merged by precedence
//              (pipeline/combine.ts, as merge-leads.ts does with loadSources' rows),
//              the person's HaloPSA fields and lists (buildPersonFields, what merge-leads.ts
//              builds for a known person), the smart merge against what LeadBridge last wrote,
//              and the import decision (decideImport).
// Every lead is treated as a merge (the expensive case); the stored records and last-written
// fields are prepared before the clock starts, as D1 would hand them over.
import { defaultConfig } from "../../src/config/schema";
import { decideImport } from "../../src/domain/decision";
import type { FieldMap } from "../../src/domain/halo-mapping";
import type { CanonicalLead } from "../../src/domain/lead";
import { CANONICAL_LEAD_VERSION } from "../../src/domain/lead-version";
import { smartMerge } from "../../src/domain/merge";
import { combine } from "../../src/pipeline/combine";
import { DEFAULT_IMPORT_OPTIONS } from "../../src/pipeline/options";
import { buildPayloads, buildPersonFields } from "../../src/pipeline/payloads";
import { prepareRecord } from "../../src/pipeline/prepare";

export interface CoreInput {
  records: { source: string; data: unknown }[];
  iterations: number;
}

export interface CoreResult {
  records: number;
  leads: number;
  rejected: number;
  decisions: Record<string, number>;
  /** Best iteration, leads per CPU second, normalise → decision. */
  leads_per_s: number;
  /** Best iteration, leads per CPU second, prepare only (the old measure). */
  prepare_leads_per_s: number;
  /** Every iteration's full-path rate (per CPU second), for the spread. */
  runs: number[];
  /** Every iteration's full-path rate per wall-clock second (lower when the machine is busy). */
  wall_runs: number[];
}

const now = new Date("2026-11-30T12:00:00Z");
const config = defaultConfig();
const options = DEFAULT_IMPORT_OPTIONS;
const lifecycle = config.halopsa.lifecycle;
const policies = config.merge.field_policies;
const ticket = {
  tickettype_id: lifecycle.lead.ticket_type_id,
  status_id: lifecycle.lead.statuses.new_lead,
};

/** What D1 holds for a person before this record arrives: another provider's stored record. */
interface Stored {
  source: string;
  record: unknown;
  /** As saveSourceStatement stamps a record LeadBridge writes. */
  schemaVersion: string;
  written: FieldMap;
}

function storedFor(lead: CanonicalLead, score: number, key: string): Stored {
  // The same person as another provider saw it, with a title of its own so the merge has work.
  const other: CanonicalLead = structuredClone(lead);
  other.provenance.source = lead.provenance.source === "apollo" ? "hunter" : "apollo";
  other.person.title = `${lead.person.title ?? "Manager"} (previous)`;
  const built = buildPayloads(other, score, { leadId: key, companyKey: key }, config, options, now);
  return {
    source: other.provenance.source,
    record: JSON.parse(JSON.stringify(other)),
    schemaVersion: CANONICAL_LEAD_VERSION,
    written: built.personFields,
  };
}

function prepareAll(records: CoreInput["records"]): number {
  let n = 0;
  for (const r of records) n += prepareRecord(r.source, r.data, now).length;
  return n;
}

function fullPath(
  records: CoreInput["records"],
  stored: Map<string, Stored>,
  tally: Record<string, number> | null,
): number {
  let leads = 0;
  for (const r of records) {
    for (const p of prepareRecord(r.source, r.data, now)) {
      leads++;
      if (!p.ok) {
        const d = decideImport({
          validation: { ok: false, issues: p.issues },
          suppression: [],
          existing: null,
          lifecycle,
          options: { update_existing: true },
        });
        if (tally) tally[d.action] = (tally[d.action] ?? 0) + 1;
        continue;
      }
      const s = stored.get(p.dedupKey.value);
      const lead = combine(p.lead, undefined, s === undefined ? [] : [s]);
      const built = buildPersonFields(lead, p.score, "ld_bench", config, options, now);
      const written = s?.written ?? {};
      const merge = smartMerge({
        current: written,
        lastWritten: written,
        incoming: built.personFields,
        ticket,
        lifecycle,
        options: { update_existing: true },
        policies,
      });
      const d = decideImport({
        validation: { ok: true, dedupKey: p.dedupKey },
        suppression: [],
        existing: s === undefined ? null : { ticket },
        merge,
        lifecycle,
        options: { update_existing: true },
      });
      if (tally) tally[d.action] = (tally[d.action] ?? 0) + 1;
    }
  }
  return leads;
}

export function runCore(input: CoreInput): CoreResult {
  const stored = new Map<string, Stored>();
  let rejected = 0;
  for (const r of input.records)
    for (const p of prepareRecord(r.source, r.data, now)) {
      if (!p.ok) rejected++;
      else if (!stored.has(p.dedupKey.value))
        stored.set(p.dedupKey.value, storedFor(p.lead, p.score, p.dedupKey.value));
    }
  const decisions: Record<string, number> = {};
  // Warm-up: let V8 optimise before the clock runs, and count the decisions once.
  let leads = fullPath(input.records, stored, decisions);
  prepareAll(input.records);

  // CPU time (user + system of this process, which the runner pins to one CPU) rather than
  // wall time: on a shared machine other processes' load would otherwise count against us.
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const runs: number[] = [];
  const wallRuns: number[] = [];
  let bestPrepare = 0;
  for (let i = 0; i < input.iterations; i++) {
    let c = cpu();
    const n = prepareAll(input.records);
    bestPrepare = Math.max(bestPrepare, n / (cpu() - c));
    c = cpu();
    const t = performance.now();
    leads = fullPath(input.records, stored, null);
    wallRuns.push(leads / ((performance.now() - t) / 1000));
    runs.push(leads / (cpu() - c));
  }
  return {
    records: input.records.length,
    leads,
    rejected,
    decisions,
    leads_per_s: Math.round(Math.max(...runs)),
    prepare_leads_per_s: Math.round(bestPrepare),
    runs: runs.map((r) => Math.round(r)),
    wall_runs: wallRuns.map((r) => Math.round(r)),
  };
}
