import { createRoute, z } from "@hono/zod-openapi";
import { database } from "../db/client";
import { loadConfig } from "../db/config-repo";
import { haloClient } from "../halo/client";
import { proposeMapping } from "../halo/discover";
import { listFieldInfo, listStatuses, listTicketTypes } from "../halo/resources/lookups";
import { haloSettings } from "../halo/settings";
import {
  authErrors,
  bearerSecurity,
  jsonResponse,
  unavailableError,
  upstreamError,
} from "../http/openapi-common";
import { newRouter } from "../http/router";
import { requireScope } from "../middleware/auth";
import { haloIndexRoutes } from "./halo-index";

/** An interactive call: wait out a short throttle rather than failing at once. */
const DISCOVER_MAX_WAIT_MS = 5_000;

const idMap = z.record(z.string(), z.number().int());

const DiscoverSchema = z
  .object({
    patch: z
      .object({
        halopsa: z.object({
          custom_fields: idMap,
          lifecycle: z.record(
            z.string(),
            z.object({ ticket_type_id: z.number().int().optional(), statuses: idMap }),
          ),
        }),
      })
      .openapi({ description: "A merge patch for PUT /api/v1/config with every id that matched" }),
    unmatched: z.object({
      custom_fields: z.array(z.string()),
      ticket_types: z.array(z.string()),
      statuses: z.record(z.string(), z.array(z.string())),
    }),
    ambiguous: z.array(z.string()),
    found: z.object({
      ticket_types: z.number().int(),
      statuses: z.number().int(),
      custom_fields: z.number().int(),
    }),
  })
  .openapi("HaloDiscovery");

export const haloRoutes = newRouter();

haloRoutes.openapi(
  createRoute({
    method: "get",
    path: "/discover",
    tags: ["HaloPSA"],
    summary: "Propose the tenant's HaloPSA ids for the configuration",
    description:
      "Reads the tenant's ticket types, statuses and custom fields and matches them by name to " +
      "the configuration's lifecycle statuses and custom-field keys. Review the `patch` and PUT " +
      "it to /api/v1/config; `unmatched` lists what needs a manual id.",
    security: bearerSecurity,
    middleware: [requireScope("admin")] as const,
    responses: {
      200: jsonResponse(DiscoverSchema, "The proposed mapping"),
      ...authErrors,
      ...upstreamError,
      ...unavailableError("HaloPSA's rate limit is spent or HaloPSA is not configured"),
    },
  }),
  async (c) => {
    const { config } = await loadConfig(database(c.env.DB));
    const halo = haloClient(c.env, haloSettings(c.env, config), {
      maxWaitMs: DISCOVER_MAX_WAIT_MS,
    });
    const ticketTypes = await listTicketTypes(halo);
    const statuses = await listStatuses(halo);
    const fields = await listFieldInfo(halo);
    const proposal = proposeMapping({ ticketTypes, statuses, fields });
    return c.json(
      {
        ...proposal,
        found: {
          ticket_types: ticketTypes.length,
          statuses: statuses.length,
          custom_fields: fields.length,
        },
      },
      200,
    );
  },
);

// POST /halo/index and GET /halo/index/{run_id}: seeding the dedup index from the tenant.
haloRoutes.route("/index", haloIndexRoutes);
