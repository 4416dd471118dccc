import { SANDBOX_CLIENT, type SandboxTenant } from "./sandbox";

/**
 * Acts on the sandbox the way a salesperson in HaloPSA would: straight HTTP, not through
 * LeadBridge's client, so tests can make "manual edits" and read back what HaloPSA holds.
 */
export class HaloDirect {
  private token: string | undefined;
  constructor(private readonly tenant: SandboxTenant) {}

  async post(path: string, records: Record<string, unknown>[]): Promise<unknown> {
    const res = await fetch(`${this.tenant.baseUrl}/api/${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${await this.auth()}`, "content-type": "application/json" },
      body: JSON.stringify(records),
    });
    if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  }

  async get(path: string): Promise<Record<string, unknown>> {
    const res = await fetch(`${this.tenant.baseUrl}/api/${path}`, {
      headers: { authorization: `Bearer ${await this.auth()}` },
    });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  }

  /** Deletes a record, as someone tidying up HaloPSA by hand would. */
  async delete(path: string): Promise<void> {
    const res = await fetch(`${this.tenant.baseUrl}/api/${path}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${await this.auth()}` },
    });
    if (!res.ok) throw new Error(`DELETE ${path}: ${res.status} ${await res.text()}`);
  }

  private async auth(): Promise<string> {
    if (this.token) return this.token;
    const res = await fetch(`${this.tenant.baseUrl}/auth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: SANDBOX_CLIENT.id,
        client_secret: SANDBOX_CLIENT.secret,
        scope: "all",
      }).toString(),
    });
    this.token = ((await res.json()) as { access_token: string }).access_token;
    return this.token;
  }
}
