import { z } from "zod";

/**
 * "Work through the pending Do-Not-Contact pushes" (src/dnc/propagate.ts). The message names no
 * suppression: the pending rows in `suppression_propagations` are the outbox, so one run takes
 * every push waiting (up to its batch size) and a duplicate message finds nothing to do.
 */
export const DncPropagateMessage = z.object({ type: z.literal("dnc.propagate") }).strict();
export type DncPropagateMessage = z.infer<typeof DncPropagateMessage>;
