import { existsSync } from "node:fs";
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
};

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.jsonc" },
              miniflare: {
                // Fixed test values, so a developer's .dev.vars cannot change what tests see.
                bindings: { TEST_MIGRATIONS: migrations, ...TEST_SECRETS },
                // Test-only: lets tests drive the queue and scheduled handlers end to end.
                compatibilityFlags: ["service_binding_extra_handlers"],
              },
            }),
          ],
          test: {
            name: "app",
            include: ["test/**/*.test.ts"],
            setupFiles: ["./test/setup/apply-migrations.ts"],
          },
        },
        ...(existsSync("./sandbox/vitest.config.ts") ? ["./sandbox/vitest.config.ts"] : []),
      ],
    },
  };
});
