import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * The D1 schema. One file so the whole data model reads in one place; `npm run db:generate`
 * turns changes into flat SQL migrations under migrations/ (drizzle-kit 0.31 keeps them flat,
 * which is what `wrangler d1 migrations apply` and the test runner read).
 */

const createdAt = () =>
  text("created_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`);

/** API keys: only a SHA-256 hash of the secret is kept; the prefix lets operators tell keys apart. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    hash: text("hash").notNull(),
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    createdAt: createdAt(),
    lastUsedAt: text("last_used_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_hash_idx").on(t.hash)],
);

/** The integration configuration as a versioned document; the highest version is current. */
export const configVersions = sqliteTable("config_versions", {
  version: integer("version").primaryKey(),
  document: text("document", { mode: "json" }).notNull(),
  changedBy: text("changed_by").notNull(),
  createdAt: createdAt(),
});

/** Every decision the service takes, with the rule that decided it. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: text("at").notNull(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    entity: text("entity").notNull(),
    entityId: text("entity_id"),
    leadId: text("lead_id"),
    rule: text("rule"),
    detail: text("detail", { mode: "json" }),
    requestId: text("request_id"),
  },
  (t) => [index("audit_lead_idx").on(t.leadId, t.id), index("audit_entity_idx").on(t.entity, t.id)],
);

/** Errors worth an operator's attention (upstream failures, parked records). */
export const errorLog = sqliteTable(
  "error_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: text("at").notNull(),
    level: text("level").notNull(),
    code: text("code").notNull(),
    message: text("message").notNull(),
    source: text("source"),
    requestId: text("request_id"),
    detail: text("detail", { mode: "json" }),
  },
  (t) => [index("error_at_idx").on(t.at)],
);

/** IETF Idempotency-Key records: a replayable response per (key, principal). */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    key: text("key").notNull(),
    principal: text("principal").notNull(),
    route: text("route").notNull(),
    bodyHash: text("body_hash").notNull(),
    status: integer("status"),
    response: text("response"),
    state: text("state").notNull(),
    createdAt: createdAt(),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [uniqueIndex("idem_key_idx").on(t.principal, t.key)],
);
