import type { z } from "zod";
import { haloShapeError } from "../errors";
import { bareArray, FieldInfoRecord, StatusRecord, TicketTypeRecord } from "../schemas";
import { type Halo, read } from "../transport";
import type { HaloRequest } from "../types";

// Lookup lists are bare arrays, not envelopes (TicketType, Status, Priority: n8n, dotMARC,
// panoramicdata; halopsa-api.md §3.2). HaloAPI reads FieldInfo from a `FieldInfo` key, so both are accepted.

async function lookup<T extends z.ZodType>(
  halo: Halo,
  request: HaloRequest,
  schema: T,
): Promise<z.infer<T>> {
  const parsed = schema.safeParse(await read(halo, request));
  if (!parsed.success) throw haloShapeError(request, parsed.error.message.slice(0, 200));
  return parsed.data;
}

export const listTicketTypes = (halo: Halo) =>
  lookup(halo, { method: "GET", path: "/api/TicketType" }, bareArray(TicketTypeRecord));

export const listStatuses = (halo: Halo, ticketTypeId?: number) =>
  lookup(
    halo,
    { method: "GET", path: "/api/Status", query: { tickettype_id: ticketTypeId } },
    bareArray(StatusRecord),
  );

export const listFieldInfo = (halo: Halo) =>
  lookup(halo, { method: "GET", path: "/api/FieldInfo" }, bareArray(FieldInfoRecord, "FieldInfo"));
