import { createRoute, z } from "@hono/zod-openapi";
import { currentCheck } from "../config-check/check";
import { database as dbClient } from "../db/client";
import { loadConfig } from "../db/config-repo";
import { haloHealth } from "../halo/health";
import { jsonResponse } from "../http/openapi-common";
import { newRouter } from "../http/router";
import { optionalPrincipal } from "../middleware/auth";
import { providerHealth } from "../providers/health";
import { SERVICE_VERSION } from "../version";

const ServiceState = z.enum([
  "connected",
  "configured",
  "disconnected",
  "error",
  "not_configured",
  "disabled",
]);

const HealthSchema = z
  .object({
    status: z.enum(["healthy", "degraded", "unhealthy"]),
    version: z.string(),
    timestamp: z.string(),
    services: z.object({
      database: ServiceState,
      halopsa: ServiceState,
      apollo: ServiceState,
      zoominfo: ServiceState,
      hunter: ServiceState,
    }),
    config: z.enum(["ok", "mismatch", "unverified"]).openapi({
      description:
        "The latest check of the configuration's HaloPSA ids against the tenant (POST " +
        "/config/verify, PUT /config, the cron): `unverified` until one describes the current " +
        "configuration or when HaloPSA could not be asked",
    }),
    details: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({
        description:
          "Only with a valid API key (any scope): why a service is not connected, " +
          "HaloGate's rate-limit state, and `config`, the configuration check (mismatched " +
          "fields, candidates, reason). Without one the answer carries states only, never a " +
          "URL or an upstream message.",
      }),
  })
  .openapi("Health");

async function databaseState(db: D1Database): Promise<"connected" | "error"> {
  try {
    await db.prepare("SELECT 1").first();
    return "connected";
  } catch {
    return "error";
  }
}

export const healthRoutes = newRouter();

healthRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Health"],
    summary: "Service health (no authentication; details with a key)",
    security: [],
    responses: {
      200: jsonResponse(HealthSchema, "Healthy or degraded"),
      503: jsonResponse(HealthSchema, "The database is unreachable"),
    },
  }),
  async (c) => {
    // The config is read once, for the providers' switches and HaloPSA's tenant settings.
    const [database, config, principal] = await Promise.all([
      databaseState(c.env.DB),
      loadConfig(dbClient(c.env.DB)).catch(() => null),
      optionalPrincipal(c.env.DB, c.req.header("Authorization")).catch(() => null),
    ]);
    const [halo, check] = await Promise.all([
      haloHealth(c.env, config?.config ?? null),
      config ? currentCheck(c.env, config.config).catch(() => undefined) : undefined,
    ]);
    const p = config?.config.providers;
    const providers = providerHealth(c.env, {
      apollo: p?.apollo.enabled ?? true,
      zoominfo: p?.zoominfo.enabled ?? true,
      hunter: p?.hunter.enabled ?? true,
    });
    const status =
      database !== "connected"
        ? "unhealthy"
        : halo.state === "connected" || halo.state === "not_configured"
          ? "healthy"
          : "degraded";
    const body = {
      status,
      version: SERVICE_VERSION,
      timestamp: new Date().toISOString(),
      services: { database, halopsa: halo.state, ...providers },
      config: check?.state ?? "unverified",
      ...(principal
        ? {
            details: {
              halopsa: halo.detail,
              config: (check?.report as Record<string, unknown> | undefined) ?? {
                state: "unverified",
                reason: "no check describes the current configuration yet",
              },
            },
          }
        : {}),
    } as const;
    return c.json(body, status === "unhealthy" ? 503 : 200);
  },
);
