// Vitest global setup (Node side) for the app project: starts the HaloPSA sandbox Worker on the
// port vitest.config.ts chose, so the app's tests reach it over HTTP the way production reaches
// HaloPSA, and stops it when the run ends. Offline: wrangler must never reach the internet.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { unstable_startWorker } from "wrangler";

const OFFLINE_ENV = {
  WRANGLER_SEND_METRICS: "false",
  DO_NOT_TRACK: "1",
  WRANGLER_HIDE_BANNER: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

export default async function setup(): Promise<() => Promise<void>> {
  Object.assign(process.env, OFFLINE_ENV);
  const port = Number(process.env.SANDBOX_TEST_PORT);
  if (!Number.isInteger(port) || port <= 0) {
    throw new Error("SANDBOX_TEST_PORT is not set; vitest.config.ts should choose it");
  }
  // A throwaway state directory, so test tenants never mix with `npm start`'s sandbox data.
  const persist = mkdtempSync(path.join(tmpdir(), "leadbridge-sandbox-"));
  const worker = await unstable_startWorker({
    config: path.join(import.meta.dirname, "../../sandbox/wrangler.jsonc"),
    dev: {
      server: { hostname: "127.0.0.1", port },
      inspector: false,
      watch: false,
      persist,
      logLevel: "warn",
    },
  });
  await worker.ready;
  return async () => {
    await worker.dispose();
    rmSync(persist, { recursive: true, force: true });
  };
}
