/**
 * API key format: `lb_<id>_<secret>`. The id (public, 12 chars) finds the row; the secret is
 * only ever stored as a SHA-256 hash and compared in constant time, so neither a database read
 * nor response timing reveals a usable key.
 */
const ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const KEY_PATTERN = /^lb_([a-z0-9]{12})_([A-Za-z0-9]{40})$/;

function randomString(length: number, alphabet: string): string {
  // Rejection sampling keeps every character equally likely (256 is not a multiple of 62).
  const limit = 256 - (256 % alphabet.length);
  let out = "";
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array(length * 2));
    for (const b of bytes) {
      if (b < limit && out.length < length) out += alphabet[b % alphabet.length];
    }
  }
  return out;
}

export interface GeneratedKey {
  id: string;
  secret: string;
  key: string;
}

export function generateApiKey(): GeneratedKey {
  const id = randomString(12, "abcdefghijklmnopqrstuvwxyz0123456789");
  const secret = randomString(40, ALPHABET);
  return { id, secret, key: `lb_${id}_${secret}` };
}

export function parseApiKey(key: string): { id: string; secret: string } | null {
  const m = KEY_PATTERN.exec(key);
  if (!m?.[1] || !m[2]) return null;
  return { id: m[1], secret: m[2] };
}

export async function hashSecret(secret: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Constant-time comparison of two hex digests of equal length. */
export function digestsEqual(a: string, b: string): boolean {
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  if (ea.byteLength !== eb.byteLength) return false;
  return crypto.subtle.timingSafeEqual(ea, eb);
}
