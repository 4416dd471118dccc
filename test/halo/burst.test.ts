import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { gateStub } from "../../src/halo/client";
import { HaloThrottledError } from "../../src/halo/errors";
import { listTicketTypes } from "../../src/halo/resources/lookups";
import { SandboxTenant, sleep } from "../helpers/sandbox";

// A scaled HaloPSA window (50 requests per 2 s instead of 500 per 180 s): the same logic, so a
// burst ten times the window runs in seconds.
const LIMIT = 50;
const WINDOW_SECONDS = 2;
const REQUESTS = 500;
const CALLERS = 20;

describe("HaloGate under a burst", () => {
  it("sends 500 requests through a 50-per-2s window with no 429 and the window kept busy", async () => {
    const t = new SandboxTenant("burst");
    await t.knobs({ rate_limit: LIMIT, rate_window_seconds: WINDOW_SECONDS });
    const rateLimit = { requests: LIMIT, windowSeconds: WINDOW_SECONDS };
    const halo = t.client({ rateLimit });

    let next = 0;
    let served = 0;
    let throttled = 0;
    const started = Date.now();
    // Each caller behaves like a queue consumer: on `throttled` it waits the delay it was given
    // (the queue's re-delivery) and tries again.
    const caller = async () => {
      while (next < REQUESTS) {
        next += 1;
        for (;;) {
          try {
            await listTicketTypes(halo);
            served += 1;
            break;
          } catch (err) {
            if (!(err instanceof HaloThrottledError)) throw err;
            throttled += 1;
            await sleep(err.retryAfterMs);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: CALLERS }, caller));
    const elapsedMs = Date.now() - started;

    const stats = await t.stats();
    expect(served).toBe(REQUESTS);
    expect(throttled).toBeGreaterThan(0);
    // Zero 429s: neither the sandbox's limiter nor the gate saw one.
    expect(stats.rate_limited).toBe(0);
    expect(stats.responses_by_status["429"] ?? 0).toBe(0);
    expect((await gateStub(env, t.settings(rateLimit)).status()).counters.responses_429).toBe(0);
    // Utilisation: requests HaloPSA served over what the elapsed windows allowed.
    const windows = elapsedMs / (WINDOW_SECONDS * 1000);
    const utilisation = stats.requests_total / (LIMIT * windows);
    // The measured figures, for the record (the assertion below is the contract).
    console.log(
      JSON.stringify({
        burst: {
          requests: REQUESTS,
          limit: LIMIT,
          window_s: WINDOW_SECONDS,
          elapsed_ms: elapsedMs,
        },
        utilisation: Math.round(utilisation * 1000) / 1000,
        halo_429: stats.rate_limited,
        throttled_callers: throttled,
      }),
    );
    expect(stats.requests_total).toBe(REQUESTS + 1); // + the one token request
    // How close to 100% the gate gets is a performance figure (0.976 printed above on an idle
    // machine; a saturating bench scenario is the place to track it). The test only guards
    // against a gate that idles whole windows away, with a floor a loaded 2-core machine still
    // clears (0.78–0.89 seen at load average 12–16).
    expect(utilisation).toBeGreaterThanOrEqual(0.6);
  }, 90_000);
});
