import type { IntegrationConfig } from "../config/schema";
import { database } from "../db/client";
import { loadConfig } from "../db/config-repo";
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
 * not spend the tenant's rate limit.
 */
export async function haloHealth(env: Env, config?: IntegrationConfig): Promise<HaloHealth> {
  if (!env.HALO_CLIENT_SECRET) {
    return { state: "not_configured", detail: { reason: "HALO_CLIENT_SECRET is not set" } };
  }
  try {
    const cfg = config ?? (await loadConfig(database(env.DB))).config;
    const settings = haloSettings(env, cfg);
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
