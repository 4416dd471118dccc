/**
 * A progress line with rate and ETA: redrawn in place on a terminal, printed as plain lines
 * (at most every few seconds) when the output is a file or a pipe.
 */
export class Progress {
  private readonly started = Date.now();
  private lastPlain = 0;
  private samples: { at: number; done: number }[] = [];
  private drawn = false;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
    private readonly label: string,
    private readonly enabled = true,
  ) {}

  update(done: number, total: number, note = ""): void {
    if (!this.enabled) return;
    const now = Date.now();
    this.samples.push({ at: now, done });
    // Rate over the last ~10 s, so a slow start does not skew the ETA forever.
    while (this.samples.length > 2 && now - (this.samples[0]?.at ?? now) > 10_000)
      this.samples.shift();
    const first = this.samples[0];
    const elapsed = first ? (now - first.at) / 1000 : 0;
    const rate = first && elapsed > 0 ? (done - first.done) / elapsed : 0;
    const eta = rate > 0 ? Math.ceil((total - done) / rate) : null;
    const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
    const stats = `${pct}% ${done}/${total} · ${rate.toFixed(0)}/s · ETA ${eta === null ? "?" : formatSeconds(eta)}${note ? ` · ${note}` : ""}`;
    if (this.out.isTTY) {
      const width = Math.max(
        10,
        Math.min(40, (this.out.columns ?? 80) - stats.length - this.label.length - 6),
      );
      const filled = Math.round((width * pct) / 100);
      this.out.write(
        `\r${this.label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${stats}\x1b[K`,
      );
      this.drawn = true;
    } else if (now - this.lastPlain >= 5_000 || done >= total) {
      this.lastPlain = now;
      this.out.write(`${this.label}: ${stats}\n`);
    }
  }

  done(): void {
    if (this.drawn) this.out.write("\n");
    this.drawn = false;
  }

  elapsedSeconds(): number {
    return (Date.now() - this.started) / 1000;
  }
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(s % 60).padStart(2, "0")}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}
