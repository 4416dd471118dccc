import { env } from "cloudflare:workers";
import { generateApiKey, hashSecret } from "../../src/auth/api-key";
import type { Scope } from "../../src/auth/principal";
import { database } from "../../src/db/client";
import { insertKey } from "../../src/db/keys-repo";

/** Issues a key straight into D1, the way `npm start` bootstraps the first admin key. */
export async function issueKey(scopes: Scope[], name = "test"): Promise<string> {
  const k = generateApiKey();
  await insertKey(database(env.DB), {
    id: k.id,
    name,
    prefix: k.key.slice(0, 10),
    hash: await hashSecret(k.secret),
    scopes,
  });
  return k.key;
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
