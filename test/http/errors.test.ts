import { describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import { bearer, issueKey } from "../helpers/keys";

interface Envelope {
  error: {
    code: string;
    message: string;
    details: { field?: string; issues?: { field: string }[] } | null;
    timestamp: string;
    request_id: string;
  };
}

describe("error envelope", () => {
  it("answers an unknown route with RESOURCE_NOT_FOUND and the request id", async () => {
    const res = await api<Envelope>("/nope");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("RESOURCE_NOT_FOUND");
    expect(res.body.error.request_id).toMatch(/^req_/);
    expect(res.headers.get("X-Request-Id")).toBe(res.body.error.request_id);
    expect(Number.isNaN(Date.parse(res.body.error.timestamp))).toBe(false);
  });

  it("keeps a caller's safe X-Request-Id and replaces an unsafe one", async () => {
    const kept = await api("/health", { headers: { "X-Request-Id": "trace-42.a" } });
    expect(kept.headers.get("X-Request-Id")).toBe("trace-42.a");
    const replaced = await api("/health", { headers: { "X-Request-Id": "bad id <script>" } });
    expect(replaced.headers.get("X-Request-Id")).toMatch(/^req_/);
  });

  it("refuses malformed JSON with 400 naming the body", async () => {
    const key = await issueKey(["admin"]);
    const res = await api<Envelope>("/keys", {
      method: "POST",
      headers: { ...bearer(key), "Content-Type": "application/json" },
      body: '{"name": "x", ',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_ERROR");
    expect(res.body.error.details?.field).toBe("body");
  });

  it("refuses a non-JSON content type with 415", async () => {
    const key = await issueKey(["admin"]);
    const res = await api<Envelope>("/keys", {
      method: "POST",
      headers: { ...bearer(key), "Content-Type": "text/plain" },
      body: "name=x",
    });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(res.body.error.details?.field).toBe("Content-Type");
  });

  it("refuses a field of the wrong type with the field named", async () => {
    const key = await issueKey(["admin"]);
    const res = await api<Envelope>("/keys", {
      method: "POST",
      headers: bearer(key),
      json: { name: "ci", scopes: "admin" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details?.field).toBe("scopes");
  });

  it("names an unknown field rather than its parent", async () => {
    const key = await issueKey(["admin"]);
    const res = await api<Envelope>("/keys", {
      method: "POST",
      headers: bearer(key),
      json: { name: "ci", scopes: ["read"], colour: "red" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details?.field).toBe("colour");
  });

  it("refuses an oversized body with 413 before parsing it", async () => {
    const key = await issueKey(["admin"]);
    const res = await api<Envelope>("/keys", {
      method: "POST",
      headers: bearer(key),
      json: { name: "x".repeat(1_100_000), scopes: ["read"] },
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(res.body.error.details?.field).toBe("body");
  });

  it("refuses a malformed path parameter with 400, not 500", async () => {
    const key = await issueKey(["admin"]);
    const res = await api<Envelope>("/keys/NOT-AN-ID", { method: "DELETE", headers: bearer(key) });
    expect(res.status).toBe(400);
    expect(res.body.error.details?.field).toBe("id");
  });
});
