import type { HunterClient } from "../providers/hunter/client";
import { toCandidate } from "./candidate";
import type { Candidate, Enrichment, PageRead, Position, SyncSource } from "./types";

export interface HunterFilters {
  domains: string[];
  type?: string;
  seniority?: string;
  department?: string;
  /**
   * Verify each new address with Hunter's email verifier before importing it (one verification
   * credit per person). A 451 `claimed_email` there makes the address a suppression.
   */
  verify?: boolean;
}

/** Records a Hunter 451 for an address: a suppression of origin `hunter` and its audit entry. */
export type HunterClaimSink = (emails: string[]) => Promise<void>;

/**
 * Hunter: walk the saved domains, paging each domain search with `limit`/`offset`. The search
 * itself is what Hunter charges (one search per 1–10 emails), and it already reveals emails,
 * so there is no separate enrichment: credits are saved by skipping suppressed domains without
 * a call, and known or suppressed people are simply not imported (providers.md §3.2).
 * The position is the domain's index and the offset within it.
 */
export class HunterSource implements SyncSource {
  readonly provider = "hunter" as const;

  constructor(
    private readonly client: HunterClient,
    private readonly filters: HunterFilters,
    readonly filtersHash: string,
    private readonly limit: number,
    private readonly suppressedDomains: Set<string>,
    private readonly now: Date,
    private readonly onClaimed: HunterClaimSink = async () => {},
  ) {}

  private nextDomain(position: Position): Position | null {
    return position.domain + 1 < this.filters.domains.length
      ? { ...position, domain: position.domain + 1, offset: 0 }
      : null;
  }

  async read(position: Position): Promise<PageRead> {
    const domain = this.filters.domains[position.domain];
    if (domain === undefined) return { kind: "skip", next: null, reason: "no_more_domains" };
    if (this.suppressedDomains.has(domain)) {
      return { kind: "skip", next: this.nextDomain(position), reason: "domain_suppressed" };
    }
    const r = await this.client.domainSearch(domain, {
      limit: this.limit,
      offset: position.offset,
      type: this.filters.type,
      seniority: this.filters.seniority,
      department: this.filters.department,
    });
    if (r.kind === "throttled") return r;
    const { data, total } = r.data;
    const candidates: Candidate[] = data.emails.flatMap((entry) => {
      const email = typeof entry.value === "string" ? entry.value.toLowerCase() : null;
      if (email === null) return [];
      // One record per person, in Hunter's own domain-search shape.
      const record = { data: { ...data, emails: [entry] } };
      return [toCandidate("hunter", email, record, this.now)];
    });
    const end = data.emails.length < this.limit || position.offset + this.limit >= total;
    return {
      kind: "page",
      candidates,
      next: end ? this.nextDomain(position) : { ...position, offset: position.offset + this.limit },
      credits: Math.ceil(data.emails.length / 10),
      throttle: null,
    };
  }

  /**
   * Nothing to buy: the search already revealed the emails. With `verify`, each address is
   * checked first; one whose owner claimed it with Hunter (451) is recorded as a suppression and
   * not imported. A refusal stops there: the rest stay unhandled for the next run.
   */
  async enrich(candidates: Candidate[]): Promise<Enrichment> {
    if (!this.filters.verify) {
      return {
        records: candidates.map((c) => c.native),
        handled: candidates.map((c) => c.id),
        credits: 0,
        stoppedBy: null,
        throttle: null,
      };
    }
    const out: Enrichment = {
      records: [],
      handled: [],
      credits: 0,
      stoppedBy: null,
      throttle: null,
    };
    const claimed: string[] = [];
    for (const c of candidates) {
      const r = await this.client.emailVerifier(c.email ?? c.id);
      if (r.kind === "throttled") {
        out.stoppedBy = r.throttle;
        break;
      }
      out.handled.push(c.id);
      if (r.data.kind === "claimed") {
        claimed.push(r.data.email);
        continue;
      }
      out.credits += 1;
      out.records.push(c.native);
    }
    // Before the import job runs, so nothing of a claimed person reaches HaloPSA.
    if (claimed.length > 0) await this.onClaimed(claimed);
    return out;
  }
}
