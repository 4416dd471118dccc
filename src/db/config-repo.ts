import { desc } from "drizzle-orm";
import { withoutRetiredSettings } from "../config/retired";
import { ConfigSchema, type IntegrationConfig } from "../config/schema";
import { type AuditEntry, auditStatement } from "./audit";
import type { Db } from "./client";
import { configVersions } from "./schema";

export interface VersionedConfig {
  version: number;
  config: IntegrationConfig;
  updatedAt: string | null;
}

/**
 * The current configuration: the newest stored version, re-parsed so defaults added by later
 * releases fill in (and settings retired since are dropped); version 0 means "never changed,
 * all defaults".
 */
export async function loadConfig(db: Db): Promise<VersionedConfig> {
  const [row] = await db
    .select()
    .from(configVersions)
    .orderBy(desc(configVersions.version))
    .limit(1);
  if (!row) return { version: 0, config: ConfigSchema.parse({}), updatedAt: null };
  return {
    version: row.version,
    config: ConfigSchema.parse(withoutRetiredSettings(row.document)),
    updatedAt: row.createdAt,
  };
}

/**
 * Stores a new version with `audit` in the same batch. A concurrent writer of the same version
 * makes the whole batch fail on the primary key: the loser records neither version nor entry.
 */
export async function saveAuditedConfig(
  db: Db,
  version: number,
  config: IntegrationConfig,
  audit: AuditEntry,
  now: Date,
): Promise<void> {
  await db.batch([
    db.insert(configVersions).values({ version, document: config, changedBy: audit.actor }),
    auditStatement(db, audit, now),
  ]);
}
