import type { IntegrationConfig } from "../config/schema";
import type { Db } from "../db/client";
import type { LeaseSettings } from "./claims";
import type { HaloPort } from "./halo-port";
import type { ImportOptions } from "./outcome";

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
