import type { Context } from "hono";
import { database } from "../db/client";
import { loadConfig } from "../db/config-repo";
import type { Issue } from "../domain/lead";
import { AppError } from "../errors";
import type { AppEnv } from "../http/types";
import type { ImportContext } from "./context";
import { haloPort } from "./halo-adapter";
import type { ImportOptions, ImportOutcome } from "./outcome";

/** Builds the import context for a request: config, a HaloPSA port (unless a dry run). */
export async function requestImportContext(
  c: Context<AppEnv>,
  options: ImportOptions,
  mode: { dryRun: boolean; maxWaitMs?: number },
): Promise<ImportContext> {
  const db = database(c.env.DB);
  const { config } = await loadConfig(db);
  return {
    db,
    halo: mode.dryRun ? null : haloPort(c.env, config, { maxWaitMs: mode.maxWaitMs ?? 0 }),
    config,
    now: new Date(),
    actor: c.var.principal.keyId,
    requestId: c.var.requestId,
    options,
  };
}

/** A record refused as a whole becomes the API's VALIDATION_ERROR, field path from the body. */
export function rejection(outcomes: ImportOutcome[]): AppError | null {
  if (outcomes.length === 0 || outcomes.some((o) => o.action !== "rejected")) return null;
  const issues: Issue[] = outcomes
    .flatMap((o) => o.issues)
    .map((i) => ({ ...i, field: bodyField(i.field) }));
  const first = issues[0];
  return new AppError(
    "VALIDATION_ERROR",
    first ? `Invalid lead: ${first.field}: ${first.message}` : "Invalid lead",
    { details: { field: first?.field ?? "data", issues } },
  );
}

function bodyField(field: string): string {
  if (field === "source" || field === "data" || field.startsWith("data.")) return field;
  return `data.${field}`;
}
