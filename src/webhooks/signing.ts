/**
 * Standard Webhooks v1 signatures (HMAC-SHA256 over `{id}.{timestamp}.{body}`, base64), with
 * WebCrypto. Secrets are `whsec_` + base64 of 24–64 random bytes; the HMAC key is the decoded
 * bytes (not the string — Stripe's convention differs, and mixing them up is a classic bug).
 */
const PREFIX = "whsec_";
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(text: string): Uint8Array | null {
  try {
    const s = atob(text);
    return Uint8Array.from(s, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** A new endpoint secret: 32 random bytes. */
export function generateSecret(): string {
  return PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(32)));
}

/** The HMAC key of a secret, or null when it is not `whsec_` + base64 of 24–64 bytes. */
export function secretKeyBytes(secret: string): Uint8Array | null {
  const body = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return null;
  const bytes = fromBase64(body);
  if (!bytes || bytes.length < MIN_KEY_BYTES || bytes.length > MAX_KEY_BYTES) return null;
  return bytes;
}

export function isValidSecret(secret: string): boolean {
  return secret.startsWith(PREFIX) && secretKeyBytes(secret) !== null;
}

/** `v1,<base64 HMAC-SHA256(id.timestamp.body)>` for one secret. */
export async function sign(
  secret: string,
  msgId: string,
  timestamp: number,
  body: string,
): Promise<string> {
  const raw = secretKeyBytes(secret);
  if (!raw) throw new Error("invalid webhook secret");
  const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const mac = await crypto.subtle.sign(
    "HMAC",
    key,
    new TextEncoder().encode(`${msgId}.${timestamp}.${body}`),
  );
  return `v1,${toBase64(new Uint8Array(mac))}`;
}

/**
 * The three Standard Webhooks headers. Several secrets (a rotation's new and old) give a
 * space-separated signature list, so a receiver holding either secret verifies the delivery.
 */
export async function signedHeaders(
  secrets: string[],
  msgId: string,
  timestamp: number,
  body: string,
): Promise<Record<string, string>> {
  const signatures = await Promise.all(secrets.map((s) => sign(s, msgId, timestamp, body)));
  return {
    "webhook-id": msgId,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signatures.join(" "),
  };
}
