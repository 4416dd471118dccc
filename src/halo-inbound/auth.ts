import { digestsEqual, hashSecret } from "../auth/api-key";

/**
 * How HaloPSA can authenticate its outgoing webhooks: no HMAC exists, only None or Basic auth
 * (halopsa-api.md §5), so the receiver takes Basic auth with a password that is a Worker secret
 * (`HALO_WEBHOOK_PASSWORD`) and the username `HALO_WEBHOOK_USERNAME`, plus — when
 * `HALO_WEBHOOK_PATH_TOKEN` is set — an unguessable path segment as a second factor.
 * Every part is compared as a SHA-256 digest in constant time, and every part is always
 * compared, so neither the timing nor the answer tells which part was wrong.
 */
export interface ReceiverSecrets {
  username: string;
  password: string;
  pathToken: string;
}

export function receiverSecrets(env: Env): ReceiverSecrets {
  // Unset secrets are absent at run time whatever the generated types say.
  const read = (v: string | undefined) => (typeof v === "string" ? v.trim() : "");
  return {
    username: read(env.HALO_WEBHOOK_USERNAME),
    password: read(env.HALO_WEBHOOK_PASSWORD),
    pathToken: read(env.HALO_WEBHOOK_PATH_TOKEN),
  };
}

/** Without a password the receiver is off: an open endpoint would let anyone mark people DNC. */
export const receiverConfigured = (s: ReceiverSecrets) => s.password !== "" && s.username !== "";

function basicCredentials(header: string | undefined): { user: string; pass: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]{1,1024})$/i.exec(header?.trim() ?? "");
  if (!m?.[1]) return null;
  let decoded: string;
  try {
    decoded = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(
      Uint8Array.from(atob(m[1]), (ch) => ch.charCodeAt(0)),
    );
  } catch {
    return null;
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
}

async function sameSecret(presented: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([hashSecret(presented), hashSecret(expected)]);
  return digestsEqual(a, b);
}

/** True only for the configured username, password and (when one is set) path token. */
export async function authenticateHalo(
  secrets: ReceiverSecrets,
  authorization: string | undefined,
  pathToken: string | undefined,
): Promise<boolean> {
  const creds = basicCredentials(authorization);
  const checks = await Promise.all([
    sameSecret(creds?.user ?? "", secrets.username),
    sameSecret(creds?.pass ?? "", secrets.password),
    sameSecret(pathToken ?? "", secrets.pathToken),
  ]);
  return receiverConfigured(secrets) && creds !== null && checks.every(Boolean);
}
