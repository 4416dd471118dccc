import { z } from "zod";
import type { IntegrationConfig } from "../config/schema";
import type { Db } from "../db/client";
import { readProviderLookup, saveProviderLookup } from "../db/provider-lookups-repo";
import { type ApolloClient, dncStageIdsOf } from "../providers/apollo/client";
import type { CallResult } from "../providers/pacing";

/**
 * Apollo's "Do Not Contact" contact stage ids (providers.md §1.3): a contact in that stage is an
 * opt-out the import must honour, and the stage a LeadBridge suppression moves contacts to.
 * `providers.apollo.dnc_stage_ids` in the config wins; otherwise the ids read from Apollo's
 * `GET /contact_stages` (a free call) are cached in D1 for a day, so the import path gets them
 * with one D1 read and no Apollo call.
 */
const LOOKUP = "dnc_stage_ids";
const MAX_AGE_MS = 86_400_000;
const Cached = z.array(z.string());

/** The ids the import path uses: the config's, else the cached ones (possibly none yet). */
export async function apolloDncStageIds(db: Db, config: IntegrationConfig): Promise<string[]> {
  const configured = config.providers.apollo.dnc_stage_ids;
  if (configured.length > 0) return configured;
  const cached = await readProviderLookup(db, "apollo", LOOKUP);
  const parsed = Cached.safeParse(cached?.value);
  return parsed.success ? parsed.data : [];
}

/**
 * The ids, reading Apollo's stages when the config names none and the cache is missing or a day
 * old. Used by the Apollo sync (before its pages are imported) and by the DNC push.
 */
export async function resolveApolloDncStageIds(
  db: Db,
  config: IntegrationConfig,
  client: ApolloClient,
  now: Date,
): Promise<CallResult<string[]>> {
  const configured = config.providers.apollo.dnc_stage_ids;
  if (configured.length > 0) return { kind: "ok", data: configured, throttle: null };
  const cached = await readProviderLookup(db, "apollo", LOOKUP);
  const parsed = Cached.safeParse(cached?.value);
  if (parsed.success && cached && now.getTime() - Date.parse(cached.fetchedAt) < MAX_AGE_MS) {
    return { kind: "ok", data: parsed.data, throttle: null };
  }
  const r = await client.contactStages();
  if (r.kind === "throttled") return r;
  const ids = dncStageIdsOf(r.data);
  await saveProviderLookup(db, "apollo", LOOKUP, ids, now);
  return { ...r, data: ids };
}
