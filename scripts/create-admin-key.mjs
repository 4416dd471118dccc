#!/usr/bin/env node
// `npm run admin-key:create [-- --name NAME] [-- --local]`: issues the first admin API key of a
// deployment. API keys are only ever created by an admin key (POST /api/v1/keys), so the first
// one is written straight into the production D1 database (`wrangler d1 execute --remote
// --env production`, after `wrangler login`): only its SHA-256 hash is stored, and the key is
// printed once here. `--local` writes to the local database instead (to try it out).
import { generateKey, keyParts, wrangler } from "./lib/dev-env.mjs";

const args = process.argv.slice(2);
const nameAt = args.indexOf("--name");
const name = nameAt >= 0 ? (args[nameAt + 1] ?? "") : "first-admin";
if (!/^[A-Za-z0-9 ._-]{1,100}$/.test(name)) {
  console.error("--name: 1-100 letters, digits, spaces, dots, dashes or underscores");
  process.exit(2);
}
const where = args.includes("--local") ? "--local" : "--remote";

const key = generateKey();
const { id, hash } = keyParts(key);
const sql =
  "INSERT INTO api_keys (id, name, prefix, hash, scopes) VALUES " +
  `('${id}', '${name}', '${key.slice(0, 10)}', '${hash}', '["admin"]')`;
wrangler(["d1", "execute", "leadbridge", where, "--env", "production", "--command", sql], {
  quiet: true,
});
console.log(`Admin key "${name}" created (id ${id}). It is shown only now; store it safely:`);
console.log(key);
