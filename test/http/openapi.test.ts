import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import pkg from "../../package.json";
import { createApp } from "../../src/app";
import { SCALAR_SCRIPT } from "../../src/routes/docs";
import { api } from "../helpers/api";
import { bearer, issueKey } from "../helpers/keys";
import { checkResponse } from "../helpers/openapi-check";

interface Doc {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
}

// Hono writes path parameters as `:id`, OpenAPI as `{id}`.
const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z_]+)/g, "{$1}");

describe("OpenAPI document", () => {
  it("lists every route the app serves, and nothing it does not", async () => {
    const res = await api<Doc>("/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");

    const served = new Set<string>();
    for (const route of createApp().routes) {
      if (route.method === "ALL") continue; // middleware
      const path = toOpenApiPath(route.path).replace(/\/$/, "");
      if (path === "/api/v1/openapi.json" || path === "/api/v1/docs") continue;
      // The dashboard (`/`, `/dashboard/*`) is a page for people, not part of the API.
      if (!path.startsWith("/api/v1/")) continue;
      served.add(`${route.method.toLowerCase()} ${path}`);
    }
    const documented = new Set<string>();
    for (const [path, item] of Object.entries(res.body.paths)) {
      for (const method of Object.keys(item))
        documented.add(`${method} ${path.replace(/\/$/, "")}`);
    }
    expect(served.size).toBeGreaterThan(5);
    expect([...served].sort()).toEqual([...documented].sort());
  });

  it("serves the API reference page: Scalar from this origin, over this document", async () => {
    const res = await api<string>("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/html");
    expect(res.body).toContain('data-url="/api/v1/openapi.json"');
    // Every script comes from this origin (no CDN), and the CSP lets nothing else run or load.
    const sources = [...res.body.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]);
    expect(sources).toEqual([SCALAR_SCRIPT]);
    expect(res.body).not.toMatch(/<script(?![^>]*(src=|id="api-reference"))[^>]*>[^<]/);
    const csp = res.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("default-src 'none'");

    const script = await exports.default.fetch(`http://localhost${SCALAR_SCRIPT}`);
    expect(script.status).toBe(200);
    expect(script.headers.get("Content-Type")).toContain("javascript");
    expect((await script.text()).length).toBeGreaterThan(100_000);
  });

  it("names every operation with a unique operationId, and describes every tag", async () => {
    const res = await api<{
      paths: Record<string, Record<string, { operationId?: string; tags?: string[] }>>;
      tags: { name: string; description: string }[];
      info: { contact?: unknown; license?: unknown };
      servers: unknown[];
    }>("/openapi.json");
    const ops = Object.values(res.body.paths).flatMap((item) => Object.values(item));
    const ids = ops.map((op) => op.operationId);
    expect(ids.every((id) => typeof id === "string" && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const described = new Set(res.body.tags.map((t) => t.name));
    for (const op of ops) for (const tag of op.tags ?? []) expect(described).toContain(tag);
    expect(res.body.tags.every((t) => t.description.length > 0)).toBe(true);
    expect(res.body.info.contact).toBeDefined();
    expect(res.body.info.license).toBeDefined();
    expect(res.body.servers.length).toBeGreaterThan(0);
  });
});

interface Operation {
  security?: unknown[];
  description?: string;
  parameters?: { name: string; in: string }[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
interface FullDoc {
  info: { version: string };
  paths: Record<string, Record<string, Operation>>;
}

const operations = (doc: FullDoc) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method, op })),
  );

describe("OpenAPI document matches the service", () => {
  it("states the service's one version, the one /health reports and package.json holds", async () => {
    const doc = await api<FullDoc>("/openapi.json");
    const health = await api<{ version: string }>("/health");
    expect(doc.body.info.version).toBe(pkg.version);
    expect(health.body.version).toBe(pkg.version);
  });

  it("declares GET /health open and every other operation behind a key that it checks", async () => {
    const doc = (await api<FullDoc>("/openapi.json")).body;
    expect(doc.paths["/api/v1/health"]?.get?.security).toEqual([]);
    for (const { path, method, op } of operations(doc)) {
      if (path === "/api/v1/health") continue;
      // HaloPSA's webhook can only send Basic auth (test/halo-inbound covers it).
      const scheme = path.startsWith("/api/v1/webhooks/halopsa")
        ? "haloWebhookBasic"
        : "bearerAuth";
      expect(op.security, `${method} ${path}`).toEqual([{ [scheme]: [] }]);
      const url = path.replace("/api/v1", "").replace(/\{[^}]+\}/g, "x");
      const res = await api(url, { method: method.toUpperCase() });
      expect(res.status, `${method} ${path} without a key`).toBe(401);
    }
  });

  it("documents every error status with the error envelope", async () => {
    const doc = (await api<FullDoc>("/openapi.json")).body;
    for (const { path, method, op } of operations(doc)) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400 || path === "/api/v1/health") continue;
        const ref = response.content?.["application/json"]?.schema?.$ref;
        expect(ref, `${method} ${path} ${status}`).toBe("#/components/schemas/Error");
      }
      expect(Object.keys(op.responses), `${method} ${path}`).toContain("500");
    }
  });

  it("honours Idempotency-Key on every POST, or says in the operation that it is ignored", async () => {
    const doc = (await api<FullDoc>("/openapi.json")).body;
    const key = await issueKey(["admin"]);
    let honoured = 0;
    for (const { path, method, op } of operations(doc)) {
      if (method !== "post") continue;
      const declared = (op.parameters ?? []).some((p) => p.name === "Idempotency-Key");
      if (!declared) {
        expect(op.description, `${method} ${path}`).toMatch(/`Idempotency-Key` is ignored/);
        continue;
      }
      honoured++;
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["409", "422"]));
      // The middleware runs: a malformed key is refused before anything else happens.
      const url = path.replace("/api/v1", "").replace(/\{[^}]+\}/g, "x");
      const res = await api<{ error: { details: { field: string } } }>(url, {
        method: "POST",
        headers: { ...bearer(key), "Idempotency-Key": "short" },
      });
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(res.body.error.details.field).toBe("Idempotency-Key");
    }
    expect(honoured).toBeGreaterThanOrEqual(6);
  });

  it("fails a response the document does not admit (the suite-wide check can fail)", async () => {
    const ok = { status: "healthy" };
    const wrongShape = await checkResponse("GET", "/api/v1/health", 200, "application/json", ok);
    expect(wrongShape?.problem).toMatch(/does not match/);
    const undocumented = await checkResponse("GET", "/api/v1/health", 418, "application/json", {});
    expect(undocumented?.problem).toBe("status not documented");
    const envelope = {
      error: {
        code: "RESOURCE_NOT_FOUND",
        message: "x",
        details: null,
        timestamp: "t",
        request_id: "r",
      },
    };
    const fine = await checkResponse(
      "GET",
      "/api/v1/leads/ld_x",
      404,
      "application/json",
      envelope,
    );
    expect(fine).toBeNull();
  });
});
