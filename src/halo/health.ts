import type { IntegrationConfig } from "../config/schema";
import { gateStub } from "./client";
import { haloSettings } from "./settings";

export interface HaloHealth {
  state: "connected" | "disconnected" | "error" | "not_configured";
  detail: Record<string, unknown>;
}

/**
 * HaloPSA's state for /health, through the tenant's HaloGate: connected when a token is cached
 * or can be obtained (reachable and authenticated), error when the credentials are refused,
 * disconnected when HaloPSA cannot be reached. A cached token costs no request, so /health does
 * not spend the tenant's rate limit. The caller reads the config (null when it could not be read):
 * the HaloPSA client does no D1 access of its own.
 */
export async function haloHealth(env: Env, config: IntegrationConfig | null): Promise<HaloHealth> {
  if (!env.HALO_CLIENT_SECRET) {
    return { state: "not_configured", detail: { reason: "HALO_CLIENT_SECRET is not set" } };
  }
  if (!config) {
    return { state: "disconnected", detail: { reason: "the configuration could not be read" } };
  }
  try {
    const settings = haloSettings(env, config);
    const probe = await gateStub(env, settings).probe(settings);
    return {
      state: probe.state,
      detail: { ...(probe.reason ? { reason: probe.reason } : {}), gate: probe.status },
    };
  } catch (err) {
    return {
      state: "disconnected",
      detail: { reason: err instanceof Error ? err.message : String(err) },
    };
  }
}
