import { defineConfig } from "drizzle-kit";

// Generates flat SQL files (migrations/0000_*.sql), the layout both `wrangler d1 migrations
// apply` and the test runner's readD1Migrations read. Never `drizzle-kit push` against D1.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./migrations",
});
