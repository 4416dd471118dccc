import { z } from "zod";
import {
  describeBody,
  type Fetcher,
  NO_REDIRECT,
  ProviderError,
  readBody,
  refuseRedirect,
} from "../http";
import type { CallResult, Throttle } from "../pacing";
import { HunterDomainSearchSchema, HunterEmailFinderSchema } from "./schema";

/**
 * Hunter.io v2 client (providers.md §3). The key goes in the `X-API-KEY` header, not the
 * query string, so it never appears in a logged URL. Domain search pages with `limit` (≤ 100;
 * 10 on free plans) and `offset`, `meta.results` being the total. Hunter's status codes mean
 * different things from everyone else's: 403 = rate limit (back off for seconds), 429 = the
 * monthly quota is spent (stop until it resets; `GET /account` says when), 451 `claimed_email`
 * = the person asked not to be processed. No Retry-After or rate headers are sent.
 */

export const HUNTER_MAX_LIMIT = 100;
/** Back-off after a 403: Hunter allows 15 requests/second, so a minute is generous. */
export const HUNTER_RATE_BACKOFF_MS = 60_000;

const DomainSearchResponseSchema = z.looseObject({
  data: HunterDomainSearchSchema,
  meta: z
    .looseObject({
      results: z.union([z.number(), z.string()]).nullish(),
      limit: z.union([z.number(), z.string()]).nullish(),
      offset: z.union([z.number(), z.string()]).nullish(),
    })
    .nullish(),
});

const AccountSchema = z.looseObject({
  data: z.looseObject({ reset_date: z.string().nullish() }),
});

export interface HunterDomainPage {
  /** The `data` object: the organisation and this page's `emails[]` (native shape). */
  data: Record<string, unknown> & z.infer<typeof HunterDomainSearchSchema>;
  total: number;
  limit: number;
  offset: number;
}

export type HunterFinderResult =
  | { kind: "found"; data: z.infer<typeof HunterEmailFinderSchema> }
  | { kind: "claimed"; email: string | null };

export interface HunterClientOptions {
  baseUrl: string;
  apiKey: string;
  fetch?: Fetcher;
  now?: () => Date;
}

/** "2026-12-01" (or the mock's "2020 - 07 - 02") → that day, 00:00 UTC. */
export function parseResetDate(value: string | null | undefined): Date | null {
  if (!value) return null;
  const m = /^(\d{4})\s*-\s*(\d{1,2})\s*-\s*(\d{1,2})/.exec(value.trim());
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** When /account cannot tell: the first day of next month (Hunter's periods are monthly). */
function nextMonth(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

export class HunterClient {
  private readonly fetcher: Fetcher;
  private readonly now: () => Date;
  private readonly base: string;

  constructor(private readonly options: HunterClientOptions) {
    this.fetcher = options.fetch ?? ((input, init) => fetch(input, init));
    this.now = options.now ?? (() => new Date());
    this.base = options.baseUrl.replace(/\/$/, "");
  }

  private async get(path: string, params: Record<string, string | number | undefined>) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params))
      if (v !== undefined && v !== "") q.set(k, String(v));
    const res = await this.fetcher(`${this.base}/v2/${path}?${q}`, {
      headers: { accept: "application/json", "x-api-key": this.options.apiKey },
      ...NO_REDIRECT,
    });
    refuseRedirect("hunter", res, `Hunter ${path}`);
    return { res, body: await readBody(res) };
  }

  /** 403 → short back-off; 429 → paused until the quota resets (asked of /account). */
  private async throttleFor(status: number): Promise<Throttle | null> {
    const now = this.now();
    if (status === 403)
      return { retryAfterMs: HUNTER_RATE_BACKOFF_MS, reason: "hunter_rate_limit" };
    if (status !== 429) return null;
    const reset = (await this.resetDate()) ?? nextMonth(now);
    const until = reset.getTime() > now.getTime() ? reset : nextMonth(now);
    return {
      retryAfterMs: until.getTime() - now.getTime(),
      stopUntil: until,
      reason: "hunter_quota",
    };
  }

  private fail(path: string, status: number, body: unknown): never {
    const id =
      body !== null && typeof body === "object" && "errors" in body && Array.isArray(body.errors)
        ? String((body.errors[0] as { id?: unknown } | undefined)?.id ?? `HTTP_${status}`)
        : `HTTP_${status}`;
    throw new ProviderError("hunter", status, id, `Hunter ${path}: ${describeBody(body)}`);
  }

  async domainSearch(
    domain: string,
    options: {
      limit: number;
      offset: number;
      type?: string;
      seniority?: string;
      department?: string;
    },
  ): Promise<CallResult<HunterDomainPage>> {
    const limit = Math.min(HUNTER_MAX_LIMIT, Math.max(1, options.limit));
    const { res, body } = await this.get("domain-search", {
      domain,
      limit,
      offset: options.offset,
      type: options.type,
      seniority: options.seniority,
      department: options.department,
    });
    const throttle = await this.throttleFor(res.status);
    if (throttle) return { kind: "throttled", throttle };
    if (!res.ok) this.fail("domain-search", res.status, body);
    const parsed = DomainSearchResponseSchema.safeParse(body);
    if (!parsed.success) {
      throw new ProviderError(
        "hunter",
        200,
        "INVALID_RESPONSE",
        `Hunter domain-search: ${parsed.error.message}`,
      );
    }
    const raw = (body as { data: Record<string, unknown> }).data;
    const total = Number(parsed.data.meta?.results ?? parsed.data.data.emails.length);
    return {
      kind: "ok",
      data: {
        data: { ...raw, ...parsed.data.data },
        total: Number.isFinite(total) ? total : parsed.data.data.emails.length,
        limit,
        offset: options.offset,
      },
      throttle: null,
    };
  }

  /** Email finder; a 451 `claimed_email` is a result (suppress the person), not an error. */
  async emailFinder(params: {
    domain: string;
    first_name: string;
    last_name: string;
  }): Promise<CallResult<HunterFinderResult>> {
    const { res, body } = await this.get("email-finder", params);
    if (res.status === 451)
      return { kind: "ok", data: { kind: "claimed", email: null }, throttle: null };
    const throttle = await this.throttleFor(res.status);
    if (throttle) return { kind: "throttled", throttle };
    if (!res.ok) this.fail("email-finder", res.status, body);
    const parsed = z.looseObject({ data: HunterEmailFinderSchema }).safeParse(body);
    if (!parsed.success) {
      throw new ProviderError(
        "hunter",
        200,
        "INVALID_RESPONSE",
        `Hunter email-finder: ${parsed.error.message}`,
      );
    }
    return { kind: "ok", data: { kind: "found", data: parsed.data.data }, throttle: null };
  }

  /** The quota's reset day from `GET /account` (free), or null when it cannot be read. */
  async resetDate(): Promise<Date | null> {
    try {
      const { res, body } = await this.get("account", {});
      if (!res.ok) return null;
      const parsed = AccountSchema.safeParse(body);
      return parsed.success ? parseResetDate(parsed.data.data.reset_date) : null;
    } catch {
      return null;
    }
  }
}
