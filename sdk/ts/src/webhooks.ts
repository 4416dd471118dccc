/**
 * Standard Webhooks (https://www.standardwebhooks.com) verification with WebCrypto only, so it
 * runs in Node 20+, browsers and Workers. The signed content is `${id}.${timestamp}.${body}`,
 * HMAC-SHA256 with the base64 key after the `whsec_` prefix; `webhook-signature` holds one or
 * more space-separated `v1,<base64>` entries (several during a secret rotation).
 */

export class WebhookVerificationError extends Error {
  override name = "WebhookVerificationError";
}

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyOptions {
  /** Largest accepted clock difference, in seconds (default 300, the spec's advice). */
  toleranceSeconds?: number;
  /** The current time, for tests. */
  now?: Date;
}

function header(headers: WebhookHeaders, name: string): string | null {
  if (headers instanceof Headers) return headers.get(name);
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== wanted || v === undefined) continue;
    return Array.isArray(v) ? (v[0] ?? null) : v;
  }
  return null;
}

function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function bytesToBase64(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

async function sign(secret: string, content: string): Promise<string> {
  const raw = secret.startsWith("whsec_") ? secret.slice(6) : secret;
  let keyBytes: Uint8Array<ArrayBuffer>;
  try {
    keyBytes = base64ToBytes(raw);
  } catch {
    throw new WebhookVerificationError("The webhook secret is not base64 (expected whsec_…)");
  }
  const key = await crypto.subtle.importKey(
    "raw",
    keyBytes,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(content));
  return bytesToBase64(new Uint8Array(mac));
}

function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Checks a delivery's signature and age, then returns its parsed JSON body. `payload` must be
 * the raw body text exactly as received (not re-serialised JSON).
 */
export async function verifyWebhook<T = unknown>(
  payload: string,
  headers: WebhookHeaders,
  secret: string,
  options: VerifyOptions = {},
): Promise<T> {
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (!id || !timestamp || !signatures) {
    throw new WebhookVerificationError(
      "Missing webhook-id, webhook-timestamp or webhook-signature",
    );
  }
  const sentAt = Number(timestamp);
  if (!Number.isInteger(sentAt)) throw new WebhookVerificationError("Invalid webhook-timestamp");
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const tolerance = options.toleranceSeconds ?? 300;
  if (now - sentAt > tolerance) throw new WebhookVerificationError("Message timestamp too old");
  if (sentAt - now > tolerance) throw new WebhookVerificationError("Message timestamp too new");

  const expected = await sign(secret, `${id}.${timestamp}.${payload}`);
  const ok = signatures.split(" ").some((entry) => {
    const [version, sig] = entry.split(",", 2);
    return version === "v1" && sig !== undefined && timingSafeEqual(sig, expected);
  });
  if (!ok) throw new WebhookVerificationError("No matching signature found");
  return JSON.parse(payload) as T;
}

/** Signs a payload the way LeadBridge does; for tests and for local receivers. */
export async function signWebhook(
  payload: string,
  secret: string,
  id: string,
  timestamp: Date = new Date(),
): Promise<Record<"webhook-id" | "webhook-timestamp" | "webhook-signature", string>> {
  const ts = String(Math.floor(timestamp.getTime() / 1000));
  return {
    "webhook-id": id,
    "webhook-timestamp": ts,
    "webhook-signature": `v1,${await sign(secret, `${id}.${ts}.${payload}`)}`,
  };
}
