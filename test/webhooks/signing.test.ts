import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  MAX_QUEUE_DELAY_SECONDS,
  RETRY_SCHEDULE_SECONDS,
  retryDelaySeconds,
  verdictOf,
} from "../../src/webhooks/schedule";
import { generateSecret, isValidSecret, sign, signedHeaders } from "../../src/webhooks/signing";
import vectors from "../fixtures/standard-webhooks-vectors.json";

afterEach(() => {
  vi.useRealTimers();
});

/** What a receiver does with the standardwebhooks library, at a fixed clock. */
function consumerVerdict(
  secret: string,
  payload: string,
  headers: Record<string, string>,
  now: number,
) {
  vi.useFakeTimers({ now: now * 1000, toFake: ["Date"] });
  try {
    new Webhook(secret).verify(payload, headers);
    return "valid";
  } catch (err) {
    return `reject:${(err as Error).message}`;
  } finally {
    vi.useRealTimers();
  }
}

describe("Standard Webhooks signing", () => {
  it("reproduces the official v1 vector", async () => {
    const o = vectors.official;
    expect(await sign(o.secret, o.msg_id, o.timestamp, o.payload)).toBe(o.expected_signature);
  });

  it.each(vectors.derived.filter((v) => v.computed_signature_for_this_payload))(
    "signs derived vector $id as computed",
    async (v) => {
      const ts = Number(v.headers["webhook-timestamp"]);
      expect(await sign(v.secret, v.headers["webhook-id"], ts, v.payload_utf8)).toBe(
        v.computed_signature_for_this_payload,
      );
    },
  );

  it.each(vectors.derived)("the consumer library gives $expected_result for $id", (v) => {
    const verdict = consumerVerdict(v.secret, v.payload_utf8, v.headers, v.now_unix);
    if (v.expected_result === "valid") expect(verdict).toBe("valid");
    else expect(verdict).toMatch(/^reject:/);
  });

  it("signs with the old secret too during a rotation, and either secret verifies", async () => {
    const next = generateSecret();
    const old = generateSecret();
    const body = '{"id":"evt_1","type":"ping"}';
    const now = 1_800_000_000;
    const headers = await signedHeaders([next, old], "evt_1", now, body);
    expect(headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    expect(consumerVerdict(next, body, headers, now)).toBe("valid");
    expect(consumerVerdict(old, body, headers, now)).toBe("valid");
    expect(consumerVerdict(generateSecret(), body, headers, now)).toMatch(/^reject:/);
    // The timestamp is signed: a replayed delivery with a fresh timestamp does not verify.
    expect(
      consumerVerdict(next, body, { ...headers, "webhook-timestamp": String(now + 1) }, now),
    ).toMatch(/^reject:/);
  });

  it("generates whsec_ secrets of 32 random bytes and validates given ones", () => {
    const s = generateSecret();
    expect(s).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(generateSecret()).not.toBe(s);
    expect(isValidSecret(s)).toBe(true);
    expect(isValidSecret(vectors.official.secret)).toBe(true);
    expect(isValidSecret("whsec_c2hvcnQ=")).toBe(false); // 5 bytes
    expect(isValidSecret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).toBe(false); // no prefix
    expect(isValidSecret("whsec_not base64!")).toBe(false);
  });
});

describe("retry schedule", () => {
  it("follows 5 s, 5 min, 30 min, 2 h, 5 h, 10 h within ±20% jitter, then stops", () => {
    RETRY_SCHEDULE_SECONDS.forEach((base, i) => {
      const low = retryDelaySeconds(i + 1, 0) ?? 0;
      const high = retryDelaySeconds(i + 1, 0.999_999) ?? 0;
      expect(low).toBe(Math.max(1, Math.round(base * 0.8)));
      expect(high).toBeLessThanOrEqual(Math.min(MAX_QUEUE_DELAY_SECONDS, Math.round(base * 1.2)));
      expect(high).toBeGreaterThan(low);
    });
    expect(retryDelaySeconds(RETRY_SCHEDULE_SECONDS.length + 1, 0.5)).toBeNull();
  });

  it("never exceeds the 12 h queue delay, and honours a longer Retry-After", () => {
    expect(retryDelaySeconds(6, 0.999)).toBeLessThanOrEqual(12 * 3600);
    expect(retryDelaySeconds(1, 0.5, 120)).toBe(120);
    expect(retryDelaySeconds(1, 0.5, 999_999)).toBe(12 * 3600);
  });

  it("treats 2xx as success, 410 as gone and everything else as a retry", () => {
    expect(verdictOf(200)).toBe("succeeded");
    expect(verdictOf(204)).toBe("succeeded");
    expect(verdictOf(410)).toBe("gone");
    for (const s of [301, 302, 400, 404, 429, 500, 503, null]) expect(verdictOf(s)).toBe("retry");
  });
});
