import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Two projects: the service, tested inside workerd with its real bindings (D1, Queues, Durable
// Objects), and the HaloPSA sandbox, tested the same way against its own wrangler config.
// No network at test time: miniflare must not download its `Request.cf` sample object.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";

const TEST_SECRETS = {
  HALO_CLIENT_SECRET: "sandbox-secret-change-me",
  APOLLO_API_KEY: "test-apollo-key",
  ZOOMINFO_API_KEY: "test-zoominfo-key",
  HUNTER_API_KEY: "test-hunter-key",
  // base64 of 32 fixed bytes: webhook secrets are sealed with it (src/security/secret-box.ts).
  WEBHOOK_SECRETS_KEY: "dGVzdC1vbmx5LXdlYmhvb2stc2VjcmV0cy1rZXktMzI=",
  HALO_WEBHOOK_PASSWORD: "test-halo-webhook-password",
  HALO_WEBHOOK_PATH_TOKEN: "test-path-token-4f9c2e7a1b",
};

/** A port nothing listens on now, for the HaloPSA sandbox the app's tests talk to. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  // The app's tests reach HaloPSA the production way, over HTTP, against a real sandbox process
  // (test/setup/sandbox-server.ts starts it on this port). Set once: the config may load twice.
  process.env.SANDBOX_TEST_PORT ??= String(await freePort());
  const sandboxUrl = `http://127.0.0.1:${process.env.SANDBOX_TEST_PORT}`;
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.jsonc" },
              miniflare: {
                // Fixed test values, so a developer's .dev.vars cannot change what tests see.
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  ...TEST_SECRETS,
                  HALO_BASE_URL: sandboxUrl,
                  // The sandbox is plain http on loopback: the URL guard's dev flag.
                  ALLOW_LOCAL_HTTP: "true",
                  SANDBOX_URL: sandboxUrl,
                  // test/fuzz: `npm run fuzz -- --runs N --seed S` sets these.
                  FUZZ_RUNS: process.env.FUZZ_RUNS ?? "",
                  FUZZ_SEED: process.env.FUZZ_SEED ?? "",
                },
                // Test-only: lets tests drive the queue and scheduled handlers end to end.
                compatibilityFlags: ["service_binding_extra_handlers"],
              },
            }),
          ],
          test: {
            name: "app",
            include: ["test/**/*.test.ts"],
            // The dashboard's browser test runs in Node (its own project below).
            exclude: ["test/browser/**", "**/node_modules/**"],
            // Correctness tests, not timing ones: on a 2-core CI machine a file's first request
            // (a cold isolate, a new sandbox tenant) can take longer than vitest's 5 s default.
            testTimeout: 30_000,
            hookTimeout: 60_000,
            setupFiles: ["./test/setup/apply-migrations.ts"],
            globalSetup: ["./test/setup/sandbox-server.ts"],
          },
        },
        ...(existsSync("./sandbox/vitest.config.ts") ? ["./sandbox/vitest.config.ts"] : []),
        {
          // The SDKs and the CLI, in Node, against a real stack (two `wrangler dev` processes
          // started once by the global setup): they talk HTTP to the service as users do.
          test: {
            name: "sdk",
            include: ["sdk/ts/test/**/*.test.ts"],
            environment: "node",
            testTimeout: 120_000,
            hookTimeout: 180_000,
            globalSetup: ["./sdk/ts/test/setup/stack.ts"],
          },
        },
        {
          // The dashboard in headless Chromium (Debian's package, driven by playwright-core)
          // against a real stack loaded with `npm start`'s demo data.
          test: {
            name: "browser",
            include: ["test/browser/**/*.test.ts"],
            environment: "node",
            testTimeout: 60_000,
            hookTimeout: 240_000,
            globalSetup: ["./test/browser/stack.ts"],
          },
        },
      ],
    },
  };
});
