import { database } from "../db/client";
import { recordError } from "../db/error-log-repo";

/** Webhook machinery never throws into its caller: problems land in error_log instead. */
export async function logWebhookError(
  env: Env,
  code: string,
  message: string,
  detail: unknown = null,
): Promise<void> {
  await recordError(database(env.DB), {
    level: "error",
    code,
    message: message.slice(0, 500),
    source: "webhooks",
    detail,
  }).catch(() => undefined);
}
