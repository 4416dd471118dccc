import type { IntegrationConfig } from "../config/schema";
import { type Db, database } from "../db/client";
import { loadConfig } from "../db/config-repo";
import { haloPort } from "./halo-adapter";
import type { HaloPort } from "./halo-port";
import type { ImportOptions } from "./options";

/** How long a run's leases last and which clock they read (claims.ts). */
export interface LeaseSettings {
  ttlMs: number;
  clock: () => number;
}

/** Everything one import run needs; `now` is fixed per run so every record agrees on time. */
export interface ImportContext {
  db: Db;
  /** Absent for a dry run (`/validate/leads`): nothing is written anywhere. */
  halo: HaloPort | null;
  config: IntegrationConfig;
  now: Date;
  actor: string;
  requestId: string | null;
  options: ImportOptions;
  /** Lease length and clock for the run's claims; tests shorten or move them. */
  leases?: LeaseSettings;
}

export interface ImportContextParams {
  /** Who the audit log names: an API key id, `job:<id>`… */
  actor: string;
  requestId: string | null;
  options: ImportOptions;
  /** A dry run reads D1 but has no HaloPSA port, so nothing is written anywhere. */
  dryRun: boolean;
  /** How long a HaloPSA call may wait for HaloGate's window before it is refused as throttled. */
  maxWaitMs?: number;
  /** The caller's config when it already has one; loaded from D1 otherwise. */
  config?: IntegrationConfig;
  now?: Date;
}

/**
 * The one way to build an import context — for `POST /sync/leads`, `POST /validate/leads`,
 * bulk chunks and provider-sync jobs alike. It knows nothing of HTTP: callers pass who acts and
 * under which request id.
 */
export async function importContext(env: Env, params: ImportContextParams): Promise<ImportContext> {
  const db = database(env.DB);
  const config = params.config ?? (await loadConfig(db)).config;
  return {
    db,
    halo: params.dryRun ? null : haloPort(env, config, { maxWaitMs: params.maxWaitMs ?? 0 }),
    config,
    now: params.now ?? new Date(),
    actor: params.actor,
    requestId: params.requestId,
    options: params.options,
  };
}
