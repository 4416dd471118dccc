import { env } from "cloudflare:workers";
import { api } from "../helpers/api";
import { type SandboxStats, type SandboxTenant, sleep } from "../helpers/sandbox";

/** The receiver's credentials as the test bindings set them (vitest.config.ts, wrangler.jsonc). */
export const receiverPath = () => `/webhooks/halopsa/t/${env.HALO_WEBHOOK_PATH_TOKEN}`;
export const basic = (user: string, pass: string) => `Basic ${btoa(`${user}:${pass}`)}`;
export const goodAuth = () => basic(env.HALO_WEBHOOK_USERNAME, env.HALO_WEBHOOK_PASSWORD);

export interface Echo {
  authorization: string | null;
  content_type: string | null;
  raw: string;
  body: unknown;
}

/**
 * Points the sandbox's outgoing HaloPSA webhook at its own echo receiver, with the receiver's
 * Basic credentials. A Worker in the sandbox cannot reach the service under test (it runs inside
 * the test's workerd, with no listening port), so the test forwards what the sandbox sent, byte
 * for byte and with its Authorization header, to the service (`forward`).
 */
export async function fireWebhooksToEcho(
  tenant: SandboxTenant,
  options: { batch: boolean; payload: "full" | "event_only" },
): Promise<void> {
  await tenant.knobs({
    webhook_url: `${tenant.baseUrl}/_sandbox/echo`,
    webhook_username: env.HALO_WEBHOOK_USERNAME,
    webhook_password: env.HALO_WEBHOOK_PASSWORD,
    webhook_batch: options.batch,
    webhook_payload: options.payload,
  });
}

export async function echoes(tenant: SandboxTenant): Promise<Echo[]> {
  const res = await fetch(`${tenant.baseUrl}/_sandbox/echo`);
  return ((await res.json()) as { received: Echo[] }).received;
}

/** Waits until the sandbox has sent (and its echo recorded) more than `after` requests. */
export async function nextEchoes(tenant: SandboxTenant, after: number): Promise<Echo[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const all = await echoes(tenant);
    if (all.length > after) return all.slice(after);
    if (Date.now() > deadline) throw new Error(`no webhook from the sandbox after ${after}`);
    await sleep(100);
  }
}

/** Hands one recorded sandbox delivery to the service's receiver, exactly as it was sent. */
export function forward(echo: Echo, path = receiverPath()) {
  return api<Record<string, unknown>>(path, {
    method: "POST",
    headers: {
      ...(echo.authorization ? { Authorization: echo.authorization } : {}),
      "Content-Type": echo.content_type ?? "application/json",
    },
    body: echo.raw,
  });
}

/** HaloPSA requests per route between two snapshots, routes folded to lower case. */
export function calls(before: SandboxStats, after: SandboxStats, prefix: string): number {
  let n = 0;
  for (const [route, count] of Object.entries(after.requests_by_route)) {
    if (!route.toLowerCase().startsWith(prefix.toLowerCase())) continue;
    n += count - (before.requests_by_route[route] ?? 0);
  }
  return n;
}
