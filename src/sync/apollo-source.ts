import { APOLLO_BULK_MAX, APOLLO_MAX_ROWS, type ApolloClient } from "../providers/apollo/client";
import { toCandidate } from "./candidate";
import { enrichInBatches } from "./enrich";
import type { Candidate, Enrichment, PageRead, Position, SyncSource } from "./types";

/**
 * Apollo: page the free people search, then enrich only the candidates that survived
 * screening with `bulk_match` (≤ 10 per call, a credit per match; providers.md §1.2). The
 * search gives no email, so Apollo hits are screened by Apollo id; suppressed domains are taken
 * out of `q_organization_domains_list` before searching (see apolloFilters).
 */
export class ApolloSource implements SyncSource {
  readonly provider = "apollo" as const;

  constructor(
    private readonly client: ApolloClient,
    private readonly filters: Record<string, unknown>,
    readonly filtersHash: string,
    private readonly perPage: number,
    private readonly now: Date,
  ) {}

  async read(position: Position): Promise<PageRead> {
    const r = await this.client.searchPeople(this.filters, position.page, this.perPage);
    if (r.kind === "throttled") return r;
    const { people, totalEntries } = r.data;
    const candidates: Candidate[] = people.map((hit) =>
      toCandidate("apollo", hit.id, hit, this.now),
    );
    const seen = position.page * this.perPage;
    const last = people.length < this.perPage || seen >= Math.min(totalEntries, APOLLO_MAX_ROWS);
    return {
      kind: "page",
      candidates,
      next: last ? null : { ...position, page: position.page + 1 },
      credits: 0,
      throttle: r.throttle,
    };
  }

  async enrich(candidates: Candidate[]): Promise<Enrichment> {
    return enrichInBatches(candidates, APOLLO_BULK_MAX, async (ids) => {
      const r = await this.client.bulkMatchByIds(ids);
      return r.kind === "ok"
        ? {
            ...r,
            data: {
              credits: r.data.credits,
              records: r.data.matches.flatMap((m) => (m ? [{ person: m }] : [])),
            },
          }
        : r;
    });
  }
}

/** Saved-search filters with suppressed domains removed; null when nothing is left to search. */
export function apolloFilters(
  filters: Record<string, unknown>,
  suppressed: Set<string>,
): Record<string, unknown> | null {
  const list = filters.q_organization_domains_list;
  if (!Array.isArray(list)) return filters;
  const kept = list.filter((d) => typeof d !== "string" || !suppressed.has(d.trim().toLowerCase()));
  return kept.length === 0 ? null : { ...filters, q_organization_domains_list: kept };
}
