import type { IntegrationConfig } from "../config/schema";

/**
 * Where and how to reach the tenant. The host is the deployment's (`HALO_BASE_URL`), never the
 * config document's: the client secret must not follow an API-editable URL. HaloGate checks it
 * with the URL guard before the secret leaves. Tenant and client id may be overridden by the
 * config: they change what is asked of that host, not where the secret goes.
 */
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
    baseUrl: (env.HALO_BASE_URL ?? "").trim().replace(/\/+$/, ""),
    tenant: h.tenant ?? env.HALO_TENANT,
    clientId: h.client_id ?? env.HALO_CLIENT_ID,
    scope: h.scope,
    rateLimit: { requests: h.rate_limit.requests, windowSeconds: h.rate_limit.window_seconds },
  };
}
