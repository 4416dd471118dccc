import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { type MockInstance, vi } from "vitest";
import worker from "../../src/index";
import type { JobMessage } from "../../src/jobs/messages";
import type { SandboxStats } from "../helpers/sandbox";

export interface Sent {
  body: unknown;
  delaySeconds: number | undefined;
}

/**
 * Captures what the service puts on the control queue, so a test can hand each message to the
 * consumer itself (and see the delays it asks for) instead of racing the real queue.
 */
export function captureQueue(): { sent: Sent[]; restore: () => void } {
  const sent: Sent[] = [];
  const spy: MockInstance = vi
    .spyOn(env.CONTROL, "send")
    .mockImplementation(async (body: unknown, opts?: QueueSendOptions) => {
      sent.push({ body, delaySeconds: opts?.delaySeconds });
      return undefined as never;
    });
  return { sent, restore: () => spy.mockRestore() };
}

/** Delivers one message to the Worker's queue handler, as the control queue would. */
export async function deliver(body: unknown, queue = "leadbridge-control") {
  const batch = createMessageBatch(queue, [
    { id: `m-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<JobMessage>, env);
  return getQueueResult(batch, ctx);
}

/** Delivers captured messages (and the ones they send) until the queue is empty. */
export async function drain(sent: Sent[], maxMessages = 100): Promise<Sent[]> {
  const delivered: Sent[] = [];
  while (sent.length > 0) {
    const next = sent.shift();
    if (!next) break;
    if (delivered.length >= maxMessages) throw new Error("the run does not end");
    delivered.push(next);
    await deliver(next.body);
  }
  return delivered;
}

/** Requests per route between two stats snapshots, route names folded to lower case. */
export function requestsBetween(before: SandboxStats, after: SandboxStats): Map<string, number> {
  const fold = (s: SandboxStats) => {
    const m = new Map<string, number>();
    for (const [route, n] of Object.entries(s.requests_by_route)) {
      m.set(route.toLowerCase(), (m.get(route.toLowerCase()) ?? 0) + n);
    }
    return m;
  };
  const was = fold(before);
  const out = new Map<string, number>();
  for (const [route, n] of fold(after)) out.set(route, n - (was.get(route) ?? 0));
  return out;
}
