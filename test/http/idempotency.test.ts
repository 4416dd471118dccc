import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import { bearer, issueKey } from "../helpers/keys";

interface Envelope {
  error: { code: string; details: { field?: string } | null };
}

const suppression = (value: string) => ({ kind: "email", value });

describe("Idempotency-Key", () => {
  it("answers 409 while a request with the same key is still in flight", async () => {
    const key = await issueKey(["write"]);
    const keyId = key.split("_")[1] ?? "";
    const body = JSON.stringify(suppression("inflight@idem.example"));
    // A first request that has claimed the key and not finished yet.
    await env.DB.prepare(
      "INSERT INTO idempotency_keys (key, principal, route, body_hash, state, expires_at) VALUES (?, ?, ?, ?, 'in_flight', ?)",
    )
      .bind(
        "inflight-0001",
        keyId,
        "POST /api/v1/suppressions",
        await bodyHash(body),
        "2999-01-01T00:00:00Z",
      )
      .run();
    const res = await api<Envelope>("/suppressions", {
      method: "POST",
      headers: {
        ...bearer(key),
        "Idempotency-Key": "inflight-0001",
        "Content-Type": "application/json",
      },
      body,
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("CONFLICT");
    expect(res.headers.get("Retry-After")).toBe("1");
  });

  it("keeps keys per API key: another client's same key is a fresh request", async () => {
    const a = await issueKey(["write"]);
    const b = await issueKey(["write"]);
    const headers = (k: string) => ({ ...bearer(k), "Idempotency-Key": "shared-key-0001" });
    const first = await api<{ id: string }>("/suppressions", {
      method: "POST",
      headers: headers(a),
      json: suppression("one@idem.example"),
    });
    const other = await api<{ id: string }>("/suppressions", {
      method: "POST",
      headers: headers(b),
      json: suppression("two@idem.example"),
    });
    expect(first.status).toBe(201);
    expect(other.status).toBe(201);
    expect(other.body.id).not.toBe(first.body.id);
    expect(other.headers.get("Idempotent-Replayed")).toBeNull();
  });

  it("refuses a low-entropy key and lets a refused request be corrected under the same key", async () => {
    const key = await issueKey(["write"]);
    const short = await api<Envelope>("/suppressions", {
      method: "POST",
      headers: { ...bearer(key), "Idempotency-Key": "1" },
      json: suppression("short@idem.example"),
    });
    expect(short.status).toBe(400);
    expect(short.body.error.details?.field).toBe("Idempotency-Key");

    const headers = { ...bearer(key), "Idempotency-Key": "correct-me-0001" };
    const bad = await api("/suppressions", { method: "POST", headers, json: suppression("nope") });
    expect(bad.status).toBe(400);
    const good = await api("/suppressions", {
      method: "POST",
      headers,
      json: suppression("fixed@idem.example"),
    });
    expect(good.status).toBe(201);
  });
});

/** The middleware's fingerprint: SHA-256 of "<METHOD> <path>\n<body>". */
async function bodyHash(body: string): Promise<string> {
  const data = new TextEncoder().encode(`POST /api/v1/suppressions\n${body}`);
  const digest = await crypto.subtle.digest("SHA-256", data);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
