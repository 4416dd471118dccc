/** What a run has done so far; every page adds its own counts. */
export const COUNT_KEYS = [
  "pages_read",
  "clients_read",
  "companies_created",
  "companies_linked",
  "clients_skipped",
  "sites_read",
  "sites_linked",
  "users_read",
  "leads_created",
  "leads_linked",
  "users_skipped",
  "tickets_read",
  "tickets_linked",
  "tickets_unmatched",
  "conflicts",
] as const;
export type CountKey = (typeof COUNT_KEYS)[number];
export type Counts = Record<CountKey, number>;

export function zeroCounts(): Counts {
  return Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])) as Counts;
}

/** Stored counts read back leniently: a key a later release added starts at zero. */
export function readCounts(stored: Record<string, number> | null | undefined): Counts {
  const out = zeroCounts();
  for (const k of COUNT_KEYS) {
    const v = stored?.[k];
    if (typeof v === "number" && Number.isFinite(v)) out[k] = v;
  }
  return out;
}

export function addCounts(a: Counts, b: Partial<Counts>): Counts {
  const out = { ...a };
  for (const k of COUNT_KEYS) out[k] += b[k] ?? 0;
  return out;
}
