import { z } from "@hono/zod-openapi";
import { type DeploymentUrlName, deploymentUrl, displayUrl } from "../security/egress";

/**
 * What the deployment (Worker variables) fixes and the API cannot change, shown read-only next
 * to the configuration: where each credential is sent, and whether the URL guard accepts it.
 */
const EndpointSchema = z
  .object({
    base_url: z.string().nullable().openapi({ description: "Without userinfo, query or fragment" }),
    url_check: z.string().openapi({
      description: "`ok`, or why the URL guard refuses it (then no credential is sent)",
      example: "ok",
    }),
    reason: z.string().optional(),
  })
  .openapi("DeploymentEndpoint");

export const DeploymentSchema = z
  .object({
    halopsa: EndpointSchema.extend({
      tenant: z.string().openapi({ description: "HALO_TENANT; `halopsa.tenant` overrides it" }),
      client_id: z
        .string()
        .openapi({ description: "HALO_CLIENT_ID; `halopsa.client_id` overrides it" }),
    }),
    providers: z.object({
      apollo: EndpointSchema,
      zoominfo: EndpointSchema,
      hunter: EndpointSchema,
    }),
    allow_local_http: z.boolean().openapi({
      description: "ALLOW_LOCAL_HTTP: plain http to localhost allowed (local development only)",
    }),
  })
  .openapi("Deployment", { description: "Fixed by the deployment; read-only" });

export type Deployment = z.infer<typeof DeploymentSchema>;

function endpoint(env: Env, name: DeploymentUrlName): z.infer<typeof EndpointSchema> {
  const checked = deploymentUrl(env, name);
  return {
    base_url: displayUrl(env[name]),
    url_check: checked.ok ? "ok" : checked.code,
    ...(checked.ok ? {} : { reason: checked.reason }),
  };
}

export function deploymentView(env: Env): Deployment {
  return {
    halopsa: {
      ...endpoint(env, "HALO_BASE_URL"),
      tenant: env.HALO_TENANT ?? "",
      client_id: env.HALO_CLIENT_ID ?? "",
    },
    providers: {
      apollo: endpoint(env, "APOLLO_BASE_URL"),
      zoominfo: endpoint(env, "ZOOMINFO_BASE_URL"),
      hunter: endpoint(env, "HUNTER_BASE_URL"),
    },
    allow_local_http: env.ALLOW_LOCAL_HTTP === "true",
  };
}
