import { z } from "zod";

/**
 * One chunk of an import job on the jobs queue. It carries only ids: the chunk's leads are in
 * D1 (job_items), which keeps every message far below Queues' 128 KB limit whatever the
 * records weigh.
 */
export const ImportChunkMessage = z.object({
  type: z.literal("import.chunk"),
  job_id: z.string(),
  chunk: z.number().int().min(0),
});
export type ImportChunkMessage = z.infer<typeof ImportChunkMessage>;
