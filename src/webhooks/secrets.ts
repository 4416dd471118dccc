import type { SubscriptionRow } from "../db/webhooks-repo";
import { openSecret, sealSecret, secretsKeyProblem } from "../security/secret-box";

/** The signing secret cannot be read: the attempt fails with this message and retries. */
export class SecretUnavailable extends Error {
  override name = "SecretUnavailable";
}

type SecretsEnv = Pick<Env, "WEBHOOK_SECRETS_KEY">;

/** Why new secrets cannot be stored (no usable WEBHOOK_SECRETS_KEY), or null. */
export function sealingProblem(env: SecretsEnv): string | null {
  return secretsKeyProblem(env.WEBHOOK_SECRETS_KEY);
}

/** A secret as D1 keeps it: sealed for the subscription row `id`. */
export function sealForSubscription(env: SecretsEnv, id: string, secret: string): Promise<string> {
  return sealSecret(secret, id, env.WEBHOOK_SECRETS_KEY);
}

/**
 * The secrets that sign a delivery made at `at`: the current one, and during a rotation's
 * overlap the previous one too (a second signature).
 */
export async function signingSecrets(
  env: SecretsEnv,
  sub: Pick<SubscriptionRow, "id" | "secret" | "previousSecret" | "previousSecretExpiresAt">,
  at: string,
): Promise<string[]> {
  const sealed = [sub.secret];
  if (sub.previousSecret && sub.previousSecretExpiresAt && sub.previousSecretExpiresAt > at) {
    sealed.push(sub.previousSecret);
  }
  try {
    return await Promise.all(sealed.map((s) => openSecret(s, sub.id, env.WEBHOOK_SECRETS_KEY)));
  } catch (err) {
    const problem = sealingProblem(env);
    throw new SecretUnavailable(
      `signing secret unavailable: ${problem ?? "it does not open with WEBHOOK_SECRETS_KEY (was the key changed?)"}`,
      { cause: err },
    );
  }
}
