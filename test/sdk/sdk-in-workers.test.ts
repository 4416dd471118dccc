import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  HaloIntegration,
  NotFoundError,
  ValidationError,
  verifyWebhook,
} from "../../sdk/ts/src/index";
import { tenantApp } from "../helpers/tenant-app";

// The TypeScript SDK inside workerd: it needs nothing but fetch, WebCrypto and web streams, so
// a Worker can call LeadBridge with it. The service is reached through its own fetch handler.
let client: HaloIntegration;

beforeAll(async () => {
  const { key } = await tenantApp("sdk-workers");
  client = new HaloIntegration({
    apiKey: key,
    baseUrl: "http://localhost/api/v1",
    fetch: (input, init) => exports.default.fetch(new Request(input, init)),
  });
});

describe("the TypeScript SDK in the Workers runtime", () => {
  it("syncs a lead, and types a validation error and the convert 404", async () => {
    const result = await client.leads.sync({
      first_name: "Wendy",
      last_name: "Worker",
      email: "wendy@workers-sdk.example",
      company: "Workers Sdk",
      source: "apollo",
    });
    expect(result.action).toBe("created");
    await expect(client.leads.sync({ source: "generic", email: "nope" })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      client.prospects.convert("ld_00000000000000000000000000", {
        qualification_data: { fit_score: 85 },
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("uploads a CSV stream and verifies a webhook with WebCrypto", async () => {
    const body = new Blob(["email,first_name,last_name\nw2@workers-sdk.example,Will,Worker\n"]);
    const accepted = await client.leads.uploadCsv(body.stream(), { source: "generic" });
    expect(accepted.total).toBe(1);
    const verified = await verifyWebhook(
      '{"test": 2432232314}',
      {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
      },
      "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      { now: new Date(1614265330 * 1000) },
    );
    expect(verified).toEqual({ test: 2432232314 });
  });
});
