import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { MAX_JSON_DEPTH } from "../../src/http/json-depth";
import { api } from "../helpers/api";
import { bearer, issueKey } from "../helpers/keys";

interface Envelope {
  error: { code: string; details: Record<string, unknown> | null };
}

const nested = (depth: number) => `{"data":${'{"a":'.repeat(depth)}1${"}".repeat(depth)}}`;

describe("hostile bodies", () => {
  it.each([
    ["PUT", "/config"],
    ["POST", "/validate/leads"],
    ["POST", "/sync/leads"],
    ["POST", "/sync/leads/bulk"],
  ])("%s %s refuses JSON nested 10,000 deep with 400 naming the path", async (method, path) => {
    const key = await issueKey(["admin"]);
    const res = await api<Envelope>(path, {
      method,
      headers: { ...bearer(key), "Content-Type": "application/json" },
      body: nested(10_000),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("VALIDATION_ERROR");
    const field = String(res.body.error.details?.field);
    expect(field.startsWith("data.a.a")).toBe(true);
    expect(field.split(".")).toHaveLength(MAX_JSON_DEPTH);
    expect(res.body.error.details?.max_depth).toBe(MAX_JSON_DEPTH);
  });

  it("reads brackets inside strings as text, and array indexes in the path", async () => {
    const key = await issueKey(["admin"]);
    const inString = `{"name":"${"[{".repeat(5000)}","scopes":["read"]}`;
    const ok = await api<Envelope>("/keys", {
      method: "POST",
      headers: { ...bearer(key), "Content-Type": "application/json" },
      body: inString,
    });
    expect(ok.status).toBe(400); // the name is too long, not too deep
    expect(ok.body.error.details?.field).toBe("name");

    const deepArray = `{"leads":[{"data":1},{"data":${"[".repeat(100)}${"]".repeat(100)}}]}`;
    const res = await api<Envelope>("/sync/leads/bulk", {
      method: "POST",
      headers: { ...bearer(key), "Content-Type": "application/json" },
      body: deepArray,
    });
    expect(res.status).toBe(400);
    expect(String(res.body.error.details?.field)).toMatch(/^leads\.1\.data\.0\.0/);
    expect(res.body.error.details?.pointer).toMatch(/^\/leads\/1\/data\/0\/0/);
  });
});

describe("HTTP hygiene", () => {
  it("marks API answers nosniff and no-store, errors included", async () => {
    for (const path of ["/health", "/nope", "/keys"]) {
      const res = await api(path);
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(res.headers.get("Cache-Control")).toBe("no-store");
    }
  });

  it("serves the docs page with a Content-Security-Policy that allows only its own scripts", async () => {
    const res = await api<string>("/docs");
    const csp = res.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    const scripts = /script-src ([^;]*)/.exec(csp)?.[1];
    expect(scripts).toBe("'self'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get("X-Frame-Options")).toBe("DENY");
  });

  it("answers OPTIONS with 204 and the path's methods, and 404 on an unknown path", async () => {
    const res = await api("/suppressions", { method: "OPTIONS" });
    expect(res.status).toBe(204);
    expect(res.headers.get("Allow")).toBe("GET, HEAD, POST, OPTIONS");
    const one = await api("/sync/jobs/job_x/retry", { method: "OPTIONS" });
    expect(one.headers.get("Allow")).toBe("POST, OPTIONS");
    const none = await api("/nope", { method: "OPTIONS" });
    expect(none.status).toBe(404);
  });

  it("answers a method a path does not serve with 405 and Allow", async () => {
    const key = await issueKey(["admin"]);
    const res = await api<Envelope>("/health", { method: "DELETE", headers: bearer(key) });
    expect(res.status).toBe(405);
    expect(res.body.error.code).toBe("METHOD_NOT_ALLOWED");
    expect(res.headers.get("Allow")).toBe("GET, HEAD, OPTIONS");
    const put = await api<Envelope>("/keys", { method: "PUT", headers: bearer(key), json: {} });
    expect(put.status).toBe(405);
    expect(put.headers.get("Allow")).toBe("GET, HEAD, POST, OPTIONS");
  });

  it("sends no CORS headers unless the deployment lists the origin", async () => {
    const origin = "https://crm.example.com";
    const app = createApp();
    const preflight = (vars: Partial<Env>, from: string) =>
      app.request(
        "/api/v1/sync/leads",
        {
          method: "OPTIONS",
          headers: { Origin: from, "Access-Control-Request-Method": "POST" },
        },
        { ...env, ...vars },
      );
    const off = await preflight({}, origin);
    expect(off.status).toBe(204);
    expect(off.headers.get("Access-Control-Allow-Origin")).toBeNull();

    const vars = { CORS_ALLOWED_ORIGINS: `https://other.example, ${origin}` };
    const on = await preflight(vars, origin);
    expect(on.status).toBe(204);
    expect(on.headers.get("Access-Control-Allow-Origin")).toBe(origin);
    expect(on.headers.get("Access-Control-Allow-Methods")).toBe("POST,OPTIONS");
    expect(on.headers.get("Access-Control-Allow-Headers")).toContain("Idempotency-Key");
    expect(on.headers.get("Access-Control-Allow-Credentials")).toBeNull();

    // A simple (non-preflight) request from the origin may read the answer and its request id.
    const get = await app.request(
      "/api/v1/health",
      { headers: { Origin: origin } },
      { ...env, ...vars },
    );
    expect(get.headers.get("Access-Control-Allow-Origin")).toBe(origin);
    expect(get.headers.get("Access-Control-Expose-Headers")).toContain("X-Request-Id");
    expect(get.headers.get("Vary")).toContain("Origin");

    const stranger = await preflight(vars, "https://evil.example");
    expect(stranger.headers.get("Access-Control-Allow-Origin")).toBeNull();
    const star = await preflight({ CORS_ALLOWED_ORIGINS: "*" }, "https://evil.example");
    expect(star.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });
});
