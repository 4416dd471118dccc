import { z } from "zod";
import { gatedFetch, OPEN_GATE, type ProviderCallGate } from "../gate/call";
import {
  describeBody,
  type Fetcher,
  NO_REDIRECT,
  ProviderError,
  readBody,
  refuseRedirect,
} from "../http";
import { type CallResult, retryAfterMs, type Throttle } from "../pacing";
import { ZoomInfoContactSchema } from "./schema";

/**
 * ZoomInfo legacy Enterprise API client (providers.md §2): `POST /authenticate` with username
 * and password gives a JWT valid 60 minutes; it is cached and renewed after 55 (ZoomInfo asks
 * not to authenticate per call, and /authenticate allows 1 request/second). Contact search is
 * free (`rpp` ≤ 100, `page`; `maxResults` is the total), enrichment costs one credit per
 * matched record and takes ≤ 25 inputs. 429 carries `Retry-After`; error bodies come in two
 * shapes (`{error:{code}}` and `{errors:[{code}]}`), both read.
 *
 * LeadBridge holds one secret, `ZOOMINFO_API_KEY`: `username:password`, or the password alone
 * (the username then defaults to "leadbridge", which the sandbox accepts).
 */

export const ZOOMINFO_MAX_RPP = 100;
export const ZOOMINFO_ENRICH_MAX = 25;
const JWT_REFRESH_MS = 55 * 60 * 1000;
const DEFAULT_RETRY_MS = 60_000;

/** Output fields asked of enrich: what the normaliser reads (src/providers/zoominfo/schema.ts). */
export const ZOOMINFO_OUTPUT_FIELDS = [
  "id",
  "firstName",
  "middleName",
  "lastName",
  "email",
  "phone",
  "mobilePhone",
  "directPhoneDoNotCall",
  "mobilePhoneDoNotCall",
  "jobTitle",
  "jobFunction",
  "managementLevel",
  "street",
  "city",
  "state",
  "zipCode",
  "country",
  "personHasMoved",
  "lastUpdatedDate",
  "noticeProvidedDate",
  "contactAccuracyScore",
  "externalUrls",
  "companyId",
  "companyName",
  "companyWebsite",
  "companyPhone",
  "companyStreet",
  "companyCity",
  "companyState",
  "companyZipCode",
  "companyCountry",
  "companyRevenue",
  "companyEmployeeCount",
  "companyPrimaryIndustry",
  "companyDescriptionList",
];

const idString = z
  .union([z.string(), z.number(), z.bigint()])
  .transform((v) => String(v))
  .pipe(z.string().min(1));

export const ZoomInfoSearchHitSchema = ZoomInfoContactSchema.extend({ id: idString });
export type ZoomInfoSearchHit = z.infer<typeof ZoomInfoSearchHitSchema>;

const SearchSchema = z.looseObject({
  maxResults: z.union([z.number(), z.string()]).nullish(),
  totalResults: z.union([z.number(), z.string()]).nullish(),
  currentPage: z.union([z.number(), z.string()]).nullish(),
  data: z.array(ZoomInfoSearchHitSchema).nullish(),
});

const EnrichSchema = z.looseObject({
  success: z.union([z.boolean(), z.string()]).nullish(),
  data: z
    .looseObject({
      result: z
        .array(
          z.looseObject({
            input: z.unknown(),
            data: z.array(z.unknown()).nullish(),
            matchStatus: z.string().nullish(),
          }),
        )
        .nullish(),
    })
    .nullish(),
});

const AuthSchema = z.looseObject({ jwt: z.string().min(10) });

export interface ZoomInfoSearchPage {
  total: number;
  page: number;
  contacts: ZoomInfoSearchHit[];
}

export interface ZoomInfoEnrichment {
  /** Enriched contact records (native legacy shape), one per matched input. */
  records: Record<string, unknown>[];
  /** The `personId` of every input that matched. */
  matchedIds: string[];
  credits: number;
}

export interface ZoomInfoClientOptions {
  baseUrl: string;
  apiKey: string;
  fetch?: Fetcher;
  now?: () => Date;
  /** Paces every call (authentication included) and counts credits with every other caller. */
  gate?: ProviderCallGate;
}

/** JWTs per base URL and username, shared by runs in one isolate (renewed after 55 min). */
const tokens = new Map<string, { jwt: string; renewAt: number }>();

function errorCode(body: unknown): string | null {
  if (body === null || typeof body !== "object") return null;
  const b = body as { error?: { code?: unknown }; errors?: { code?: unknown }[] };
  const code = b.error?.code ?? b.errors?.[0]?.code;
  return code === undefined || code === null ? null : String(code);
}

export function credentials(apiKey: string): { username: string; password: string } {
  const i = apiKey.indexOf(":");
  return i > 0
    ? { username: apiKey.slice(0, i), password: apiKey.slice(i + 1) }
    : { username: "leadbridge", password: apiKey };
}

/** 429 → Retry-After; a window reported empty (`X-RateLimit-Remaining: 0`) → wait for reset. */
function throttleOf(res: Response, now: Date): Throttle | null {
  if (res.status === 429) {
    return {
      retryAfterMs: retryAfterMs(res.headers.get("retry-after"), now, DEFAULT_RETRY_MS),
      reason: "zoominfo_429",
    };
  }
  // "-1 means the quota service was unavailable: allow the request" (providers.md §2.5).
  const remaining =
    res.headers.get("x-ratelimit-remaining-second") ?? res.headers.get("x-ratelimit-remaining");
  if (remaining !== null && Number(remaining) === 0) {
    const reset = res.headers.get("x-ratelimit-reset");
    return { retryAfterMs: retryAfterMs(reset, now, 1_000), reason: "zoominfo_window" };
  }
  return null;
}

/** A credit per matched record (providers.md §2.2): the rows of every result. */
function enrichCredits(body: unknown): number {
  const parsed = EnrichSchema.safeParse(body);
  if (!parsed.success) return 0;
  return (parsed.data.data?.result ?? []).reduce(
    (sum, result) =>
      sum + (result.data ?? []).filter((r) => r !== null && typeof r === "object").length,
    0,
  );
}

export class ZoomInfoClient {
  private readonly fetcher: Fetcher;
  private readonly now: () => Date;
  private readonly base: string;

  constructor(private readonly options: ZoomInfoClientOptions) {
    this.fetcher = options.fetch ?? ((input, init) => fetch(input, init));
    this.now = options.now ?? (() => new Date());
    this.base = options.baseUrl.replace(/\/$/, "");
  }

  private cacheKey(): string {
    return `${this.base}|${credentials(this.options.apiKey).username}`;
  }

  private async token(force: boolean): Promise<CallResult<string>> {
    const key = this.cacheKey();
    const cached = tokens.get(key);
    const now = this.now();
    if (!force && cached && cached.renewAt > now.getTime())
      return { kind: "ok", data: cached.jwt, throttle: null };
    const sent = await gatedFetch(this.options.gate ?? OPEN_GATE, 0, () =>
      this.fetcher(`${this.base}/authenticate`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(credentials(this.options.apiKey)),
        ...NO_REDIRECT,
      }),
    );
    if (sent.kind === "refused") return { kind: "throttled", throttle: sent.throttle };
    const { res } = sent;
    try {
      refuseRedirect("zoominfo", res, "ZoomInfo authenticate");
      const body = await readBody(res);
      const throttle = throttleOf(res, now);
      await sent.done({ throttle, credits: 0 });
      if (res.status === 429 && throttle) return { kind: "throttled", throttle };
      const parsed = AuthSchema.safeParse(body);
      if (!res.ok || !parsed.success) {
        tokens.delete(key);
        throw new ProviderError(
          "zoominfo",
          res.status,
          errorCode(body) ?? `HTTP_${res.status}`,
          `ZoomInfo authenticate: ${describeBody(body)}`,
        );
      }
      tokens.set(key, { jwt: parsed.data.jwt, renewAt: now.getTime() + JWT_REFRESH_MS });
      return { kind: "ok", data: parsed.data.jwt, throttle: null };
    } finally {
      await sent.done({ throttle: null, credits: null });
    }
  }

  /**
   * POST with the cached JWT, through the key's gate (`maxCredits` reserved, `creditsOf` the
   * answer settled); one re-authentication when ZoomInfo says the token is bad.
   */
  private async post(
    path: string,
    body: unknown,
    maxCredits = 0,
    creditsOf: (body: unknown) => number = () => 0,
  ): Promise<CallResult<unknown>> {
    for (const force of [false, true]) {
      const token = await this.token(force);
      if (token.kind === "throttled") return token;
      const sent = await gatedFetch(this.options.gate ?? OPEN_GATE, maxCredits, () =>
        this.fetcher(`${this.base}/${path}`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            accept: "application/json",
            authorization: `Bearer ${token.data}`,
          },
          body: JSON.stringify(body),
          ...NO_REDIRECT,
        }),
      );
      if (sent.kind === "refused") return { kind: "throttled", throttle: sent.throttle };
      const { res } = sent;
      try {
        refuseRedirect("zoominfo", res, `ZoomInfo ${path}`);
        const parsed = await readBody(res);
        const throttle = throttleOf(res, this.now());
        await sent.done({ throttle, credits: res.ok ? creditsOf(parsed) : 0 });
        if (res.status === 401 && !force) continue;
        if (res.status === 429 && throttle) return { kind: "throttled", throttle };
        if (!res.ok) {
          throw new ProviderError(
            "zoominfo",
            res.status,
            errorCode(parsed) ?? `HTTP_${res.status}`,
            `ZoomInfo ${path}: ${describeBody(parsed)}`,
          );
        }
        return { kind: "ok", data: parsed, throttle };
      } finally {
        await sent.done({ throttle: null, credits: null });
      }
    }
    throw new ProviderError("zoominfo", 401, "ZI0001", "ZoomInfo refused a fresh token");
  }

  async searchContacts(
    filters: Record<string, unknown>,
    page: number,
    rpp: number,
  ): Promise<CallResult<ZoomInfoSearchPage>> {
    const r = await this.post("search/contact", {
      ...filters,
      rpp: Math.min(ZOOMINFO_MAX_RPP, rpp),
      page,
    });
    if (r.kind === "throttled") return r;
    const parsed = SearchSchema.safeParse(r.data);
    if (!parsed.success) {
      throw new ProviderError(
        "zoominfo",
        200,
        "INVALID_RESPONSE",
        `ZoomInfo search: ${parsed.error.message}`,
      );
    }
    const contacts = parsed.data.data ?? [];
    const total = Number(parsed.data.maxResults ?? contacts.length);
    return {
      kind: "ok",
      data: { total: Number.isFinite(total) ? total : contacts.length, page, contacts },
      throttle: r.throttle,
    };
  }

  /** Enriches up to 25 people by ZoomInfo person id; a credit per match, none on no-match. */
  async enrichByIds(ids: string[]): Promise<CallResult<ZoomInfoEnrichment>> {
    if (ids.length === 0)
      return { kind: "ok", data: { records: [], matchedIds: [], credits: 0 }, throttle: null };
    if (ids.length > ZOOMINFO_ENRICH_MAX)
      throw new Error(`enrich takes at most ${ZOOMINFO_ENRICH_MAX} inputs`);
    const r = await this.post(
      "enrich/contact",
      {
        // Ids go back as sent; numeric strings are converted only when they are safe integers.
        matchPersonInput: ids.map((id) => ({
          personId: Number.isSafeInteger(Number(id)) ? Number(id) : id,
        })),
        outputFields: ZOOMINFO_OUTPUT_FIELDS,
      },
      ids.length,
      enrichCredits,
    );
    if (r.kind === "throttled") return r;
    const parsed = EnrichSchema.safeParse(r.data);
    if (!parsed.success) {
      throw new ProviderError(
        "zoominfo",
        200,
        "INVALID_RESPONSE",
        `ZoomInfo enrich: ${parsed.error.message}`,
      );
    }
    const records: Record<string, unknown>[] = [];
    const matchedIds: string[] = [];
    (parsed.data.data?.result ?? []).forEach((result, i) => {
      const rows = (result.data ?? []).filter(
        (row): row is Record<string, unknown> => row !== null && typeof row === "object",
      );
      const id = ids[i];
      if (rows.length > 0 && id !== undefined) matchedIds.push(id);
      records.push(...rows);
    });
    return {
      kind: "ok",
      data: { records, matchedIds, credits: records.length },
      throttle: r.throttle,
    };
  }
}
