/** Exit codes (documented in sdk/ts/README.md). */
export const EXIT = {
  OK: 0,
  /** Finished, but some rows were rejected or failed (see the rejected file). */
  PARTIAL: 1,
  /** Bad command line, or an input file that cannot be used as given. */
  USAGE: 2,
  /** No URL or API key configured. */
  CONFIG: 3,
  /** The API refused the request (4xx: authentication, scope, validation, not found). */
  API: 4,
  /** The service could not be reached or failed (network, 5xx, gave up retrying). */
  UNAVAILABLE: 5,
  /** The input has no usable rows or columns. */
  DATA: 6,
  /** Stopped by Ctrl-C; the state file lets the same command resume. */
  INTERRUPTED: 130,
} as const;

export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Io {
  out: (text: string) => void;
  log: (text: string) => void;
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** Test hook: called after each chunk is sent and recorded. */
  onChunkSent?: (sentChunks: number) => void;
}
