import { jsonResponse } from "./halo/json";
import { SandboxTenant } from "./tenant";

export { SandboxTenant };

const TENANT_PREFIX = /^\/t\/([A-Za-z0-9_-]{1,64})(\/.*)?$/;

/**
 * Resolves the tenant (root paths are tenant "default"; /t/{tenant}/… selects another) and hands
 * the request to that tenant's Durable Object, so http://localhost:8788 and
 * http://localhost:8788/t/test-abc both work as a HaloPSA base URL.
 */
export default {
  async fetch(request, env): Promise<Response> {
    const url = new URL(request.url);
    let tenant = "default";
    let path = url.pathname;
    let prefix = "";
    const match = TENANT_PREFIX.exec(path);
    if (match?.[1]) {
      tenant = match[1];
      path = match[2] ?? "/";
      prefix = `/t/${tenant}`;
    } else if (path.startsWith("/t/")) {
      return jsonResponse(
        { error: "invalid_tenant", message: "tenant names are [A-Za-z0-9_-]{1,64}" },
        400,
      );
    }

    if (path === "/") {
      return jsonResponse({
        name: "leadbridge-sandbox",
        simulates: "HaloPSA REST API",
        tenant,
        base_url: `${url.origin}${prefix}`,
        control: `${url.origin}${prefix}/_sandbox`,
      });
    }

    const target = new URL(url);
    target.pathname = path;
    const headers = new Headers(request.headers);
    headers.set("x-sandbox-tenant", tenant);
    headers.set("x-sandbox-base", `${url.origin}${prefix}`);
    const stub = env.TENANT.get(env.TENANT.idFromName(tenant));
    return stub.fetch(
      new Request(target, {
        method: request.method,
        headers,
        body: request.body,
        redirect: "manual",
      }),
    );
  },
} satisfies ExportedHandler<SandboxEnv>;
