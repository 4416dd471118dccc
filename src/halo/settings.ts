import type { IntegrationConfig } from "../config/schema";

/** Where and how to reach the tenant: the config document wins over the Worker's variables. */
export interface HaloTenantSettings {
  baseUrl: string;
  tenant: string;
  clientId: string;
  scope: string;
  rateLimit: { requests: number; windowSeconds: number };
}

export function haloSettings(env: Env, config: IntegrationConfig): HaloTenantSettings {
  const h = config.halopsa;
  return {
    baseUrl: (h.base_url ?? env.HALO_BASE_URL).replace(/\/+$/, ""),
    tenant: h.tenant ?? env.HALO_TENANT,
    clientId: h.client_id ?? env.HALO_CLIENT_ID,
    scope: h.scope,
    rateLimit: { requests: h.rate_limit.requests, windowSeconds: h.rate_limit.window_seconds },
  };
}
