import { ZOOMINFO_ENRICH_MAX, type ZoomInfoClient } from "../providers/zoominfo/client";
import { toCandidate } from "./candidate";
import { enrichInBatches } from "./enrich";
import type { Candidate, Enrichment, PageRead, Position, SyncSource } from "./types";

/**
 * ZoomInfo: page the free contact search (names and company, no email or phone), screen by
 * person id and by the company + name dedup key, then enrich the rest (≤ 25 per call, a credit
 * per match; providers.md §2.2). Enriched rows are native legacy records for the import.
 */
export class ZoomInfoSource implements SyncSource {
  readonly provider = "zoominfo" as const;

  constructor(
    private readonly client: ZoomInfoClient,
    private readonly filters: Record<string, unknown>,
    readonly filtersHash: string,
    private readonly perPage: number,
    private readonly now: Date,
  ) {}

  async read(position: Position): Promise<PageRead> {
    const r = await this.client.searchContacts(this.filters, position.page, this.perPage);
    if (r.kind === "throttled") return r;
    const { contacts, total } = r.data;
    const candidates: Candidate[] = contacts.map((hit) =>
      toCandidate("zoominfo", hit.id, hit, this.now),
    );
    const last = contacts.length < this.perPage || position.page * this.perPage >= total;
    return {
      kind: "page",
      candidates,
      next: last ? null : { ...position, page: position.page + 1 },
      credits: 0,
      throttle: r.throttle,
    };
  }

  async enrich(candidates: Candidate[]): Promise<Enrichment> {
    return enrichInBatches(candidates, ZOOMINFO_ENRICH_MAX, (ids) => this.client.enrichByIds(ids));
  }
}
