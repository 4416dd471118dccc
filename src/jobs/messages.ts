import { z } from "zod";
import { DncPropagateMessage } from "../dnc/message";
import { HaloWebhookMessage } from "../halo-inbound/message";
import { HaloIndexMessage } from "../halo-index/message";
import { ImportChunkMessage } from "./chunk-message";

/**
 * Every message the jobs queue carries, validated on receipt like any other boundary. Each
 * type is declared by the feature that sends it (import jobs: `./chunk-message.ts`; the
 * HaloPSA index: `src/halo-index/message.ts`; DNC pushes: `src/dnc/message.ts`; HaloPSA
 * webhooks: `src/halo-inbound/message.ts`); only the consumer needs the union, so it is
 * assembled here, above the features, and no feature imports another's message.
 */
export const JobMessage = z.discriminatedUnion("type", [
  ImportChunkMessage,
  HaloIndexMessage,
  DncPropagateMessage,
  HaloWebhookMessage,
]);
export type JobMessage = z.infer<typeof JobMessage>;
