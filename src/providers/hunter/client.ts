import { z } from "zod";
import { type GatedResponse, gatedFetch, OPEN_GATE, type ProviderCallGate } from "../gate/call";
import {
  describeBody,
  type Fetcher,
  NO_REDIRECT,
  ProviderError,
  readBody,
  refuseRedirect,
} from "../http";
import type { CallResult, Throttle } from "../pacing";
import { isHunterClaimedEmail } from "./normalise";
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

export type HunterVerifierResult =
  | { kind: "verified"; status: string | null; score: number | null }
  /** 451 `claimed_email`: the owner of this address asked Hunter to stop processing it. */
  | { kind: "claimed"; email: string };

const VerifierResponseSchema = z.looseObject({
  data: z.looseObject({
    status: z.string().nullish(),
    score: z.number().nullish(),
  }),
});

export interface HunterClientOptions {
  baseUrl: string;
  apiKey: string;
  fetch?: Fetcher;
  now?: () => Date;
  /** Paces every call and counts its credits with every other caller of this key. */
  gate?: ProviderCallGate;
}

/** Hunter counts a search per 1–10 emails it returns (providers.md §3.2). */
const searchCredits = (emails: number) => Math.ceil(emails / 10);

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

  /**
   * One GET through the key's gate, `maxCredits` reserved; the caller settles with `done` (a
   * redirect is refused and settled here).
   */
  private async get(
    path: string,
    params: Record<string, string | number | undefined>,
    maxCredits = 0,
  ): Promise<GatedResponse> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params))
      if (v !== undefined && v !== "") q.set(k, String(v));
    const sent = await gatedFetch(this.options.gate ?? OPEN_GATE, maxCredits, () =>
      this.fetcher(`${this.base}/v2/${path}?${q}`, {
        headers: { accept: "application/json", "x-api-key": this.options.apiKey },
        ...NO_REDIRECT,
      }),
    );
    if (sent.kind === "sent") {
      try {
        refuseRedirect("hunter", sent.res, `Hunter ${path}`);
      } catch (err) {
        await sent.done({ throttle: null, credits: 0 });
        throw err;
      }
    }
    return sent;
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
    const sent = await this.get(
      "domain-search",
      {
        domain,
        limit,
        offset: options.offset,
        type: options.type,
        seniority: options.seniority,
        department: options.department,
      },
      searchCredits(limit),
    );
    if (sent.kind === "refused") return { kind: "throttled", throttle: sent.throttle };
    const { res } = sent;
    try {
      const body = await readBody(res);
      const throttle = await this.throttleFor(res.status);
      if (throttle) {
        await sent.done({ throttle, credits: 0 });
        return { kind: "throttled", throttle };
      }
      if (!res.ok) {
        await sent.done({ throttle: null, credits: 0 });
        this.fail("domain-search", res.status, body);
      }
      const parsed = DomainSearchResponseSchema.safeParse(body);
      if (!parsed.success) {
        throw new ProviderError(
          "hunter",
          200,
          "INVALID_RESPONSE",
          `Hunter domain-search: ${parsed.error.message}`,
        );
      }
      const emails = parsed.data.data.emails.length;
      await sent.done({ throttle: null, credits: searchCredits(emails) });
      const raw = (body as { data: Record<string, unknown> }).data;
      const total = Number(parsed.data.meta?.results ?? emails);
      return {
        kind: "ok",
        data: {
          data: { ...raw, ...parsed.data.data },
          total: Number.isFinite(total) ? total : emails,
          limit,
          offset: options.offset,
        },
        throttle: null,
      };
    } finally {
      await sent.done({ throttle: null, credits: null });
    }
  }

  /** Email finder; a 451 `claimed_email` is a result (suppress the person), not an error. */
  async emailFinder(params: {
    domain: string;
    first_name: string;
    last_name: string;
  }): Promise<CallResult<HunterFinderResult>> {
    const sent = await this.get("email-finder", params, 1);
    if (sent.kind === "refused") return { kind: "throttled", throttle: sent.throttle };
    const { res } = sent;
    try {
      const body = await readBody(res);
      if (res.status === 451) {
        await sent.done({ throttle: null, credits: 0 });
        return { kind: "ok", data: { kind: "claimed", email: null }, throttle: null };
      }
      const throttle = await this.throttleFor(res.status);
      if (throttle) {
        await sent.done({ throttle, credits: 0 });
        return { kind: "throttled", throttle };
      }
      if (!res.ok) {
        await sent.done({ throttle: null, credits: 0 });
        this.fail("email-finder", res.status, body);
      }
      const parsed = z.looseObject({ data: HunterEmailFinderSchema }).safeParse(body);
      if (!parsed.success) {
        throw new ProviderError(
          "hunter",
          200,
          "INVALID_RESPONSE",
          `Hunter email-finder: ${parsed.error.message}`,
        );
      }
      await sent.done({ throttle: null, credits: 1 });
      return { kind: "ok", data: { kind: "found", data: parsed.data.data }, throttle: null };
    } finally {
      await sent.done({ throttle: null, credits: null });
    }
  }

  /**
   * Email verifier (one verification credit; Hunter counts a 202 "in progress" once, so it is
   * reported as unverified rather than retried here). A 451 `claimed_email` is a result — the
   * address must be suppressed — not an error, and costs nothing.
   */
  async emailVerifier(email: string): Promise<CallResult<HunterVerifierResult>> {
    const sent = await this.get("email-verifier", { email }, 1);
    if (sent.kind === "refused") return { kind: "throttled", throttle: sent.throttle };
    const { res } = sent;
    try {
      const body = await readBody(res);
      if (isHunterClaimedEmail(res.status, body)) {
        await sent.done({ throttle: null, credits: 0 });
        return { kind: "ok", data: { kind: "claimed", email }, throttle: null };
      }
      const throttle = await this.throttleFor(res.status);
      if (throttle) {
        await sent.done({ throttle, credits: 0 });
        return { kind: "throttled", throttle };
      }
      if (!res.ok) {
        await sent.done({ throttle: null, credits: 0 });
        this.fail("email-verifier", res.status, body);
      }
      const parsed = VerifierResponseSchema.safeParse(body);
      await sent.done({ throttle: null, credits: 1 });
      return {
        kind: "ok",
        data: {
          kind: "verified",
          status: parsed.success ? (parsed.data.data.status ?? null) : null,
          score: parsed.success ? (parsed.data.data.score ?? null) : null,
        },
        throttle: null,
      };
    } finally {
      await sent.done({ throttle: null, credits: null });
    }
  }

  /** The quota's reset day from `GET /account` (free), or null when it cannot be read. */
  async resetDate(): Promise<Date | null> {
    try {
      const sent = await this.get("account", {});
      if (sent.kind === "refused") return null;
      const body = await readBody(sent.res);
      await sent.done({ throttle: null, credits: 0 });
      if (!sent.res.ok) return null;
      const parsed = AccountSchema.safeParse(body);
      return parsed.success ? parseResetDate(parsed.data.data.reset_date) : null;
    } catch {
      return null;
    }
  }
}
