import type { IntegrationConfig } from "../config/schema";
import type { Db } from "../db/client";
import {
  leadsForSuppression,
  type PropagationResult,
  type SuppressionRowForPush,
} from "../db/propagations-repo";
import { resolveApolloDncStageIds } from "../pipeline/apollo-dnc-stages";
import { ApolloClient } from "../providers/apollo/client";
import { providerGate } from "../providers/gate/call";
import type { Throttle } from "../providers/pacing";
import { deploymentUrl } from "../security/egress";

/** Apollo moves contacts 100 at a time here (its bulk limits are per page of 100). */
const PER_STAGE_CALL = 100;

export interface ApolloStepResult {
  results: PropagationResult[];
  /** Apollo (or the provider gate) said wait: the rows not decided go back to pending. */
  throttle: Throttle | null;
}

const result = (
  s: SuppressionRowForPush,
  status: PropagationResult["status"],
  detail: string,
): PropagationResult => ({ suppressionId: s.id, target: "apollo", status, detail });

/**
 * DNC to Apollo, the only provider with a write API for it (providers.md §1.3): find the saved
 * contact by email (`POST /contacts/search`), save one if there is none (`POST /contacts`,
 * `run_dedupe`, so a retry does not save a second), and move them all into the "Do Not Contact"
 * stage (`POST /contacts/update_stages`). Every call goes through the Apollo key's provider gate
 * (its rate limit and daily credit budget; these calls cost no credits). Apollo contacts are
 * people: a phone or domain entry is recorded as not pushed.
 */
export async function pushToApollo(
  env: Env,
  db: Db,
  config: IntegrationConfig,
  entries: SuppressionRowForPush[],
  now: Date,
): Promise<ApolloStepResult> {
  if (entries.length === 0) return { results: [], throttle: null };
  const settings = config.providers.apollo;
  const apiKey = env.APOLLO_API_KEY?.trim();
  const base = deploymentUrl(env, "APOLLO_BASE_URL");
  const unreachable = !settings.enabled
    ? "Apollo is disabled in the configuration; not pushed"
    : !apiKey
      ? "APOLLO_API_KEY is not set; not pushed"
      : !base.ok
        ? `not pushed: ${base.reason}`
        : null;
  if (unreachable !== null || !apiKey || !base.ok) {
    return {
      results: entries.map((s) => result(s, "skipped", unreachable ?? "not pushed")),
      throttle: null,
    };
  }
  const people = entries.filter((s) => s.kind === "email");
  const results = entries
    .filter((s) => s.kind !== "email")
    .map((s) =>
      result(
        s,
        "skipped",
        `Apollo saves contacts by person, found by email; a ${s.kind} entry has no Apollo contact to move (Apollo has no suppression list)`,
      ),
    );
  if (people.length === 0) return { results, throttle: null };

  const client = new ApolloClient({
    baseUrl: base.url,
    apiKey,
    gate: providerGate(env, {
      provider: "apollo",
      baseUrl: base.url,
      apiKey,
      limit: settings.rate_limit,
      dailyBudget: settings.daily_credit_budget,
      maxWaitMs: 5_000,
    }),
  });
  const stages = await resolveApolloDncStageIds(db, config, client, now);
  if (stages.kind === "throttled") return { results, throttle: stages.throttle };
  const stageId = stages.data[0];
  if (stageId === undefined) {
    return {
      results: [
        ...results,
        ...people.map((s) =>
          result(
            s,
            "failed",
            'Apollo has no "Do Not Contact" contact stage; set providers.apollo.dnc_stage_ids',
          ),
        ),
      ],
      throttle: null,
    };
  }

  const contacts = new Map<string, { ids: string[]; created: boolean }>();
  for (const s of people) {
    const found = await client.findContactsByEmail(s.value);
    if (found.kind === "throttled") return { results, throttle: found.throttle };
    if (found.data.length > 0) {
      contacts.set(s.id, { ids: found.data.map((c) => c.id), created: false });
      continue;
    }
    const [lead] = await leadsForSuppression(db, s);
    const [first, ...rest] = (lead?.fullName ?? "").split(" ").filter(Boolean);
    const created = await client.createContact({
      email: s.value,
      first_name: first ?? null,
      last_name: rest.length > 0 ? rest.join(" ") : null,
      organization_name: lead?.companyName ?? null,
    });
    if (created.kind === "throttled") return { results, throttle: created.throttle };
    contacts.set(s.id, { ids: [created.data.id], created: true });
  }
  const allIds = [...new Set([...contacts.values()].flatMap((c) => c.ids))];
  for (let i = 0; i < allIds.length; i += PER_STAGE_CALL) {
    const moved = await client.updateContactStages(allIds.slice(i, i + PER_STAGE_CALL), stageId);
    if (moved.kind === "throttled") return { results, throttle: moved.throttle };
  }
  for (const s of people) {
    const c = contacts.get(s.id);
    if (!c) continue;
    results.push(
      result(
        s,
        "done",
        `${c.created ? "saved as contact" : "contact"} ${c.ids.join(", ")} moved to the Do Not Contact stage (${stageId})`,
      ),
    );
  }
  return { results, throttle: null };
}
