import { env } from "cloudflare:workers";
import { bearer, issueKey } from "./keys";
import { SandboxTenant } from "./sandbox";

/**
 * Points the service at `tenant` the way a deployment does: the HaloPSA host is the Worker
 * variable HALO_BASE_URL, never the config document. Each test file runs in its own workerd, so
 * the change stays within the file (as the per-file D1 config did before).
 */
export function useTenantHost(tenant: SandboxTenant): void {
  env.HALO_BASE_URL = tenant.baseUrl;
}

/** An admin key and a sandbox tenant the service's deployment points at. */
export async function tenantApp(label: string) {
  const tenant = new SandboxTenant(label);
  const key = await issueKey(["admin"]);
  useTenantHost(tenant);
  return { tenant, key, auth: bearer(key) };
}
