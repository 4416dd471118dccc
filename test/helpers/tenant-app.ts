import { api } from "./api";
import { bearer, issueKey } from "./keys";
import { SandboxTenant } from "./sandbox";

/** An admin key and a sandbox tenant the service's config points at. */
export async function tenantApp(label: string) {
  const tenant = new SandboxTenant(label);
  const key = await issueKey(["admin"]);
  const res = await api("/config", {
    method: "PUT",
    headers: bearer(key),
    json: { halopsa: { base_url: tenant.baseUrl } },
  });
  if (res.status !== 200) throw new Error(`config: ${res.status} ${JSON.stringify(res.body)}`);
  return { tenant, key, auth: bearer(key) };
}
