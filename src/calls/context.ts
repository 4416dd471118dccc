import type { IntegrationConfig } from "../config/schema";
import type { Db } from "../db/client";

/** What logging a call needs; `now` is fixed so the call, its audit and its rules agree. */
export interface CallContext {
  env: Env;
  db: Db;
  config: IntegrationConfig;
  now: Date;
  actor: string;
  requestId: string | null;
}
