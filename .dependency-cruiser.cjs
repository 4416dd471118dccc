// The layer rules of docs/architecture.md ("Layers"), checked by `npm run check:deps` (part of
// `npm test`). Imports go downward only:
//
//   entry     src/index.ts, src/app.ts, src/routes, src/http, src/middleware,
//             src/jobs/{consumer,cron,messages}.ts
//   features  src/sync, src/halo-index, src/jobs (import jobs)
//   pipeline  src/pipeline
//   adapters  src/db, src/halo, src/providers   (never each other)
//   domain    src/domain
//   base      src/errors.ts, src/ids.ts, src/config, src/auth
//
// A rule names what a layer must NOT import; everything else is allowed.

const ENTRY =
  "^src/(index\\.ts|app\\.ts|routes/|http/|middleware/|jobs/(consumer|cron|messages)\\.ts)";
const FEATURES = "^src/(sync|halo-index|jobs)/";
const PIPELINE = "^src/pipeline/";
const ADAPTERS = "^src/(db|halo|providers)/";
const DOMAIN = "^src/domain/";
const BASE = "^src/(errors\\.ts|ids\\.ts|config/|auth/)";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A cycle makes two modules one layer: split what they share into a lower module.",
      from: {},
      to: { circular: true },
    },
    {
      name: "base-imports-nothing-above",
      severity: "error",
      comment: "errors, ids, the config schema and principals are the floor everything stands on.",
      from: { path: BASE },
      to: { path: "^src/", pathNot: BASE },
    },
    {
      name: "domain-is-pure",
      severity: "error",
      comment:
        "The domain is pure logic: only other domain modules, the config's types, zod and " +
        "libphonenumber. No I/O, no framework, no database.",
      from: { path: DOMAIN },
      to: { path: "^src/", pathNot: [DOMAIN, "^src/config/"] },
    },
    {
      name: "domain-reads-config-types-only",
      severity: "error",
      comment: "The domain takes config values as arguments; it may name their types only.",
      from: { path: DOMAIN },
      to: { path: "^src/config/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "domain-npm-packages",
      severity: "error",
      comment: "The domain may use zod and libphonenumber-js, nothing else from npm.",
      from: { path: DOMAIN },
      to: { dependencyTypes: ["npm"], pathNot: "node_modules/(zod|libphonenumber-js)/" },
    },
    {
      name: "adapters-stay-below-the-pipeline",
      severity: "error",
      comment: "db, the HaloPSA client and the provider adapters know nothing of who calls them.",
      from: { path: ADAPTERS },
      to: { path: [PIPELINE, FEATURES, ENTRY] },
    },
    {
      name: "halo-client-is-independent",
      severity: "error",
      comment: "The HaloPSA client takes config and settings as parameters; it never reads D1.",
      from: { path: "^src/halo/" },
      to: { path: "^src/(db|providers)/" },
    },
    {
      name: "provider-adapters-are-independent",
      severity: "error",
      comment:
        "Provider adapters (schemas, normalisers, clients, pacing) are pure of storage and of " +
        "HaloPSA; orchestration lives in src/sync.",
      from: { path: "^src/providers/" },
      to: { path: "^src/(db|halo)/" },
    },
    {
      name: "db-is-storage-only",
      severity: "error",
      comment: "Repositories map rows; they do not call HaloPSA or providers.",
      from: { path: "^src/db/" },
      to: { path: "^src/(halo|providers)/" },
    },
    {
      name: "pipeline-stays-below-features",
      severity: "error",
      from: { path: PIPELINE },
      to: { path: [FEATURES, ENTRY] },
    },
    {
      name: "features-stay-below-entry-points",
      severity: "error",
      comment: "Features are called by routes, the queue consumer and the cron, never the reverse.",
      from: { path: FEATURES, pathNot: ENTRY },
      to: { path: ENTRY },
    },
    {
      name: "features-do-not-know-each-other",
      severity: "error",
      comment:
        "The HaloPSA index and import jobs are independent features; provider syncs use import " +
        "jobs (they create one per page) and nothing else of another feature.",
      from: { path: "^src/(halo-index|jobs)/", pathNot: ENTRY },
      to: { path: "^src/(sync|halo-index|jobs)/", pathNot: ["$1", ENTRY] },
    },
    {
      name: "sync-uses-import-jobs-only",
      severity: "error",
      from: { path: "^src/sync/" },
      to: { path: "^src/halo-index/" },
    },
    {
      name: "hono-only-at-the-edge",
      severity: "error",
      comment:
        "Hono belongs to the HTTP edge; below it the code runs the same from a route, a queue " +
        "message or the cron. The config schema uses @hono/zod-openapi's zod for its OpenAPI " +
        "metadata only.",
      from: { path: "^src/", pathNot: [ENTRY, "^src/config/schema\\.ts$"] },
      to: { path: "node_modules/(hono|@hono)/" },
    },
    {
      name: "drizzle-only-in-db",
      severity: "error",
      comment:
        "Data access lives in src/db repositories. routes/jobs.ts is the last exception and is " +
        "being moved to the jobs repository (issue 15); remove it from pathNot when it is.",
      from: { path: "^src/", pathNot: ["^src/db/", "^src/routes/jobs\\.ts$"] },
      to: { path: "node_modules/drizzle-orm/" },
    },
    {
      name: "service-and-sandbox-stay-apart",
      severity: "error",
      comment: "The sandbox is never deployed with the service, and simulates HaloPSA on its own.",
      from: { path: "^src/" },
      to: { path: "^sandbox/" },
    },
    {
      name: "sandbox-does-not-borrow-the-service",
      severity: "error",
      from: { path: "^sandbox/" },
      to: { path: "^src/" },
    },
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
