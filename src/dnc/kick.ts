import { database } from "../db/client";
import { hasClaimablePropagations } from "../db/propagations-repo";
import type { DncPropagateMessage } from "./message";

/**
 * Sends one `dnc.propagate` message when a push is waiting: after a suppression is added through
 * the API, after each jobs or control batch (provider opt-outs and HaloPSA webhooks create
 * suppressions there) and from the every-minute cron (whatever a dying Worker left behind).
 */
export async function kickDncPropagation(env: Env, now: Date = new Date()): Promise<boolean> {
  if (!(await hasClaimablePropagations(database(env.DB), now.getTime()))) return false;
  const message: DncPropagateMessage = { type: "dnc.propagate" };
  await env.CONTROL.send(message);
  return true;
}
