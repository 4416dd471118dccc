import { auditStatement } from "../db/audit";
import { runBatch, type Statement } from "../db/batch";
import { database } from "../db/client";
import {
  type DeliveryContext,
  insertAttemptStatement,
  loadDeliveries,
  updateDeliveryStatement,
  updateSubscriptionStatement,
} from "../db/webhooks-repo";
import { DELIVERIES_DLQ, DeliveryMessage } from "./dispatch";
import { logWebhookError } from "./errors-log";
import {
  DISABLE_AFTER_MS,
  parseRetryAfter,
  REQUEST_TIMEOUT_MS,
  retryDelaySeconds,
  verdictOf,
} from "./schedule";
import { SecretUnavailable, signingSecrets } from "./secrets";
import { signedHeaders } from "./signing";
import { checkEndpointUrl } from "./target";

const RESPONSE_LOG_BYTES = 1024;
const USER_AGENT = "LeadBridge-Webhooks/1.0";

type Settle = { kind: "ack" } | { kind: "retry"; delaySeconds?: number };

interface Outcome {
  settle: Settle;
  statements: Statement[];
  /** Set when this attempt disables the endpoint (audited once per batch). */
  disable?: { subscriptionId: string; reason: string; url: string };
}

export interface DeliveryDeps {
  now: () => Date;
  random: () => number;
  fetch: typeof fetch;
}

const defaultDeps: DeliveryDeps = {
  now: () => new Date(),
  random: Math.random,
  fetch: (input, init) => fetch(input, init),
};

/**
 * The deliveries queue consumer: one signed POST per message, recorded in the delivery log,
 * then ack or retry on the schedule. D1 is written (one batch for the whole message batch)
 * before any message is settled, so a crash re-sends rather than forgets.
 */
export async function handleDeliveries(
  batch: MessageBatch<unknown>,
  env: Env,
  deps: DeliveryDeps = defaultDeps,
): Promise<void> {
  if (batch.queue === DELIVERIES_DLQ) return handleDeadDeliveries(batch, env, deps);
  const db = database(env.DB);
  const parsed = batch.messages.map((m) => ({
    message: m,
    body: DeliveryMessage.safeParse(m.body),
  }));
  const ids = parsed.flatMap((p) => (p.body.success ? [p.body.data.delivery_id] : []));
  const contexts = await loadDeliveries(db, ids);

  const outcomes = await Promise.all(
    parsed.map(async (p): Promise<Outcome> => {
      if (!p.body.success) {
        await logWebhookError(env, "INVALID_MESSAGE", p.body.error.message, p.message.body);
        return { settle: { kind: "ack" }, statements: [] };
      }
      const ctx = contexts.get(p.body.data.delivery_id);
      if (!ctx) return { settle: { kind: "ack" }, statements: [] }; // endpoint deleted
      return attempt(env, db, ctx, p.message.attempts, deps);
    }),
  );

  const statements = outcomes.flatMap((o) => o.statements);
  const disabled = new Map<string, NonNullable<Outcome["disable"]>>();
  for (const o of outcomes) if (o.disable) disabled.set(o.disable.subscriptionId, o.disable);
  const at = deps.now();
  for (const d of disabled.values()) {
    statements.push(
      auditStatement(
        db,
        {
          actor: "system:webhooks",
          action: "webhook.disabled",
          entity: "webhook",
          entityId: d.subscriptionId,
          rule: d.reason,
          detail: { url: d.url },
        },
        at,
      ),
    );
  }
  await runBatch(db, statements);
  outcomes.forEach((o, i) => {
    const message = parsed[i]?.message;
    if (!message) return;
    if (o.settle.kind === "ack") message.ack();
    else if (o.settle.delaySeconds === undefined) message.retry();
    else message.retry({ delaySeconds: o.settle.delaySeconds });
  });
}

async function attempt(
  env: Env,
  db: ReturnType<typeof database>,
  c: DeliveryContext,
  messageAttempts: number,
  deps: DeliveryDeps,
): Promise<Outcome> {
  const { delivery, subscription: sub, event } = c;
  const now = deps.now();
  const at = now.toISOString();
  // A duplicate message, or one for a delivery already settled (succeeded, or failed and not
  // replayed): nothing to send.
  if (delivery.status !== "pending") return { settle: { kind: "ack" }, statements: [] };
  if (!sub.enabled) {
    return {
      settle: { kind: "ack" },
      statements: [
        updateDeliveryStatement(db, delivery.id, {
          status: "failed",
          lastError: "endpoint disabled",
          nextAttemptAt: null,
          updatedAt: at,
        }),
      ],
    };
  }

  const attemptNo = delivery.attempts + 1;
  const target = checkEndpointUrl(env, sub.url);
  if (!target.ok) {
    // Refused at delivery time: no request is sent, and retrying cannot help until the
    // endpoint's URL changes (PATCH), after which a replay sends it.
    const error = `refused by the URL guard (${target.code}): ${target.reason}`;
    return {
      settle: { kind: "ack" },
      statements: [
        insertAttemptStatement(db, {
          deliveryId: delivery.id,
          attempt: attemptNo,
          at,
          statusCode: null,
          latencyMs: 0,
          response: null,
          error,
        }),
        updateDeliveryStatement(db, delivery.id, {
          status: "failed",
          attempts: attemptNo,
          lastStatusCode: null,
          lastError: error,
          nextAttemptAt: null,
          updatedAt: at,
        }),
      ],
    };
  }

  const body = JSON.stringify(event.payload);
  const started = Date.now();
  let status: number | null = null;
  let response: string | null = null;
  let error: string | null = null;
  let retryAfter: number | null = null;
  try {
    // A secret that does not open (WEBHOOK_SECRETS_KEY missing or changed) is an operator's
    // fix: nothing is sent unsigned, and the attempt retries on the schedule meanwhile.
    const secrets = await signingSecrets(env, sub, at);
    const headers = {
      ...(await signedHeaders(secrets, event.id, Math.floor(now.getTime() / 1000), body)),
      "content-type": "application/json",
      "user-agent": USER_AGENT,
    };
    const res = await deps.fetch(target.url.toString(), {
      method: "POST",
      headers,
      body,
      // A redirect is a failure (Standard Webhooks): following it could carry the signed
      // payload to a host the URL guard never saw.
      redirect: "manual",
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    status = res.status;
    response = await readLimited(res, RESPONSE_LOG_BYTES);
    retryAfter = parseRetryAfter(res.headers.get("retry-after"), now);
    if (status >= 300 && status < 400) error = "redirect not followed (3xx counts as a failure)";
  } catch (err) {
    error =
      err instanceof SecretUnavailable
        ? err.message
        : err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")
          ? `timed out after ${REQUEST_TIMEOUT_MS / 1000} s`
          : `request failed: ${err instanceof Error ? err.message : String(err)}`;
  }
  const latencyMs = Date.now() - started;
  const log = insertAttemptStatement(db, {
    deliveryId: delivery.id,
    attempt: attemptNo,
    at,
    statusCode: status,
    latencyMs,
    response,
    error,
  });
  const settleDelivery = (patch: {
    status: string;
    lastError: string | null;
    nextAttemptAt: string | null;
  }) =>
    updateDeliveryStatement(db, delivery.id, {
      ...patch,
      attempts: attemptNo,
      lastStatusCode: status,
      updatedAt: at,
    });

  const verdict = verdictOf(status);
  if (verdict === "succeeded") {
    return {
      settle: { kind: "ack" },
      statements: [
        log,
        settleDelivery({ status: "succeeded", lastError: null, nextAttemptAt: null }),
        ...(sub.failingSince
          ? [updateSubscriptionStatement(db, sub.id, { failingSince: null, updatedAt: at })]
          : []),
      ],
    };
  }
  const failure = error ?? `HTTP ${status}`;
  const disable = (reason: string): Outcome => ({
    settle: { kind: "ack" },
    statements: [
      log,
      settleDelivery({ status: "failed", lastError: `${failure}; ${reason}`, nextAttemptAt: null }),
      updateSubscriptionStatement(db, sub.id, {
        enabled: false,
        disabledReason: reason,
        disabledAt: at,
        updatedAt: at,
      }),
    ],
    disable: { subscriptionId: sub.id, reason, url: sub.url },
  });
  if (verdict === "gone") return disable("endpoint answered 410 Gone");

  const failingSince = sub.failingSince ?? at;
  if (now.getTime() - Date.parse(failingSince) >= DISABLE_AFTER_MS) {
    return disable("endpoint failed for 5 days without a success");
  }
  const markFailing = sub.failingSince
    ? []
    : [updateSubscriptionStatement(db, sub.id, { failingSince: at, updatedAt: at })];
  const delay = retryDelaySeconds(messageAttempts, deps.random(), retryAfter);
  if (delay === null) {
    // The schedule is spent: recorded as failed now, and the message goes on to the
    // dead-letter queue (max_retries = the schedule's length), where it is logged.
    return {
      settle: { kind: "retry" },
      statements: [
        log,
        settleDelivery({
          status: "failed",
          lastError: `${failure}; retries exhausted`,
          nextAttemptAt: null,
        }),
        ...markFailing,
      ],
    };
  }
  return {
    settle: { kind: "retry", delaySeconds: delay },
    statements: [
      log,
      settleDelivery({
        status: "pending",
        lastError: failure,
        nextAttemptAt: new Date(now.getTime() + delay * 1000).toISOString(),
      }),
      ...markFailing,
    ],
  };
}

/**
 * Dead-lettered delivery messages: the delivery is failed (normally already recorded by the
 * last attempt; this also covers a consumer that kept crashing) and stays replayable.
 */
async function handleDeadDeliveries(
  batch: MessageBatch<unknown>,
  env: Env,
  deps: DeliveryDeps,
): Promise<void> {
  const db = database(env.DB);
  const at = deps.now().toISOString();
  const statements: Statement[] = [];
  for (const message of batch.messages) {
    const parsed = DeliveryMessage.safeParse(message.body);
    if (parsed.success) {
      const id = parsed.data.delivery_id;
      const ctx = (await loadDeliveries(db, [id])).get(id);
      if (ctx?.delivery.status === "pending") {
        statements.push(
          updateDeliveryStatement(db, id, {
            status: "failed",
            lastError: "dead-lettered: retries exhausted",
            nextAttemptAt: null,
            updatedAt: at,
          }),
        );
      }
    }
    await logWebhookError(
      env,
      "WEBHOOK_DEAD_LETTER",
      "a webhook delivery exhausted its retries",
      message.body,
    );
  }
  await runBatch(db, statements);
  batch.ackAll();
}

/** The first `limit` bytes of a response body as text; the rest is not read. */
async function readLimited(res: Response, limit: number): Promise<string | null> {
  if (!res.body) return null;
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.length;
  }
  return new TextDecoder().decode(all.slice(0, limit));
}
