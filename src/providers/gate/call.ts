import type { Throttle } from "../pacing";
import type { AdmitResult, ProviderGate } from "./gate";

/** Why a gate refusal is reported as a throttle: the run pauses until the next UTC day. */
export const BUDGET_EXHAUSTED = "budget_exhausted";

export type Admission =
  | { kind: "ok"; ticket: string | null }
  | { kind: "refused"; throttle: Throttle };

/**
 * What a provider client asks before each request and tells after it. The sync runs use the
 * provider's Durable Object gate (`providerGate`); a client built without one (tests, tools) is
 * not paced (`OPEN_GATE`).
 */
export interface ProviderCallGate {
  /** Reserve a call slot and up to `credits` credits; refused with the wait or the budget. */
  admit(credits: number): Promise<Admission>;
  /** The provider's throttle signal and the real cost (null: unknown, stays charged). */
  settle(
    ticket: string | null,
    outcome: { throttle: Throttle | null; credits: number | null },
  ): Promise<void>;
}

export const OPEN_GATE: ProviderCallGate = {
  admit: async () => ({ kind: "ok", ticket: null }),
  settle: async () => {},
};

export type GatedResponse =
  | { kind: "refused"; throttle: Throttle }
  | {
      kind: "sent";
      res: Response;
      /** Report the outcome; later calls are ignored, so a `finally` may always call it. */
      done: (outcome: { throttle: Throttle | null; credits: number | null }) => Promise<void>;
    };

/**
 * One provider request through the gate. The caller must `done()` on every path; a `finally`
 * calling `done({throttle: null, credits: null})` after the real report is harmless.
 */
export async function gatedFetch(
  gate: ProviderCallGate,
  maxCredits: number,
  send: () => Promise<Response>,
): Promise<GatedResponse> {
  const admission = await gate.admit(maxCredits);
  if (admission.kind === "refused") return admission;
  let settled = false;
  const done = async (outcome: { throttle: Throttle | null; credits: number | null }) => {
    if (settled) return;
    settled = true;
    await gate.settle(admission.ticket, outcome);
  };
  try {
    return { kind: "sent", res: await send(), done };
  } catch (err) {
    // No answer: the call may have been charged, so the reservation stays.
    await done({ throttle: null, credits: null });
    throw err;
  }
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The gate's name: the provider and a digest of the credential, never the key itself. */
export async function providerGateName(
  provider: string,
  baseUrl: string,
  apiKey: string,
): Promise<string> {
  return `${provider}:${await sha256Hex(`${baseUrl}\n${apiKey}`)}`;
}

export interface ProviderGateOptions {
  provider: string;
  baseUrl: string;
  apiKey: string;
  limit: { requests: number; window_seconds: number };
  dailyBudget: number | null;
  /** Waits up to this long are slept here; longer ones are returned (the run pauses). */
  maxWaitMs: number;
  /** The caller's clock in ms (a sync run's clock follows its `now`). */
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

function refusal(result: Exclude<AdmitResult, { kind: "ok" }>, now: number): Throttle {
  if (result.kind === "budget_exhausted") {
    return {
      retryAfterMs: Math.max(0, result.resetsAt - now),
      stopUntil: new Date(result.resetsAt),
      reason: BUDGET_EXHAUSTED,
    };
  }
  return {
    retryAfterMs: result.retryAfterMs,
    ...(result.stopUntil !== null ? { stopUntil: new Date(result.stopUntil) } : {}),
    reason: result.reason,
  };
}

/** The provider credential's Durable Object gate, shared by every caller using that key. */
export function providerGate(env: Env, options: ProviderGateOptions): ProviderCallGate {
  const clock = options.clock ?? Date.now;
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let stub: Promise<DurableObjectStub<ProviderGate>> | undefined;
  const gate = () => {
    stub ??= providerGateName(options.provider, options.baseUrl, options.apiKey).then((name) =>
      env.PROVIDER_GATE.get(env.PROVIDER_GATE.idFromName(name)),
    );
    return stub;
  };
  return {
    async admit(credits) {
      let waited = 0;
      for (;;) {
        const result = (await (
          await gate()
        ).admit({
          now: clock(),
          limit: options.limit,
          credits,
          dailyBudget: options.dailyBudget,
        })) as AdmitResult;
        if (result.kind === "ok") return { kind: "ok", ticket: result.ticket };
        const shortWait =
          result.kind === "throttled" &&
          result.stopUntil === null &&
          waited + result.retryAfterMs <= options.maxWaitMs;
        if (!shortWait) return { kind: "refused", throttle: refusal(result, clock()) };
        await sleep(result.retryAfterMs);
        waited += result.retryAfterMs;
      }
    },
    async settle(ticket, outcome) {
      if (ticket === null) return;
      const t = outcome.throttle;
      await (await gate()).settle(ticket, {
        now: clock(),
        throttle: t
          ? {
              retryAfterMs: t.retryAfterMs,
              stopUntil: t.stopUntil?.getTime() ?? null,
              reason: t.reason,
            }
          : null,
        credits: outcome.credits,
      });
    },
  };
}
