import { database } from "../db/client";
import { loadConfig } from "../db/config-repo";
import type { SyncCursorStatus } from "../db/schema";
import { claimRun, findCursor, finishRun, saveCheckpoint } from "../db/sync-cursors-repo";
import { AppError } from "../errors";
import { createImportJob } from "../jobs/create-job";
import { resolveApolloDncStageIds } from "../pipeline/apollo-dnc-stages";
import { DEFAULT_IMPORT_OPTIONS } from "../pipeline/options";
import { ApolloClient } from "../providers/apollo/client";
import { BUDGET_EXHAUSTED, providerGate } from "../providers/gate/call";
import { type Fetcher, ProviderError } from "../providers/http";
import { Pacer, type Throttle } from "../providers/pacing";
import { screen } from "./known";
import { logSyncEvent } from "./log";
import { apiKeyFor, baseUrlFor, buildSource, InvalidSearchError } from "./sources";
import {
  freshCursor,
  type SyncCursor,
  SyncCursorSchema,
  type SyncOutcome,
  type SyncProvider,
  type SyncRunSummary,
} from "./types";

export interface RunOptions {
  /** Who started the run, for the job's `created_by`: "cron" or "api:<key id>". */
  trigger?: string;
  /** Start the search over from its first page (operator action). */
  restart?: boolean;
  /** Longest provider-announced wait slept inside a run; longer ones pause the search. */
  maxInlineWaitMs?: number;
  fetch?: Fetcher;
}

function emptySummary(
  provider: SyncProvider,
  searchId: string,
  outcome: SyncOutcome,
): SyncRunSummary {
  return {
    provider,
    search_id: searchId,
    outcome,
    pages_read: 0,
    records_found: 0,
    skipped_known: 0,
    skipped_suppressed: 0,
    skipped_already_read: 0,
    enriched: 0,
    credits_spent: 0,
    job_ids: [],
    checkpoint: null,
    paused_until: null,
    error: null,
  };
}

function readCursor(stored: unknown): SyncCursor | null {
  const parsed = SyncCursorSchema.safeParse(stored);
  return parsed.success && parsed.data.filters_hash !== "" ? parsed.data : null;
}

/** When a throttled search may run again: the provider's stop time, else now + its wait. */
function pauseUntil(throttle: Throttle, now: Date): Date {
  return throttle.stopUntil ?? new Date(now.getTime() + Math.max(1_000, throttle.retryAfterMs));
}

/**
 * Runs one saved search for one provider: resumes from its checkpoint in D1, reads up to
 * `max_pages_per_run` pages, screens each page against known leads and the suppression list
 * BEFORE paying for details, imports the rest through the ordinary import job, and only then
 * moves the checkpoint, so a crash re-reads at most one page (harmless: the import
 * de-duplicates, and known people are screened out before enrichment).
 *
 * Pacing: the configured `rate_limit` is enforced client-side for the run; a provider refusal
 * (Apollo/ZoomInfo 429 + Retry-After, Hunter 429 = quota spent) ends the run and pauses the
 * search until the provider allows it again (`paused_until`); a short announced wait (an
 * Apollo minute window that is empty) is slept; Hunter's 403 backs off for a minute.
 */
export async function runProviderSync(
  env: Env,
  provider: SyncProvider,
  searchId: string,
  now: Date = new Date(),
  options: RunOptions = {},
): Promise<SyncRunSummary> {
  const db = database(env.DB);
  const { config } = await loadConfig(db);
  const settings = config.providers[provider];
  const search = settings.saved_searches.find((s) => s.id === searchId);
  if (!search) {
    throw new AppError("RESOURCE_NOT_FOUND", `No saved ${provider} search "${searchId}"`, {
      details: { field: "search_id", value: searchId },
    });
  }
  if (!settings.enabled) return emptySummary(provider, searchId, "disabled");
  const apiKey = apiKeyFor(env, provider);
  if (!apiKey) return emptySummary(provider, searchId, "not_configured");
  // The key goes only to a base URL the guard accepts; otherwise nothing is sent at all.
  const baseUrl = baseUrlFor(env, provider);
  if (!baseUrl.ok) {
    return { ...emptySummary(provider, searchId, "not_configured"), error: baseUrl.reason };
  }

  const summary = emptySummary(provider, searchId, "ran");
  const row = await findCursor(db, provider, searchId);
  if (!options.restart && row?.pausedUntil && Date.parse(row.pausedUntil) > now.getTime()) {
    return {
      ...summary,
      outcome: row.status === "budget_exhausted" ? "budget_exhausted" : "paused",
      paused_until: row.pausedUntil,
      error: row.status === "budget_exhausted" ? row.lastError : null,
      checkpoint: readCursor(row.cursor),
    };
  }

  const pacer = new Pacer(settings.rate_limit, Date.now, undefined, options.maxInlineWaitMs);
  // The run's clock follows `now` (a run may be asked to act at another time), ticking in real
  // time, so the gate's window and the provider's waits are measured on it.
  const startedAt = Date.now();
  const gate = providerGate(env, {
    provider,
    baseUrl: baseUrl.url,
    apiKey,
    limit: settings.rate_limit,
    dailyBudget: settings.daily_credit_budget,
    maxWaitMs: pacer.maxWaitMs,
    clock: () => now.getTime() + (Date.now() - startedAt),
  });
  let source: Awaited<ReturnType<typeof buildSource>>;
  try {
    source = await buildSource(db, provider, search, {
      apiKey,
      baseUrl: baseUrl.url,
      fetch: options.fetch,
      gate,
      now,
    });
  } catch (err) {
    if (err instanceof InvalidSearchError) {
      throw new AppError("VALIDATION_ERROR", err.message, { details: { field: "filters" } });
    }
    throw err;
  }
  if (provider === "apollo" && source !== null) {
    // The DNC contact stage's ids, so the import jobs this run creates recognise Apollo
    // contacts in it as opt-outs (cached a day; a free call; a throttle only skips the refresh).
    await resolveApolloDncStageIds(
      db,
      config,
      new ApolloClient({ baseUrl: baseUrl.url, apiKey, fetch: options.fetch, gate }),
      now,
    ).catch((err: unknown) => {
      console.error(
        JSON.stringify({ level: "warning", source: "sync:apollo:stages", message: String(err) }),
      );
    });
  }
  const hash = source?.filtersHash ?? "nothing-to-search";
  const stored = readCursor(row?.cursor);
  // New filters (or a restart) mean a new result list: start from its first page.
  let cursor =
    stored && stored.filters_hash === hash && !options.restart ? stored : freshCursor(hash);
  if (source === null) cursor = { ...cursor, done: true };
  if (cursor.done && !options.restart && stored?.filters_hash === hash) {
    return { ...summary, outcome: "complete", checkpoint: cursor };
  }
  if (!(await claimRun(db, provider, searchId, now))) {
    return { ...summary, outcome: "busy", checkpoint: cursor };
  }

  // Widened on purpose: the pause() closure below changes it.
  let status = "active" as SyncCursorStatus;
  let pausedUntil: string | null = null;
  let lastError: string | null = null;
  const pause = async (throttle: Throttle) => {
    const until = pauseUntil(throttle, now);
    pausedUntil = until.toISOString();
    if (throttle.reason === BUDGET_EXHAUSTED) {
      status = "budget_exhausted";
      lastError = `${provider}'s daily credit budget (${settings.daily_credit_budget}) is spent; stopped before the next paid call`;
      await logSyncEvent(
        db,
        {
          level: "warning",
          code: "BUDGET_EXHAUSTED",
          message: `${lastError}; resumes at ${pausedUntil}`,
          provider,
          searchId,
          detail: { daily_credit_budget: settings.daily_credit_budget, resumes_at: pausedUntil },
        },
        now,
      );
      return;
    }
    status = "paused";
    await logSyncEvent(
      db,
      {
        level: "warning",
        code: "RATE_LIMIT_EXCEEDED",
        message: `${provider} asked to slow down (${throttle.reason}); paused until ${pausedUntil}`,
        provider,
        searchId,
        detail: { reason: throttle.reason, retry_after_ms: throttle.retryAfterMs },
      },
      now,
    );
  };

  try {
    for (let n = 0; n < search.max_pages_per_run && source && !cursor.done; n++) {
      const read = await source.read(cursor.position);
      if (read.kind === "throttled") {
        await pause(read.throttle);
        break;
      }
      if (read.kind === "skip") {
        cursor = {
          ...cursor,
          position: read.next ?? cursor.position,
          partial: [],
          done: read.next === null,
        };
        await saveCheckpoint(db, provider, searchId, cursor, 0, now);
        continue;
      }
      summary.pages_read += 1;
      summary.records_found += read.candidates.length;
      summary.credits_spent += read.credits;
      const already = new Set(cursor.partial);
      const unread = read.candidates.filter((c) => !already.has(c.id));
      summary.skipped_already_read += read.candidates.length - unread.length;
      const screened = await screen(env.DB, db, provider, unread);
      summary.skipped_known += screened.known.length;
      summary.skipped_suppressed += screened.suppressed.length;

      const enrichment = await source.enrich(screened.fresh);
      summary.credits_spent += enrichment.credits;
      summary.enriched += enrichment.records.length;
      if (enrichment.records.length > 0) {
        const job = await createImportJob(
          env,
          {
            kind: "provider_sync",
            source: provider,
            records: enrichment.records,
            options: { ...DEFAULT_IMPORT_OPTIONS, continue_on_error: true },
            createdBy: `${options.trigger ?? "cron"}:${provider}:${searchId}`,
          },
          now,
        );
        summary.job_ids.push(job.id);
      }
      // The job exists: only now does the checkpoint move past what it holds.
      if (enrichment.stoppedBy) {
        cursor = { ...cursor, partial: [...cursor.partial, ...enrichment.handled] };
        await saveCheckpoint(db, provider, searchId, cursor, enrichment.records.length, now);
        await pause(enrichment.stoppedBy);
        break;
      }
      cursor = {
        ...cursor,
        position: read.next ?? cursor.position,
        partial: [],
        done: read.next === null,
        pages_read: cursor.pages_read + 1,
      };
      await saveCheckpoint(db, provider, searchId, cursor, enrichment.records.length, now);

      const wait = enrichment.throttle ?? read.throttle;
      if (
        wait &&
        !cursor.done &&
        !(await pacer.pause(wait.stopUntil ? Number.POSITIVE_INFINITY : wait.retryAfterMs))
      ) {
        await pause(wait);
        break;
      }
    }
  } catch (err) {
    if (!(err instanceof ProviderError)) {
      await finishRun(
        db,
        provider,
        searchId,
        { status: "error", pausedUntil: null, lastError: String(err) },
        new Date(),
      );
      throw err;
    }
    status = "error";
    lastError = `${err.status} ${err.code}: ${err.message}`;
    await logSyncEvent(
      db,
      {
        level: "error",
        code: "EXTERNAL_API_ERROR",
        message: lastError,
        provider,
        searchId,
        detail: { status: err.status, code: err.code },
      },
      now,
    );
  }

  if (cursor.done && status === "active") status = "complete";
  await finishRun(db, provider, searchId, { status, pausedUntil, lastError, cursor }, now);
  return {
    ...summary,
    outcome:
      status === "paused" || status === "budget_exhausted" || status === "error" ? status : "ran",
    checkpoint: cursor,
    paused_until: pausedUntil,
    error: lastError,
  };
}
