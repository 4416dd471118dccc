import { z } from "zod";

/**
 * Messages on the jobs queue, validated on receipt like any other boundary. A chunk message
 * carries only ids: its leads' inputs are in D1 (job_items), which keeps every message far
 * below Queues' 128 KB limit whatever the records weigh.
 */
export const ImportChunkMessage = z.object({
  type: z.literal("import.chunk"),
  job_id: z.string(),
  chunk: z.number().int().min(0),
});

export const ProviderSyncMessage = z.object({
  type: z.literal("provider.sync"),
  provider: z.enum(["apollo", "zoominfo", "hunter"]),
  search_id: z.string(),
  run_id: z.string(),
});

/** One page of the HaloPSA index run (src/halo-index): clients, sites, users, then tickets. */
export const HaloIndexMessage = z.object({
  type: z.literal("halo.index"),
  run_id: z.string(),
  entity: z.enum(["clients", "sites", "users", "tickets"]),
  /** Tickets are read one lifecycle stage (its ticket type) at a time. */
  stage: z.enum(["lead", "prospect", "opportunity"]).optional(),
  page: z.number().int().min(1),
});
export type HaloIndexMessage = z.infer<typeof HaloIndexMessage>;

export const JobMessage = z.discriminatedUnion("type", [
  ImportChunkMessage,
  ProviderSyncMessage,
  HaloIndexMessage,
]);
export type JobMessage = z.infer<typeof JobMessage>;
