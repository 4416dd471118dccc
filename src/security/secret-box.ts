/**
 * Webhook signing secrets at rest. HMAC needs the secret itself (a hash, as API keys use, cannot
 * sign), so D1 keeps it sealed with AES-256-GCM under a key that lives only in the Worker's
 * secrets (`WEBHOOK_SECRETS_KEY`, base64 of 32 random bytes). A copy of the database — a backup,
 * an export, a `wrangler d1 execute` — then reveals no secret on its own.
 *
 * The row's id is the additional authenticated data, so a sealed value moved to another row does
 * not open. Values written before sealing existed (`whsec_…` in clear) still open as they are and
 * are sealed on their next rotation.
 */
const PREFIX = "enc:v1:";
const KEY_BYTES = 32;
const IV_BYTES = 12;

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null;
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** Why the configured key cannot be used, or null when it can. */
export function secretsKeyProblem(keyBase64: string | undefined): string | null {
  if (!keyBase64) return "WEBHOOK_SECRETS_KEY is not set";
  const raw = fromBase64(keyBase64.trim());
  if (!raw || raw.length !== KEY_BYTES) {
    return "WEBHOOK_SECRETS_KEY must be base64 of 32 random bytes (openssl rand -base64 32)";
  }
  return null;
}

async function aesKey(keyBase64: string, usage: "encrypt" | "decrypt"): Promise<CryptoKey> {
  const problem = secretsKeyProblem(keyBase64);
  const raw = fromBase64(keyBase64.trim());
  if (problem || !raw) throw new Error(problem ?? "invalid WEBHOOK_SECRETS_KEY");
  return crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, [usage]);
}

export function isSealed(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

/** `enc:v1:<iv>.<ciphertext+tag>`, both base64; `rowId` binds the value to its row. */
export async function sealSecret(plain: string, rowId: string, keyBase64: string): Promise<string> {
  const key = await aesKey(keyBase64, "encrypt");
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(rowId) },
    key,
    new TextEncoder().encode(plain),
  );
  return `${PREFIX}${toBase64(iv)}.${toBase64(new Uint8Array(sealed))}`;
}

/** The clear secret; throws when the value was sealed under another key or for another row. */
export async function openSecret(
  stored: string,
  rowId: string,
  keyBase64: string,
): Promise<string> {
  if (!isSealed(stored)) return stored;
  const [ivText, dataText] = stored.slice(PREFIX.length).split(".");
  const iv = ivText ? fromBase64(ivText) : null;
  const data = dataText ? fromBase64(dataText) : null;
  if (!iv || !data) throw new Error("malformed sealed secret");
  const key = await aesKey(keyBase64, "decrypt");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(rowId) },
    key,
    data,
  );
  return new TextDecoder().decode(plain);
}
