import { randomUUID } from "node:crypto";
import { readFile, rename, rm, stat, writeFile } from "node:fs/promises";

/**
 * What an import remembers between runs, kept next to the input as `<file>.leadbridge.json`:
 * which chunk of rows went to which job. A re-run skips the chunks it already sent, and a chunk
 * whose answer was lost is re-sent with the same Idempotency-Key, so the service replays the
 * job it created instead of creating a second one.
 */
export interface ImportState {
  version: 1;
  run_id: string;
  source: string;
  chunk_size: number;
  file: { size: number; mtime_ms: number };
  chunks: { index: number; first_row: number; rows: number; job_id: string }[];
  /** Every row has been sent. */
  sent_all: boolean;
  total_rows: number | null;
}

export function statePath(file: string): string {
  return `${file}.leadbridge.json`;
}

export async function fileStamp(file: string): Promise<ImportState["file"]> {
  const s = await stat(file);
  return { size: s.size, mtime_ms: Math.floor(s.mtimeMs) };
}

export async function loadState(file: string): Promise<ImportState | null> {
  try {
    const parsed = JSON.parse(await readFile(statePath(file), "utf8")) as ImportState;
    return parsed.version === 1 ? parsed : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

export function newState(
  source: string,
  chunkSize: number,
  stamp: ImportState["file"],
): ImportState {
  return {
    version: 1,
    run_id: randomUUID(),
    source,
    chunk_size: chunkSize,
    file: stamp,
    chunks: [],
    sent_all: false,
    total_rows: null,
  };
}

/** Written to a temporary file and renamed, so a crash never leaves half a state file. */
export async function saveState(file: string, state: ImportState): Promise<void> {
  const target = statePath(file);
  const tmp = `${target}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(tmp, target);
}

export async function removeState(file: string): Promise<void> {
  await rm(statePath(file), { force: true });
}
