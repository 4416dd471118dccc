/** Plain aligned columns; no box drawing, so the output stays readable in logs. */
export function table(rows: (string | number)[][], header?: string[]): string {
  const all = header ? [header, ...rows] : rows;
  const widths: number[] = [];
  for (const r of all) {
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, String(c).length);
    });
  }
  const line = (r: (string | number)[]) =>
    r
      .map((c, i) =>
        typeof c === "number"
          ? String(c).padStart(widths[i] ?? 0)
          : String(c).padEnd(widths[i] ?? 0),
      )
      .join("  ")
      .trimEnd();
  const out = all.map(line);
  if (header) out.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  return `${out.join("\n")}\n`;
}
