import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse";
import type { HaloIntegration, JobDetail, LeadSource } from "../client.js";
import { FINISHED } from "../client.js";
import {
  type ColumnPlan,
  planColumns,
  planHasIdentity,
  rowToLead,
} from "../generated/csv-columns.js";
import { sleep } from "../http.js";
import { CliError, EXIT, type Io } from "./io.js";
import { Progress } from "./progress.js";
import {
  fileStamp,
  type ImportState,
  loadState,
  newState,
  removeState,
  saveState,
} from "./state.js";
import { table } from "./table.js";

export interface ImportArgs {
  file: string;
  source: LeadSource;
  chunkSize: number;
  restart: boolean;
  rejectedPath: string | undefined;
  json: boolean;
  pollIntervalMs: number;
}

export interface ImportSummary {
  file: string;
  source: string;
  rows: number;
  jobs: string[];
  total: number;
  successful: number;
  failed: number;
  by_action: Record<string, number>;
  rejected_rows: number;
  rejected_file: string;
  ignored_columns: string[];
  resumed: boolean;
  seconds: number;
}

interface Row {
  index: number;
  line: number;
  cells: string[];
}

/** Streams a CSV file: the header's column plan, then one row at a time with its line number. */
async function* readCsv(
  file: string,
): AsyncGenerator<{ plan: ColumnPlan; header: string[] } | Row> {
  const parser = createReadStream(file).pipe(
    parse({ bom: true, skip_empty_lines: true, relax_column_count: true, info: true }),
  );
  let index = -1;
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number };
  }>) {
    if (index === -1) {
      index = 0;
      yield { plan: planColumns(record), header: record };
      continue;
    }
    yield { index: index++, line: info.lines, cells: record };
  }
}

export async function importFile(
  client: HaloIntegration,
  args: ImportArgs,
  io: Io,
): Promise<number> {
  const file = path.resolve(args.file);
  const stamp = await fileStamp(file).catch(() => {
    throw new CliError(EXIT.USAGE, `cannot read ${args.file}`);
  });
  let state = args.restart ? null : await loadState(file);
  const resumed = state !== null;
  if (state) {
    if (
      state.source !== args.source ||
      state.file.size !== stamp.size ||
      state.file.mtime_ms !== stamp.mtime_ms
    ) {
      throw new CliError(
        EXIT.USAGE,
        `${args.file} changed (or --source differs) since the import recorded in ${path.basename(file)}.leadbridge.json began; pass --restart to import it afresh`,
      );
    }
    io.log(`resuming: ${state.chunks.length} chunk(s) already sent`);
  } else {
    if (args.restart) await removeState(file);
    state = newState(args.source, args.chunkSize, stamp);
    await saveState(file, state);
  }
  const progress = new Progress(io.stderr, "import", !args.json);

  // 1. Send every chunk not sent yet, streaming the file (one chunk of leads in memory).
  let ignored: string[] = [];
  if (!state.sent_all) {
    const sent = new Set(state.chunks.map((c) => c.index));
    let plan: ColumnPlan | undefined;
    let batch: { first: number; leads: Record<string, string>[] } | null = null;
    let rows = 0;
    const flush = async () => {
      if (!batch || !state) return;
      const index = Math.floor(batch.first / state.chunk_size);
      if (!sent.has(index)) {
        if (io.signal?.aborted)
          throw new CliError(EXIT.INTERRUPTED, "interrupted; run the same command again to resume");
        const accepted = await client.leads.startBulk(batch.leads, {
          source: args.source,
          continueOnError: true,
          // Stable per run and chunk: a chunk re-sent after a crash replays the same job.
          idempotencyKey: `lbcli-${state.run_id}-${index}`,
        });
        state.chunks.push({
          index,
          first_row: batch.first,
          rows: batch.leads.length,
          job_id: accepted.job_id,
        });
        sent.add(index);
        await saveState(file, state);
        io.onChunkSent?.(state.chunks.length);
        progress.update(rows, rows, `sent chunk ${index + 1}`);
      }
      batch = null;
    };
    for await (const item of readCsv(file)) {
      if ("plan" in item) {
        plan = item.plan;
        ignored = plan.ignored;
        if (!planHasIdentity(plan)) {
          throw new CliError(
            EXIT.DATA,
            `no email, name or phone column found in the header of ${args.file}: ${item.header.join(", ")}`,
          );
        }
        continue;
      }
      rows++;
      const lead = plan ? rowToLead(plan, item.cells) : {};
      if (!batch) batch = { first: item.index, leads: [] };
      batch.leads.push(lead);
      if (batch.leads.length >= state.chunk_size) await flush();
    }
    await flush();
    state.sent_all = true;
    state.total_rows = rows;
    await saveState(file, state);
    progress.done();
  }
  const totalRows = state.total_rows ?? 0;
  if (totalRows === 0) throw new CliError(EXIT.DATA, `${args.file} holds no rows`);

  // 2. Follow every job to the end.
  const jobs = await followJobs(client, state, progress, args.pollIntervalMs, io);
  progress.done();

  // 3. Summary and rejected.csv (the file is streamed again to copy the refused rows).
  const refused = new Map<number, { action: string; reason: string }>();
  for (const c of state.chunks) {
    const job = jobs.get(c.job_id);
    if (!job) continue;
    const actions = new Map(job.results.map((r) => [r.index, r.action]));
    for (const e of job.errors) {
      refused.set(c.first_row + e.index, {
        action: actions.get(e.index) ?? "failed",
        reason: reasonText(e.error),
      });
    }
  }
  // Always written (a header alone when nothing was refused), so a stale file from an earlier
  // import of the same name can never be mistaken for this one's.
  const rejectedFile = args.rejectedPath ?? defaultRejectedPath(file);
  await writeRejected(file, rejectedFile, refused);

  const summary: ImportSummary = {
    file,
    source: args.source,
    rows: totalRows,
    jobs: state.chunks.map((c) => c.job_id),
    total: 0,
    successful: 0,
    failed: 0,
    by_action: {},
    rejected_rows: refused.size,
    rejected_file: rejectedFile,
    ignored_columns: ignored,
    resumed,
    seconds: Math.round(progress.elapsedSeconds() * 10) / 10,
  };
  for (const job of jobs.values()) {
    summary.total += job.total;
    summary.successful += job.successful;
    summary.failed += job.failed;
    for (const [k, v] of Object.entries(job.by_action))
      summary.by_action[k] = (summary.by_action[k] ?? 0) + v;
  }
  if (args.json) io.out(`${JSON.stringify(summary)}\n`);
  else io.out(renderSummary(summary));
  return summary.failed > 0 ? EXIT.PARTIAL : EXIT.OK;
}

/**
 * Polls the jobs to the end. Progress comes from the job list (summaries only, one request for
 * all of them); each job's per-lead results are fetched once, when it has finished.
 */
async function followJobs(
  client: HaloIntegration,
  state: ImportState,
  progress: Progress,
  pollIntervalMs: number,
  io: Io,
): Promise<Map<string, JobDetail>> {
  const finished = new Map<string, JobDetail>();
  const latest = new Map<string, { processed: number; total: number }>();
  for (;;) {
    const listed = new Map((await client.jobs.list({ limit: 200 })).jobs.map((j) => [j.job_id, j]));
    for (const c of state.chunks) {
      if (finished.has(c.job_id)) continue;
      // A job older than the list's first page is read on its own.
      const job = listed.get(c.job_id) ?? (await client.jobs.get(c.job_id));
      latest.set(c.job_id, { processed: job.processed, total: job.total });
      if (FINISHED.has(job.status)) finished.set(c.job_id, await client.jobs.get(c.job_id));
    }
    let done = 0;
    let total = 0;
    for (const v of latest.values()) {
      done += v.processed;
      total += v.total;
    }
    progress.update(done, total, `${finished.size}/${state.chunks.length} jobs done`);
    if (finished.size === state.chunks.length) return finished;
    if (io.signal?.aborted) {
      throw new CliError(EXIT.INTERRUPTED, "interrupted; run the same command again to resume");
    }
    await sleep(pollIntervalMs);
  }
}

function reasonText(error: string): string {
  try {
    const issues = JSON.parse(error) as { field?: string; message?: string; code?: string }[];
    if (Array.isArray(issues))
      return issues.map((i) => `${i.field ?? "?"}: ${i.message ?? i.code ?? ""}`).join("; ");
  } catch {}
  return error;
}

function defaultRejectedPath(file: string): string {
  const { dir, name } = path.parse(file);
  return path.join(dir, `${name}.rejected.csv`);
}

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

async function writeRejected(
  file: string,
  target: string,
  refused: Map<number, { action: string; reason: string }>,
): Promise<void> {
  const out = createWriteStream(target);
  const write = async (cells: (string | number)[]) => {
    if (!out.write(`${cells.map(csvCell).join(",")}\n`)) await once(out, "drain");
  };
  for await (const item of readCsv(file)) {
    if ("plan" in item) {
      await write(["row", "line", "outcome", "reason", ...item.header]);
      continue;
    }
    const r = refused.get(item.index);
    if (r) await write([item.index + 1, item.line, r.action, r.reason, ...item.cells]);
  }
  out.end();
  await once(out, "finish");
}

export function renderSummary(s: ImportSummary): string {
  const rows: (string | number)[][] = [
    ["rows read", s.rows],
    ["jobs", s.jobs.length],
    ...Object.entries(s.by_action)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]): (string | number)[] => [k, v]),
    ["successful", s.successful],
    ["failed or rejected", s.failed],
  ];
  let text = `\n${table(rows, ["", "leads"])}`;
  if (s.rejected_rows > 0)
    text += `\n${s.rejected_rows} refused row(s) with their reasons: ${s.rejected_file}\n`;
  if (s.ignored_columns.length > 0) text += `ignored columns: ${s.ignored_columns.join(", ")}\n`;
  text += `${s.resumed ? "resumed; " : ""}${s.seconds}s\n`;
  return text;
}
