import type { Hono } from "hono";
import { jsonResponse } from "../json";
import { AGENTS, FIELD_INFO, PRIORITIES, STATUSES, TICKET_TYPES } from "../lookups";

/** Lookup lists are bare JSON arrays, not envelopes (halopsa-api.md §3.2). */
export function lookupRoutes(app: Hono): void {
  app.get("/api/tickettype", () => jsonResponse(TICKET_TYPES));
  app.get("/api/status", (c) => {
    const typeId = Number(c.req.query("tickettype_id") ?? Number.NaN);
    const rows = Number.isInteger(typeId)
      ? STATUSES.filter((s) => s.tickettypes.includes(typeId))
      : STATUSES;
    return jsonResponse(rows);
  });
  app.get("/api/priority", () => jsonResponse(PRIORITIES));
  app.get("/api/fieldinfo", () => jsonResponse(FIELD_INFO));
  app.get("/api/agent", () => jsonResponse(AGENTS));
}
