import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import { isSealed, openSecret, sealSecret, secretsKeyProblem } from "../../src/security/secret-box";
import { api } from "../helpers/api";
import { SandboxTenant } from "../helpers/sandbox";
import { tenantApp } from "../helpers/tenant-app";
import { captureDeliveries, deliver, deliveryRows, echoes, echoUrl, subscribe } from "./helpers";

const KEY = env.WEBHOOK_SECRETS_KEY;
const OTHER_KEY = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

let auth: Record<string, string>;
let capture: ReturnType<typeof captureDeliveries>;

beforeAll(async () => {
  ({ auth } = await tenantApp("webhook-secrets"));
});
beforeEach(() => {
  vi.restoreAllMocks();
  capture = captureDeliveries();
});

async function storedSecrets(id: string) {
  return env.DB.prepare("SELECT secret, previous_secret FROM webhook_subscriptions WHERE id = ?")
    .bind(id)
    .first<{ secret: string; previous_secret: string | null }>();
}

describe("secret box", () => {
  it("seals with a fresh IV each time and opens only with the same key and row", async () => {
    const a = await sealSecret(SECRET, "wh_1", KEY);
    const b = await sealSecret(SECRET, "wh_1", KEY);
    expect(isSealed(a)).toBe(true);
    expect(a).not.toBe(b);
    expect(a).not.toContain(SECRET.slice(6));
    expect(await openSecret(a, "wh_1", KEY)).toBe(SECRET);
    await expect(openSecret(a, "wh_2", KEY)).rejects.toThrow();
    await expect(openSecret(a, "wh_1", OTHER_KEY)).rejects.toThrow();
    const tampered = `${a.slice(0, -4)}AAA=`;
    await expect(openSecret(tampered, "wh_1", KEY)).rejects.toThrow();
  });

  it("reads a secret stored in clear before sealing existed as it is", async () => {
    expect(await openSecret(SECRET, "wh_1", KEY)).toBe(SECRET);
  });

  it("names what is wrong with the key", () => {
    expect(secretsKeyProblem(undefined)).toContain("not set");
    expect(secretsKeyProblem(btoa("too short"))).toContain("32 random bytes");
    expect(secretsKeyProblem("not base64!")).toContain("32 random bytes");
    expect(secretsKeyProblem(KEY)).toBeNull();
  });
});

describe("webhook secrets at rest", () => {
  it("keeps only sealed secrets in D1, and deliveries still verify with the shown secret", async () => {
    const echo = new SandboxTenant("echo-sealed");
    const sub = await subscribe(auth, { url: echoUrl(echo), events: ["ping"] });
    const row = await storedSecrets(sub.id);
    expect(row?.secret.startsWith("enc:v1:")).toBe(true);
    expect(row?.secret).not.toContain(sub.secret.slice(6));

    const rotated = await api<{ secret: string }>(`/webhooks/${sub.id}/rotate-secret`, {
      method: "POST",
      headers: auth,
      json: { overlap_seconds: 3600 },
    });
    expect(rotated.status).toBe(200);
    const after = await storedSecrets(sub.id);
    expect(after?.secret.startsWith("enc:v1:")).toBe(true);
    expect(after?.previous_secret).toBe(row?.secret);

    const test = await api<{ delivery_id: string }>(`/webhooks/${sub.id}/test`, {
      method: "POST",
      headers: auth,
    });
    expect(test.status).toBe(202);
    await deliver(capture.take());
    const [received] = await echoes(echo);
    if (!received) throw new Error("nothing delivered");
    // Both the new and the previous secret sign during the overlap.
    expect(new Webhook(rotated.body.secret).verify(received.raw, received.headers)).toBeTruthy();
    expect(new Webhook(sub.secret).verify(received.raw, received.headers)).toBeTruthy();
  });

  it("sends nothing unsigned when the key cannot open the secret, and retries", async () => {
    const echo = new SandboxTenant("echo-wrong-key");
    const sub = await subscribe(auth, { url: echoUrl(echo), events: ["ping"] });
    await api(`/webhooks/${sub.id}/test`, { method: "POST", headers: auth });
    const result = await deliver(capture.take(), {
      env: { ...env, WEBHOOK_SECRETS_KEY: OTHER_KEY },
    });
    expect(result.retryDelays).toEqual([5]);
    expect(await echoes(echo)).toHaveLength(0);
    const [delivery] = await deliveryRows(sub.id);
    expect(delivery).toMatchObject({ status: "pending", attempts: 1 });
    expect(delivery?.last_error).toContain("signing secret unavailable");
    expect(delivery?.last_error).not.toContain(OTHER_KEY);
  });

  it("refuses to store a secret without a key: 503 naming WEBHOOK_SECRETS_KEY", async () => {
    const res = await createApp().request(
      "/api/v1/webhooks",
      {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ url: "https://hooks.example.com/x", events: ["ping"] }),
      },
      { ...env, WEBHOOK_SECRETS_KEY: "" },
      createExecutionContext(),
    );
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { code: string; details: { field: string } } };
    expect(body.error.code).toBe("SERVICE_UNAVAILABLE");
    expect(body.error.details.field).toBe("WEBHOOK_SECRETS_KEY");
  });
});
