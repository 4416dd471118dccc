import type { IntegrationConfig } from "../config/schema";
import { type Db, database } from "../db/client";
import { loadConfig } from "../db/config-repo";
import type { LeaseSettings } from "../pipeline/context";
import { type LifecyclePort, lifecyclePort } from "./port";

/** Everything a batch of transitions needs; `now` is fixed so every record agrees on time. */
export interface LifecycleContext {
  db: Db;
  halo: LifecyclePort;
  config: IntegrationConfig;
  now: Date;
  requestId: string | null;
  /** Lease length and clock (src/pipeline/claims.ts); tests shorten or move them. */
  leases?: LeaseSettings;
}

export interface LifecycleContextParams {
  requestId: string | null;
  /** How long a HaloPSA call may wait for HaloGate's window before it is refused as throttled. */
  maxWaitMs?: number;
  config?: IntegrationConfig;
  now?: Date;
}

/** The one way to build a lifecycle context, from a route, a queue message or the cron. */
export async function lifecycleContext(
  env: Env,
  params: LifecycleContextParams,
): Promise<LifecycleContext> {
  const db = database(env.DB);
  const config = params.config ?? (await loadConfig(db)).config;
  return {
    db,
    halo: lifecyclePort(env, config, { maxWaitMs: params.maxWaitMs ?? 0 }),
    config,
    now: params.now ?? new Date(),
    requestId: params.requestId,
  };
}
