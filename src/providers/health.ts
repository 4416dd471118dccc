import { type DeploymentUrlName, deploymentUrl } from "../security/egress";

type ProviderState = "configured" | "not_configured" | "disabled";

/**
 * A provider is "configured" when it is enabled, its credential is set and its base URL passes
 * the URL guard. /health does not
 * spend a provider call (and its credits) on a probe; provider syncs record real failures in
 * the error log.
 */
export function providerHealth(
  env: Env,
  enabled: { apollo: boolean; zoominfo: boolean; hunter: boolean },
): { apollo: ProviderState; zoominfo: ProviderState; hunter: ProviderState } {
  // A base URL the guard refuses never gets the key, so the provider is not usable.
  const state = (on: boolean, key: string | undefined, url: DeploymentUrlName): ProviderState =>
    !on ? "disabled" : key && deploymentUrl(env, url).ok ? "configured" : "not_configured";
  return {
    apollo: state(enabled.apollo, env.APOLLO_API_KEY, "APOLLO_BASE_URL"),
    zoominfo: state(enabled.zoominfo, env.ZOOMINFO_API_KEY, "ZOOMINFO_BASE_URL"),
    hunter: state(enabled.hunter, env.HUNTER_API_KEY, "HUNTER_BASE_URL"),
  };
}
