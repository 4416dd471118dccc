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
import { type CallResult, retryAfterMs, type Throttle, untilWindowEnd } from "../pacing";
import { ApolloPersonSchema } from "./schema";

/**
 * Apollo.io REST client for the sync (providers.md §1): the key goes in `x-api-key` (a Bearer
 * key is refused), search is `POST /mixed_people/api_search` (free, no emails, `page`/`per_page`
 * ≤ 100, only `total_entries`), enrichment is `POST /people/bulk_match` (≤ 10 per call, one
 * credit per match). Responses are validated tolerantly and read through the 64-bit guard.
 */

export const APOLLO_MAX_PER_PAGE = 100;
/** Display limit: 500 pages of 100 (providers.md §1.6). */
export const APOLLO_MAX_ROWS = 50_000;
export const APOLLO_BULK_MAX = 10;
/** A 429 without `retry-after`: Apollo's windows are per minute at the shortest. */
const DEFAULT_RETRY_MS = 60_000;

const idString = z
  .union([z.string(), z.number(), z.bigint()])
  .transform((v) => String(v))
  .pipe(z.string().min(1));

export const ApolloSearchHitSchema = ApolloPersonSchema.extend({ id: idString });
export type ApolloSearchHit = z.infer<typeof ApolloSearchHitSchema>;

const SearchPageSchema = z.looseObject({
  total_entries: z.union([z.number(), z.string()]).nullish(),
  people: z.array(ApolloSearchHitSchema).nullish(),
});

const BulkMatchSchema = z.looseObject({
  matches: z.array(ApolloPersonSchema.nullable()).nullish(),
  credits_consumed: z.union([z.number(), z.string()]).nullish(),
  request_id: z.union([z.string(), z.number()]).nullish(),
});

export interface ApolloSearchPage {
  totalEntries: number;
  people: ApolloSearchHit[];
}

export interface ApolloBulkMatch {
  /** One per detail sent, null when Apollo found nobody. Native records for the import. */
  matches: (Record<string, unknown> | null)[];
  credits: number;
  requestId: string | null;
}

export interface ApolloClientOptions {
  baseUrl: string;
  apiKey: string;
  fetch?: Fetcher;
  now?: () => Date;
  /** Paces every call and counts its credits with every other caller of this key. */
  gate?: ProviderCallGate;
}

/** Credits a bulk_match answer says it cost: `credits_consumed`, else one per match. */
function bulkMatchCredits(body: unknown): number {
  const parsed = BulkMatchSchema.safeParse(body);
  if (!parsed.success) return 0;
  const credits = Number(
    parsed.data.credits_consumed ?? (parsed.data.matches ?? []).filter((m) => m !== null).length,
  );
  return Number.isFinite(credits) ? credits : 0;
}

/**
 * Reads Apollo's window headers from a successful answer. Both spellings of the daily headers
 * exist (`x-daily-*` in the docs, `x-24-hour-*` in the transcription; providers.md §1.5). A
 * window with nothing left means the next call would be refused: wait for its end (minute) or
 * stop until then (hour, day). Windows are fixed and, we assume, clock-aligned.
 */
export function apolloHeaderThrottle(headers: Headers, now: Date): Throttle | null {
  const left = (...names: string[]) => {
    for (const n of names) {
      const v = headers.get(n);
      if (v !== null && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
    }
    return null;
  };
  const day = left("x-daily-requests-left", "x-24-hour-requests-left");
  if (day !== null && day <= 0) {
    const ms = untilWindowEnd(now, 86_400_000);
    return {
      retryAfterMs: ms,
      stopUntil: new Date(now.getTime() + ms),
      reason: "apollo_daily_window",
    };
  }
  const hour = left("x-hourly-requests-left");
  if (hour !== null && hour <= 0) {
    const ms = untilWindowEnd(now, 3_600_000);
    return {
      retryAfterMs: ms,
      stopUntil: new Date(now.getTime() + ms),
      reason: "apollo_hourly_window",
    };
  }
  const minute = left("x-minute-requests-left");
  if (minute !== null && minute <= 0) {
    return { retryAfterMs: untilWindowEnd(now, 60_000), reason: "apollo_minute_window" };
  }
  return null;
}

export class ApolloClient {
  private readonly fetcher: Fetcher;
  private readonly now: () => Date;

  constructor(private readonly options: ApolloClientOptions) {
    this.fetcher = options.fetch ?? ((input, init) => fetch(input, init));
    this.now = options.now ?? (() => new Date());
  }

  /**
   * One POST through the key's gate: `maxCredits` is reserved before it, the real cost
   * (`creditsOf` the answer) and any throttle signal are reported after it.
   */
  private async post(
    path: string,
    body: unknown,
    maxCredits = 0,
    creditsOf: (body: unknown) => number = () => 0,
  ): Promise<CallResult<{ body: unknown }>> {
    const sent = await gatedFetch(this.options.gate ?? OPEN_GATE, maxCredits, () =>
      this.fetcher(`${this.options.baseUrl.replace(/\/$/, "")}/api/v1/${path}`, {
        method: body === undefined ? "GET" : "POST",
        headers: {
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          "cache-control": "no-cache",
          "x-api-key": this.options.apiKey,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...NO_REDIRECT,
      }),
    );
    if (sent.kind === "refused") return { kind: "throttled", throttle: sent.throttle };
    const { res } = sent;
    try {
      refuseRedirect("apollo", res, `Apollo ${path}`);
      const parsed = await readBody(res);
      const now = this.now();
      if (res.status === 429) {
        const throttle = {
          retryAfterMs: retryAfterMs(res.headers.get("retry-after"), now, DEFAULT_RETRY_MS),
          reason: "apollo_429",
        };
        await sent.done({ throttle, credits: 0 });
        return { kind: "throttled", throttle };
      }
      if (!res.ok) {
        await sent.done({ throttle: null, credits: 0 });
        const code =
          parsed !== null && typeof parsed === "object" && "error_code" in parsed
            ? String(parsed.error_code)
            : `HTTP_${res.status}`;
        throw new ProviderError(
          "apollo",
          res.status,
          code,
          `Apollo ${path}: ${describeBody(parsed)}`,
        );
      }
      const throttle = apolloHeaderThrottle(res.headers, now);
      await sent.done({ throttle, credits: creditsOf(parsed) });
      return { kind: "ok", data: { body: parsed }, throttle };
    } finally {
      await sent.done({ throttle: null, credits: null });
    }
  }

  /** One page of the free people search; `filters` are the saved search's Apollo filters. */
  async searchPeople(
    filters: Record<string, unknown>,
    page: number,
    perPage: number,
  ): Promise<CallResult<ApolloSearchPage>> {
    const r = await this.post("mixed_people/api_search", {
      ...filters,
      page,
      per_page: Math.min(APOLLO_MAX_PER_PAGE, perPage),
    });
    if (r.kind === "throttled") return r;
    const parsed = SearchPageSchema.safeParse(r.data.body);
    if (!parsed.success) {
      throw new ProviderError(
        "apollo",
        200,
        "INVALID_RESPONSE",
        `Apollo search: ${parsed.error.message}`,
      );
    }
    const people = parsed.data.people ?? [];
    const total = Number(parsed.data.total_entries ?? people.length);
    return {
      kind: "ok",
      data: { totalEntries: Number.isFinite(total) ? total : people.length, people },
      throttle: r.throttle,
    };
  }

  /** Enriches up to 10 people by Apollo id: each match costs a credit, a miss none. */
  async bulkMatchByIds(ids: string[]): Promise<CallResult<ApolloBulkMatch>> {
    if (ids.length === 0)
      return { kind: "ok", data: { matches: [], credits: 0, requestId: null }, throttle: null };
    if (ids.length > APOLLO_BULK_MAX)
      throw new Error(`bulk_match takes at most ${APOLLO_BULK_MAX} people`);
    const r = await this.post(
      "people/bulk_match",
      { details: ids.map((id) => ({ id })), reveal_personal_emails: false },
      ids.length,
      bulkMatchCredits,
    );
    if (r.kind === "throttled") return r;
    const parsed = BulkMatchSchema.safeParse(r.data.body);
    if (!parsed.success) {
      throw new ProviderError(
        "apollo",
        200,
        "INVALID_RESPONSE",
        `Apollo bulk_match: ${parsed.error.message}`,
      );
    }
    const raw = r.data.body as { matches?: unknown[] };
    const matches = (raw.matches ?? []).map((m) =>
      m !== null && typeof m === "object" ? (m as Record<string, unknown>) : null,
    );
    const credits = Number(
      parsed.data.credits_consumed ?? matches.filter((m) => m !== null).length,
    );
    return {
      kind: "ok",
      data: {
        matches,
        credits: Number.isFinite(credits) ? credits : 0,
        requestId:
          parsed.data.request_id === null || parsed.data.request_id === undefined
            ? null
            : String(parsed.data.request_id),
      },
      throttle: r.throttle,
    };
  }

  /** A free call whose answer must match `schema` (the contact and stage endpoints). */
  private async read<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<CallResult<T>> {
    const r = await this.post(path, body);
    if (r.kind === "throttled") return r;
    const parsed = schema.safeParse(r.data.body);
    if (!parsed.success) {
      throw new ProviderError(
        "apollo",
        200,
        "INVALID_RESPONSE",
        `Apollo ${path}: ${parsed.error.message}`,
      );
    }
    return { kind: "ok", data: parsed.data, throttle: r.throttle };
  }

  /** The team's contact stages (`GET /contact_stages`, providers.md §1.3); free. */
  async contactStages(): Promise<CallResult<ApolloContactStage[]>> {
    const r = await this.read("contact_stages", undefined, ContactStagesSchema);
    return r.kind === "ok" ? { ...r, data: r.data.contact_stages } : r;
  }

  /** Saved contacts matching an email (`POST /contacts/search`, `q_keywords`); free. */
  async findContactsByEmail(email: string): Promise<CallResult<ApolloContact[]>> {
    const r = await this.read(
      "contacts/search",
      { q_keywords: email, page: 1, per_page: 10 },
      ContactsSchema,
    );
    if (r.kind === "throttled") return r;
    // q_keywords is a fuzzy search: keep only exact email matches.
    const wanted = email.toLowerCase();
    return {
      ...r,
      data: r.data.contacts.filter((c) => (c.email ?? "").toLowerCase() === wanted),
    };
  }

  /**
   * Saves a contact (`POST /contacts`) with `run_dedupe`, so a retry updates the contact it
   * created instead of saving a second one (providers.md §1.7).
   */
  async createContact(fields: {
    email: string;
    first_name?: string | null;
    last_name?: string | null;
    organization_name?: string | null;
  }): Promise<CallResult<ApolloContact>> {
    const body = Object.fromEntries(
      Object.entries({ ...fields, run_dedupe: true }).filter(
        ([, v]) => v !== null && v !== undefined,
      ),
    );
    const r = await this.read("contacts", body, z.looseObject({ contact: ContactSchema }));
    return r.kind === "ok" ? { ...r, data: r.data.contact } : r;
  }

  /** Moves saved contacts into a stage (`POST /contacts/update_stages`); free. */
  async updateContactStages(
    contactIds: string[],
    stageId: string,
  ): Promise<CallResult<ApolloContact[]>> {
    const r = await this.read(
      "contacts/update_stages",
      { contact_ids: contactIds, contact_stage_id: stageId },
      ContactsSchema,
    );
    return r.kind === "ok" ? { ...r, data: r.data.contacts } : r;
  }
}

const ContactStageSchema = z.looseObject({
  id: idString,
  name: z.string().nullish(),
  display_name: z.string().nullish(),
  category: z.string().nullish(),
});
export type ApolloContactStage = z.infer<typeof ContactStageSchema>;
const ContactStagesSchema = z.looseObject({ contact_stages: z.array(ContactStageSchema) });

const ContactSchema = z.looseObject({
  id: idString,
  email: z.string().nullish(),
  contact_stage_id: z.string().nullish(),
});
export type ApolloContact = z.infer<typeof ContactSchema>;
const ContactsSchema = z.looseObject({
  contacts: z
    .array(ContactSchema)
    .nullish()
    .transform((v) => v ?? []),
});

/** The stage ids named "Do Not Contact" (case- and spacing-insensitive). */
export function dncStageIdsOf(stages: readonly ApolloContactStage[]): string[] {
  const fold = (v: string | null | undefined) => (v ?? "").toLowerCase().replace(/[^a-z]/g, "");
  return stages
    .filter((s) => fold(s.name) === "donotcontact" || fold(s.display_name) === "donotcontact")
    .map((s) => s.id);
}
