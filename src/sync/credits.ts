import type { IntegrationConfig } from "../config/schema";
import { providerGateName } from "../providers/gate/call";
import { apiKeyFor, baseUrlFor } from "./sources";
import { SYNC_PROVIDERS, type SyncProvider } from "./types";

export interface ProviderCredits {
  configured: boolean;
  credits_spent_today: number | null;
  daily_credit_budget: number | null;
  cooldown_until: string | null;
}

/**
 * Each provider's credits spent today (UTC), read from its credential's gate without calling
 * the provider. A provider whose key is not set has no gate yet.
 */
export async function providerCredits(
  env: Env,
  config: IntegrationConfig,
  now: number,
): Promise<Record<SyncProvider, ProviderCredits>> {
  const entries = await Promise.all(
    SYNC_PROVIDERS.map(async (provider): Promise<[SyncProvider, ProviderCredits]> => {
      const settings = config.providers[provider];
      const apiKey = apiKeyFor(env, provider);
      const baseUrl = baseUrlFor(env, provider);
      const none = {
        configured: false,
        credits_spent_today: null,
        daily_credit_budget: settings.daily_credit_budget,
        cooldown_until: null,
      };
      if (!apiKey || !baseUrl.ok) return [provider, none];
      try {
        const name = await providerGateName(provider, baseUrl.url, apiKey);
        const gate = env.PROVIDER_GATE.get(env.PROVIDER_GATE.idFromName(name));
        const status = await gate.status(now, settings.rate_limit.window_seconds);
        return [
          provider,
          {
            configured: true,
            credits_spent_today: status.credits_spent_today,
            daily_credit_budget: settings.daily_credit_budget,
            cooldown_until: status.cooldown_until,
          },
        ];
      } catch {
        return [provider, { ...none, configured: true }];
      }
    }),
  );
  return Object.fromEntries(entries) as Record<SyncProvider, ProviderCredits>;
}
