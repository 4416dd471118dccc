import { z } from "zod";
import { INDEX_ENTITIES } from "../db/schema";

/** One page of the HaloPSA index run: clients, sites, users, then tickets. */
export const HaloIndexMessage = z.object({
  type: z.literal("halo.index"),
  run_id: z.string(),
  entity: z.enum(INDEX_ENTITIES),
  /** Tickets are read one lifecycle stage (its ticket type) at a time. */
  stage: z.enum(["lead", "prospect", "opportunity"]).optional(),
  page: z.number().int().min(1),
});
export type HaloIndexMessage = z.infer<typeof HaloIndexMessage>;
