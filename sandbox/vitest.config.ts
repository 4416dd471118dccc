import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineProject } from "vitest/config";

export default defineProject({
  plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.jsonc" } })],
  // Cold Durable Objects on a loaded 2-core machine can outlast vitest's 5 s default.
  test: { name: "sandbox", include: ["test/**/*.test.ts"], testTimeout: 30_000 },
});
