// The layer rules of docs/architecture.md ("Layers"), checked by `npm run check:deps` (part of
// `npm test`). Imports go downward only:
//
//   entry     src/index.ts, src/app.ts, src/routes, src/http, src/middleware,
//             src/jobs/{consumer,cron,messages}.ts
//   features  src/sync, src/halo-index, src/jobs (import jobs), src/config-check, src/dnc,
//             src/webhooks (outbound delivery), src/lifecycle (status transitions),
//             src/calls (call records), src/automation (workflow automation rules),
//             src/halo-inbound (HaloPSA webhooks)
//   pipeline  src/pipeline
//   adapters  src/db, src/halo, src/providers   (never each other)
//   domain    src/domain
//   base      src/errors.ts, src/ids.ts, src/config, src/auth, src/security
//
// A rule names what a layer must NOT import; everything else is allowed.

const ENTRY =
  "^src/(index\\.ts|app\\.ts|routes/|http/|middleware/|jobs/(consumer|cron|messages)\\.ts)";
const FEATURES =
  "^src/(sync|halo-index|jobs|config-check|webhooks|dnc|lifecycle|calls|automation|halo-inbound)/";
const PIPELINE = "^src/pipeline/";
const ADAPTERS = "^src/(db|halo|providers)/";
const DOMAIN = "^src/domain/";
const BASE = "^src/(errors\\.ts|ids\\.ts|config/|auth/|security/)";

/** One forbidden import: what `from` must not import (`to`), and why. */
const forbid = (name, comment, from, to) => ({ name, severity: "error", comment, from, to });

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    forbid(
      "no-circular",
      "A cycle makes two modules one layer: split what they share into a lower module.",
      {},
      { circular: true },
    ),
    forbid(
      "base-imports-nothing-above",
      "errors, ids, the config schema and principals are the floor everything stands on.",
      { path: BASE },
      { path: "^src/", pathNot: BASE },
    ),
    forbid(
      "domain-is-pure",
      "The domain is pure logic: only other domain modules, the config's types, zod and " +
        "libphonenumber. No I/O, no framework, no database.",
      { path: DOMAIN },
      { path: "^src/", pathNot: [DOMAIN, "^src/config/"] },
    ),
    forbid(
      "domain-reads-config-types-only",
      "The domain takes config values as arguments; it may name their types only.",
      { path: DOMAIN },
      { path: "^src/config/", dependencyTypesNot: ["type-only"] },
    ),
    forbid(
      "domain-npm-packages",
      "The domain may use zod and libphonenumber-js, nothing else from npm.",
      { path: DOMAIN },
      { dependencyTypes: ["npm"], pathNot: "node_modules/(zod|libphonenumber-js)/" },
    ),
    forbid(
      "adapters-stay-below-the-pipeline",
      "db, the HaloPSA client and the provider adapters know nothing of who calls them.",
      { path: ADAPTERS },
      { path: [PIPELINE, FEATURES, ENTRY] },
    ),
    forbid(
      "halo-client-is-independent",
      "The HaloPSA client takes config and settings as parameters; it never reads D1.",
      { path: "^src/halo/" },
      { path: "^src/(db|providers)/" },
    ),
    forbid(
      "provider-adapters-are-independent",
      "Provider adapters (schemas, normalisers, clients, pacing) are pure of storage and of " +
        "HaloPSA; orchestration lives in src/sync.",
      { path: "^src/providers/" },
      { path: "^src/(db|halo)/" },
    ),
    forbid(
      "db-is-storage-only",
      "Repositories map rows; they do not call HaloPSA or providers.",
      { path: "^src/db/" },
      { path: "^src/(halo|providers)/" },
    ),
    forbid(
      "pipeline-stays-below-features",
      "The import path serves every feature; it calls none.",
      { path: PIPELINE },
      { path: [FEATURES, ENTRY] },
    ),
    forbid(
      "features-stay-below-entry-points",
      "Features are called by routes, the queue consumer and the cron, never the reverse.",
      { path: FEATURES, pathNot: ENTRY },
      { path: ENTRY },
    ),
    forbid(
      "features-do-not-know-each-other",
      "The HaloPSA index and import jobs are independent features; provider syncs use import " +
        "jobs (they create one per page) and nothing else of another feature.",
      { path: "^src/(halo-index|jobs|halo-inbound)/", pathNot: ENTRY },
      { path: "^src/(sync|halo-index|jobs|halo-inbound)/", pathNot: ["$1", ENTRY] },
    ),
    forbid(
      "sync-uses-import-jobs-only",
      "Provider syncs hand what they find to import jobs.",
      { path: "^src/sync/" },
      { path: "^src/halo-index/" },
    ),
    forbid(
      "hono-only-at-the-edge",
      "Hono belongs to the HTTP edge; below it the code runs the same from a route, a queue " +
        "message or the cron. The config schema uses @hono/zod-openapi's zod for its OpenAPI " +
        "metadata only.",
      { path: "^src/", pathNot: [ENTRY, "^src/config/schema\\.ts$"] },
      { path: "node_modules/(hono|@hono)/" },
    ),
    forbid(
      "drizzle-only-in-db",
      "Data access lives in src/db repositories.",
      { path: "^src/", pathNot: "^src/db/" },
      { path: "node_modules/drizzle-orm/" },
    ),
    forbid(
      "service-and-sandbox-stay-apart",
      "The sandbox is never deployed with the service, and simulates HaloPSA on its own.",
      { path: "^src/" },
      { path: "^sandbox/" },
    ),
    forbid(
      "sandbox-does-not-borrow-the-service",
      "The simulator must not share the code it tests.",
      { path: "^sandbox/" },
      { path: "^src/" },
    ),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "worker-configuration\\.d\\.ts$" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
  },
};
