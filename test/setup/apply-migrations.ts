import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Storage is per test file; applying is idempotent, so every file starts with the schema.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
