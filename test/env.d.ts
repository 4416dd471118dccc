declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    /** The HaloPSA sandbox started by test/setup/sandbox-server.ts (origin, no tenant). */
    SANDBOX_URL: string;
    /** test/fuzz: requests to send (`npm run fuzz -- --runs N`) and the generator's seed. */
    FUZZ_RUNS: string;
    FUZZ_SEED: string;
  }
}
