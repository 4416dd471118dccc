import type { TestProject } from "vitest/node";
import { startStack } from "../../../../bench/stack.mjs";

export interface StackInfo {
  api: string;
  key: string;
  sandboxUrl: string;
  tenantUrl: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

/**
 * One throwaway LeadBridge + HaloPSA sandbox pair (real `wrangler dev` processes, their own
 * state) for the SDK, CLI and Python tests: they talk to the service over HTTP as users do.
 */
export default async function setup(project: TestProject) {
  const tenant = `sdk-${Date.now().toString(36)}`;
  const started = Date.now();
  const stack = await startStack({ tenant });
  console.info(`sdk tests: stack up in ${Date.now() - started} ms`);
  const tenantUrl = `${stack.sandboxUrl}/t/${tenant}`;
  // These tests exercise the SDKs, not HaloPSA's throttle: give the sandbox tenant a roomy window.
  const window = { requests: 2000, window_seconds: 2 };
  const knobs = await fetch(`${tenantUrl}/_sandbox/knobs`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      rate_limit: window.requests,
      rate_window_seconds: window.window_seconds,
    }),
  });
  if (!knobs.ok) throw new Error(`sandbox knobs: ${knobs.status} ${await knobs.text()}`);
  const config = await fetch(`${stack.api}/config`, {
    method: "PUT",
    headers: { authorization: `Bearer ${stack.key}`, "content-type": "application/json" },
    body: JSON.stringify({ halopsa: { rate_limit: window } }),
  });
  if (!config.ok) throw new Error(`config: ${config.status} ${await config.text()}`);
  project.provide("stack", {
    api: stack.api,
    key: stack.key,
    sandboxUrl: stack.sandboxUrl,
    tenantUrl,
  });
  return async () => {
    stack.stop();
    // Let wrangler shut its workerd and esbuild down before vitest exits, or esbuild, orphaned
    // mid-shutdown, prints a goroutine dump.
    const deadline = Date.now() + 10_000;
    for (const url of [`${stack.api}/health`, `${stack.sandboxUrl}/_sandbox/stats`]) {
      while (Date.now() < deadline) {
        const up = await fetch(url).then(
          () => true,
          () => false,
        );
        if (!up) break;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await new Promise((r) => setTimeout(r, 2000));
  };
}
