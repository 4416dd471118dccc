import { database } from "../db/client";
import { errorLog } from "../db/schema";

/** Webhook machinery never throws into its caller: problems land in error_log instead. */
export async function logWebhookError(
  env: Env,
  code: string,
  message: string,
  detail: unknown = null,
): Promise<void> {
  await database(env.DB)
    .insert(errorLog)
    .values({
      at: new Date().toISOString(),
      level: "error",
      code,
      message: message.slice(0, 500),
      source: "webhooks",
      detail,
    })
    .catch(() => undefined);
}
