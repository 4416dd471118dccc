import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../../src/db/client";
import { recordError } from "../../src/db/error-log-repo";
import { mirrorSyncFailures } from "../../src/jobs/error-mirror";
import { api } from "../helpers/api";
import type { SandboxTenant } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";

let tenant: SandboxTenant;
let auth: Record<string, string>;

beforeAll(async () => {
  ({ tenant, auth } = await tenantApp("mirror"));
});

const posts = async () =>
  (await tenant.stats()).requests_by_route["POST /api/integrationerror"] ?? 0;

async function log(level: "error" | "warning", code: string, source: string, at: Date) {
  await recordError(
    database(env.DB),
    { level, code, message: `${code} from ${source}`, source, detail: { job_id: "job_x" } },
    at,
  );
}

describe("mirroring sync failures into HaloPSA's IntegrationError log", () => {
  it("sends nothing while halopsa.mirror_errors is off (the default)", async () => {
    const now = new Date();
    await log("error", "EXTERNAL_API_ERROR", "provider-sync:apollo:default", now);
    const before = await posts();
    expect(await mirrorSyncFailures(env, now)).toBe("off");
    expect(await posts()).toBe(before);
  });

  it("copies new sync failures in one array POST through HaloGate, once", async () => {
    const on = await api("/config", {
      method: "PUT",
      headers: auth,
      json: { halopsa: { mirror_errors: true } },
    });
    expect(on.status).toBe(200);
    const now = new Date();
    await log("error", "DEAD_LETTER", "queue", now);
    // Not sync failures: a warning, a webhook problem, and an error from before the lookback.
    await log("warning", "RATE_LIMIT_EXCEEDED", "provider-sync:hunter:default", now);
    await log("error", "DELIVERY_FAILED", "webhooks", now);
    await log("error", "OLD", "queue", new Date(now.getTime() - 2 * 86_400_000));

    const before = await posts();
    expect(await mirrorSyncFailures(env, now)).toBe("sent");
    expect(await posts()).toBe(before + 1);
    const records = await tenant.listAll("IntegrationError", "errors");
    expect(records.map((r) => r.error).sort()).toEqual([
      "DEAD_LETTER: DEAD_LETTER from queue",
      "EXTERNAL_API_ERROR: EXTERNAL_API_ERROR from provider-sync:apollo:default",
    ]);
    expect(records[0]).toMatchObject({ entity_type: "LeadBridge", entity_name: "job_x" });

    // Already mirrored: the next tick has nothing to send.
    expect(await mirrorSyncFailures(env, new Date())).toBe("idle");
    expect(await posts()).toBe(before + 1);
  });
});
