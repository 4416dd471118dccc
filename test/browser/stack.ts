import { existsSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { startStack } from "../../bench/stack.mjs";
import { runDemo } from "../../scripts/lib/demo.mjs";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

declare module "vitest" {
  export interface ProvidedContext {
    browserStack: { base: string; key: string };
  }
}

/** The sandbox's provider keys (sandbox/src/providers/common.ts), so the demo's syncs run. */
const PROVIDER_KEYS = {
  APOLLO_API_KEY: "sandbox-apollo-key",
  ZOOMINFO_API_KEY: "sandbox-zoominfo-key",
  HUNTER_API_KEY: "sandbox-hunter-key",
};

/**
 * A throwaway LeadBridge + HaloPSA sandbox pair with `npm start`'s demo data, for the dashboard's
 * browser test. Chromium is checked first: without it the test fails at once, with the fix.
 */
export default async function setup(project: TestProject) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The dashboard's browser test needs Chromium at ${CHROMIUM} (or set CHROMIUM_PATH): ` +
        "install it with `apt-get install -y chromium` (README, quick start prerequisites).",
    );
  }
  const tenant = `browser-${Date.now().toString(36)}`;
  const stack = await startStack({ tenant, vars: PROVIDER_KEYS });
  const base = stack.api.replace(/\/api\/v1$/, "");
  // The demo's imports, not HaloPSA's throttle, are under test: a roomy window.
  const knobs = await fetch(`${stack.sandboxUrl}/t/${tenant}/_sandbox/knobs`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ rate_limit: 2000, rate_window_seconds: 2 }),
  });
  if (!knobs.ok) throw new Error(`sandbox knobs: ${knobs.status} ${await knobs.text()}`);
  const config = await fetch(`${stack.api}/config`, {
    method: "PUT",
    headers: { authorization: `Bearer ${stack.key}`, "content-type": "application/json" },
    body: JSON.stringify({ halopsa: { rate_limit: { requests: 2000, window_seconds: 2 } } }),
  });
  if (!config.ok) throw new Error(`config: ${config.status} ${await config.text()}`);
  await runDemo({ base, key: stack.key });
  project.provide("browserStack", { base, key: stack.key });
  return async () => {
    stack.stop();
    // Let wrangler shut its workerd and esbuild down before vitest exits, or esbuild, orphaned
    // mid-shutdown, prints a goroutine dump (as sdk/ts/test/setup/stack.ts does).
    const deadline = Date.now() + 10_000;
    for (const url of [`${stack.api}/health`, `${stack.sandboxUrl}/_sandbox/stats`]) {
      while (
        Date.now() < deadline &&
        (await fetch(url).then(
          () => true,
          () => false,
        ))
      ) {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await new Promise((r) => setTimeout(r, 2000));
  };
}
