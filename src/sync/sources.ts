import { z } from "zod";
import type { IntegrationConfig } from "../config/schema";
import type { Db } from "../db/client";
import { ApolloClient } from "../providers/apollo/client";
import type { ProviderCallGate } from "../providers/gate/call";
import type { Fetcher } from "../providers/http";
import { HunterClient } from "../providers/hunter/client";
import { ZoomInfoClient } from "../providers/zoominfo/client";
import { type DeploymentUrl, deploymentUrl } from "../security/egress";
import { ApolloSource, apolloFilters } from "./apollo-source";
import { filtersHash } from "./candidate";
import { recordHunterClaims } from "./hunter-claims";
import { HunterSource } from "./hunter-source";
import { suppressedDomains } from "./known";
import type { SyncProvider, SyncSource } from "./types";
import { ZoomInfoSource } from "./zoominfo-source";

export type SavedSearch = IntegrationConfig["providers"]["apollo"]["saved_searches"][number];

/** Page sizes: the providers' maxima (providers.md §1.6, §2.6); Hunter charges per 10 emails. */
const PAGE_SIZE: Record<SyncProvider, number> = { apollo: 100, zoominfo: 100, hunter: 10 };

/** Saved-search filters may set their own page size (`per_page`, `rpp`, `limit`). */
function pageSize(provider: SyncProvider, filters: Record<string, unknown>): number {
  const key = provider === "apollo" ? "per_page" : provider === "zoominfo" ? "rpp" : "limit";
  const v = filters[key];
  const max = provider === "hunter" ? 100 : PAGE_SIZE[provider];
  return typeof v === "number" && Number.isInteger(v) && v >= 1
    ? Math.min(v, max)
    : PAGE_SIZE[provider];
}

/** Paging parameters are the runner's; they never reach the provider from the filters. */
function withoutPaging(filters: Record<string, unknown>): Record<string, unknown> {
  const { page: _p, per_page: _pp, rpp: _r, limit: _l, offset: _o, ...rest } = filters;
  return rest;
}

const HunterFiltersSchema = z.object({
  domains: z.array(z.string().trim().toLowerCase().min(1)).min(1),
  type: z.enum(["personal", "generic"]).optional(),
  seniority: z.string().optional(),
  department: z.string().optional(),
  /** Verify each new address first (src/sync/hunter-source.ts); a 451 suppresses it. */
  verify: z.boolean().optional(),
  limit: z.number().int().optional(),
});

export function apiKeyFor(env: Env, provider: SyncProvider): string | undefined {
  const key =
    provider === "apollo"
      ? env.APOLLO_API_KEY
      : provider === "zoominfo"
        ? env.ZOOMINFO_API_KEY
        : env.HUNTER_API_KEY;
  return key && key.trim() !== "" ? key : undefined;
}

/** The provider's base URL from the deployment, checked by the URL guard (it gets the key). */
export function baseUrlFor(env: Env, provider: SyncProvider): DeploymentUrl {
  return deploymentUrl(
    env,
    provider === "apollo"
      ? "APOLLO_BASE_URL"
      : provider === "zoominfo"
        ? "ZOOMINFO_BASE_URL"
        : "HUNTER_BASE_URL",
  );
}

export class InvalidSearchError extends Error {}

/** Builds the provider source for one saved search; `null` when there is nothing to search. */
export async function buildSource(
  db: Db,
  provider: SyncProvider,
  search: SavedSearch,
  deps: {
    apiKey: string;
    /** Checked by the URL guard (baseUrlFor). */
    baseUrl: string;
    fetch?: Fetcher;
    /** The provider credential's gate: paces and counts every call of every run. */
    gate: ProviderCallGate;
    now: Date;
  },
): Promise<SyncSource | null> {
  const common = {
    baseUrl: deps.baseUrl,
    apiKey: deps.apiKey,
    fetch: deps.fetch,
    gate: deps.gate,
  };
  const size = pageSize(provider, search.filters);
  const filters = withoutPaging(search.filters);
  switch (provider) {
    case "apollo": {
      const listed = Array.isArray(filters.q_organization_domains_list)
        ? filters.q_organization_domains_list.filter((d): d is string => typeof d === "string")
        : [];
      const effective = apolloFilters(
        filters,
        await suppressedDomains(
          db,
          listed.map((d) => d.trim().toLowerCase()),
        ),
      );
      if (effective === null) return null;
      return new ApolloSource(
        new ApolloClient(common),
        effective,
        await filtersHash({ effective, size }),
        size,
        deps.now,
      );
    }
    case "zoominfo":
      return new ZoomInfoSource(
        new ZoomInfoClient(common),
        filters,
        await filtersHash({ filters, size }),
        size,
        deps.now,
      );
    case "hunter": {
      const parsed = HunterFiltersSchema.safeParse(search.filters);
      if (!parsed.success) {
        throw new InvalidSearchError("Hunter saved searches need filters.domains: string[]");
      }
      const { limit: _limit, ...hunter } = parsed.data;
      return new HunterSource(
        new HunterClient(common),
        hunter,
        // The domain list is part of the position, so suppression does not change the hash.
        await filtersHash({ hunter, size }),
        size,
        await suppressedDomains(db, hunter.domains),
        deps.now,
        (emails) => recordHunterClaims(db, emails, "email-verifier", deps.now),
      );
    }
  }
}
