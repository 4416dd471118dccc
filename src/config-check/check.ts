import { z } from "zod";
import type { IntegrationConfig } from "../config/schema";
import { database } from "../db/client";
import {
  type ConfigCheckRow,
  cachedLookups,
  latestCheck,
  saveCheck,
  storeLookups,
} from "../db/config-checks-repo";
import { haloClient } from "../halo/client";
import {
  listFieldInfo,
  listPriorities,
  listStatuses,
  listTicketTypes,
} from "../halo/resources/lookups";
import { FieldInfoRecord, PriorityRecord, StatusRecord, TicketTypeRecord } from "../halo/schemas";
import { haloSettings } from "../halo/settings";
import { type ConfigMismatch, type TenantLookups, verifyConfig } from "../halo/verify-config";

/**
 * How long the tenant's lookup lists are reused: ticket types, statuses and custom fields change
 * rarely, and a config edit should not cost four HaloPSA calls each time. POST /config/verify
 * always reads them afresh.
 */
const LOOKUPS_TTL_MS = 10 * 60_000;
/** The cron re-checks a configuration this old, since the tenant's lists may have changed. */
const CHECK_MAX_AGE_MS = 60 * 60_000;
/** An interactive check waits out a short throttle, and gives up quickly on an outage. */
const CHECK_MAX_WAIT_MS = 5_000;
const CHECK_READ_ATTEMPTS = 2;

type ConfigCheckState = "ok" | "mismatch" | "unverified";

export interface ConfigCheck {
  state: ConfigCheckState;
  checked_at: string;
  config_version: number;
  mismatches: ConfigMismatch[];
  /** Why the check could not be made (HaloPSA unreachable, not configured, …). */
  reason: string | null;
  lookups_fetched_at: string | null;
}

const CachedLookups = z.object({
  ticketTypes: z.array(TicketTypeRecord),
  statuses: z.array(StatusRecord),
  priorities: z.array(PriorityRecord),
  fields: z.array(FieldInfoRecord),
});

/** Every HaloPSA id of the configuration (what PUT /config checks when it changes). */
export function haloIds(config: IntegrationConfig): string {
  const h = config.halopsa;
  return JSON.stringify({
    custom_fields_enabled: h.custom_fields_enabled,
    custom_fields: h.custom_fields,
    lifecycle: h.lifecycle,
  });
}

/** What a check depends on: the tenant and every HaloPSA id of the configuration. */
function checkFingerprint(env: Env, config: IntegrationConfig): string {
  return JSON.stringify({ tenant: haloSettings(env, config).baseUrl, ids: haloIds(config) });
}

async function tenantLookups(
  env: Env,
  config: IntegrationConfig,
  now: Date,
  fresh: boolean,
): Promise<{ lookups: TenantLookups; fetchedAt: string }> {
  const db = database(env.DB);
  const settings = haloSettings(env, config);
  if (!fresh) {
    const cached = await cachedLookups(db, settings.baseUrl);
    const parsed = cached ? CachedLookups.safeParse(cached.lookups) : null;
    if (cached && parsed?.success && now.getTime() - Date.parse(cached.fetchedAt) < LOOKUPS_TTL_MS)
      return { lookups: parsed.data, fetchedAt: cached.fetchedAt };
  }
  const halo = haloClient(env, settings, {
    maxWaitMs: CHECK_MAX_WAIT_MS,
    readAttempts: CHECK_READ_ATTEMPTS,
  });
  // One after another: four reads are nothing to the window, and a failure stops the rest.
  const lookups: TenantLookups = {
    ticketTypes: await listTicketTypes(halo),
    statuses: await listStatuses(halo),
    priorities: await listPriorities(halo),
    fields: await listFieldInfo(halo),
  };
  const fetchedAt = now.toISOString();
  await storeLookups(db, settings.baseUrl, lookups, fetchedAt);
  return { lookups, fetchedAt };
}

/**
 * Checks the configuration against the tenant's lookups, through HaloGate. Never throws: when
 * HaloPSA cannot be asked the answer is `unverified` with the reason, so an outage never blocks
 * a config edit (the cron checks again later).
 */
export async function checkConfig(
  env: Env,
  config: IntegrationConfig,
  version: number,
  options: { now?: Date; fresh?: boolean } = {},
): Promise<ConfigCheck> {
  const now = options.now ?? new Date();
  const base = { checked_at: now.toISOString(), config_version: version, mismatches: [] };
  if (!env.HALO_CLIENT_SECRET) {
    return {
      ...base,
      state: "unverified",
      reason: "HALO_CLIENT_SECRET is not set",
      lookups_fetched_at: null,
    };
  }
  try {
    const { lookups, fetchedAt } = await tenantLookups(env, config, now, options.fresh ?? false);
    const mismatches = verifyConfig(config, lookups);
    return {
      ...base,
      state: mismatches.length > 0 ? "mismatch" : "ok",
      mismatches,
      reason: null,
      lookups_fetched_at: fetchedAt,
    };
  } catch (err) {
    return {
      ...base,
      state: "unverified",
      reason: `HaloPSA could not be asked: ${err instanceof Error ? err.message : String(err)}`,
      lookups_fetched_at: null,
    };
  }
}

/** Stores a check as the latest, for /health. */
export async function recordCheck(
  env: Env,
  config: IntegrationConfig,
  check: ConfigCheck,
): Promise<void> {
  await saveCheck(database(env.DB), {
    fingerprint: checkFingerprint(env, config),
    configVersion: check.config_version,
    state: check.state,
    report: check,
    checkedAt: check.checked_at,
  });
}

/** The latest check if it still describes this configuration; otherwise nothing is known. */
export async function currentCheck(
  env: Env,
  config: IntegrationConfig,
): Promise<ConfigCheckRow | undefined> {
  const row = await latestCheck(database(env.DB));
  return row && row.fingerprint === checkFingerprint(env, config) ? row : undefined;
}

/** For the cron: checks the configuration again when no check describes it or it is old. */
export async function refreshConfigCheck(
  env: Env,
  config: IntegrationConfig,
  version: number,
  now: Date,
): Promise<void> {
  if (!env.HALO_CLIENT_SECRET) return;
  const row = await currentCheck(env, config);
  if (
    row &&
    row.state !== "unverified" &&
    now.getTime() - Date.parse(row.checkedAt) < CHECK_MAX_AGE_MS
  )
    return;
  await recordCheck(env, config, await checkConfig(env, config, version, { now }));
}
