import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { api } from "../helpers/api";

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

  it("serves a readable reference page", async () => {
    const res = await api<string>("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/html");
    expect(res.body).toContain("/api/v1/keys");
    expect(res.body).not.toMatch(/<script[^>]+src=/);
  });
});
