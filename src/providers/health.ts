type ProviderState = "configured" | "not_configured" | "disabled";

/**
 * A provider is "configured" when it is enabled and its credential is set. /health does not
 * spend a provider call (and its credits) on a probe; provider syncs record real failures in
 * the error log.
 */
export function providerHealth(
  env: Env,
  enabled: { apollo: boolean; zoominfo: boolean; hunter: boolean },
): { apollo: ProviderState; zoominfo: ProviderState; hunter: ProviderState } {
  const state = (on: boolean, key: string | undefined): ProviderState =>
    !on ? "disabled" : key ? "configured" : "not_configured";
  return {
    apollo: state(enabled.apollo, env.APOLLO_API_KEY),
    zoominfo: state(enabled.zoominfo, env.ZOOMINFO_API_KEY),
    hunter: state(enabled.hunter, env.HUNTER_API_KEY),
  };
}
