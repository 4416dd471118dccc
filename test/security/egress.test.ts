import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { defaultConfig } from "../../src/config/schema";
import { gateStub, haloClient } from "../../src/halo/client";
import { haloSettings } from "../../src/halo/settings";
import { read } from "../../src/halo/transport";
import { ApolloClient } from "../../src/providers/apollo/client";
import { ProviderError } from "../../src/providers/http";
import { runProviderSync } from "../../src/sync/run";
import vectorFile from "../fixtures/ssrf-url-vectors.json";
import { api } from "../helpers/api";
import { bearer, issueKey } from "../helpers/keys";
import { SandboxTenant } from "../helpers/sandbox";
import { useTenantHost } from "../helpers/tenant-app";
import { ProviderSandbox, patchConfig } from "../sync/helpers";

const SECRET = env.HALO_CLIENT_SECRET;
const ORIGINAL = {
  HALO_BASE_URL: env.HALO_BASE_URL,
  ALLOW_LOCAL_HTTP: env.ALLOW_LOCAL_HTTP,
};

/**
 * Vectors the guard refuses for a deployment URL. The self-target vector is about subscriber
 * webhooks (our own host, which the deployment does not name), not a credential's destination.
 */
const blocked = vectorFile.vectors.filter(
  (v) => v.expected === "block" && !v.reason.startsWith("self-target"),
);

interface Envelope {
  error: { code: string; message: string; details: { field?: string } | null };
}

/** Every outgoing request of this isolate (the gate runs here too), passed through unchanged. */
function recordFetches() {
  const seen: { url: string; redirect: string | undefined; body: string }[] = [];
  const real = globalThis.fetch;
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input as RequestInfo, init as RequestInit);
    seen.push({
      url: request.url,
      redirect: (init as RequestInit | undefined)?.redirect ?? request.redirect,
      body: request.body ? await request.clone().text() : "",
    });
    return real(request, init as RequestInit);
  });
  return { seen, spy };
}

beforeEach(() => {
  env.HALO_BASE_URL = ORIGINAL.HALO_BASE_URL;
  env.ALLOW_LOCAL_HTTP = ORIGINAL.ALLOW_LOCAL_HTTP;
});

afterEach(() => {
  vi.restoreAllMocks();
  env.HALO_BASE_URL = ORIGINAL.HALO_BASE_URL;
  env.ALLOW_LOCAL_HTTP = ORIGINAL.ALLOW_LOCAL_HTTP;
});

describe("halopsa.base_url is not part of the editable configuration", () => {
  it.each([...vectorFile.vectors.map((v) => v.input), "http://anything"])(
    "PUT /config refuses halopsa.base_url = %s, naming the field",
    async (url) => {
      const admin = await issueKey(["admin"]);
      const before = await api<{ version: number }>("/config", { headers: bearer(admin) });
      const res = await api<Envelope>("/config", {
        method: "PUT",
        headers: bearer(admin),
        json: { halopsa: { base_url: url } },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("VALIDATION_ERROR");
      expect(res.body.error.details?.field).toBe("halopsa.base_url");
      const after = await api<{ version: number }>("/config", { headers: bearer(admin) });
      expect(after.body.version).toBe(before.body.version);
    },
  );

  it("shows the deployment's host read-only, never its userinfo", async () => {
    env.HALO_BASE_URL = "https://ops:hunter2@halo.example.com/";
    const reader = await issueKey(["read"]);
    const res = await api<{
      halopsa: Record<string, unknown>;
      deployment: { halopsa: { base_url: string | null; url_check: string } };
    }>("/config", { headers: bearer(reader) });
    expect(res.status).toBe(200);
    expect(res.body.halopsa).not.toHaveProperty("base_url");
    expect(res.body.deployment.halopsa.base_url).toBe("https://halo.example.com");
    expect(res.body.deployment.halopsa.url_check).toBe("userinfo_not_allowed");
    expect(JSON.stringify(res.body)).not.toContain("hunter2");
  });

  it("loads a stored version written before the field was retired, without it", async () => {
    const doc = defaultConfig() as Record<string, unknown> & { halopsa: Record<string, unknown> };
    doc.halopsa = { ...doc.halopsa, base_url: "http://169.254.169.254/latest", scope: "legacy" };
    await env.DB.prepare(
      "INSERT INTO config_versions (version, document, changed_by) VALUES (?, ?, ?)",
    )
      .bind(900, JSON.stringify(doc), "before-i8")
      .run();
    const admin = await issueKey(["admin"]);
    const res = await api<{ version: number; halopsa: Record<string, unknown> }>("/config", {
      headers: bearer(admin),
    });
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(900);
    expect(res.body.halopsa.scope).toBe("legacy");
    expect(res.body.halopsa).not.toHaveProperty("base_url");
    // And it can be changed again (the stale field does not block a PUT).
    const put = await api("/config", {
      method: "PUT",
      headers: bearer(admin),
      json: { halopsa: { scope: "all" } },
    });
    expect(put.status).toBe(200);
  });
});

describe("HaloGate sends the client secret only to the deployment's host", () => {
  it.each(blocked)("refuses HALO_BASE_URL = $input ($reason) before any request", async (v) => {
    env.ALLOW_LOCAL_HTTP = "false";
    env.HALO_BASE_URL = v.input;
    const { seen } = recordFetches();
    const settings = haloSettings(env, defaultConfig());
    const halo = haloClient(env, settings);
    await expect(read(halo, { method: "GET", path: "/api/Client" })).rejects.toMatchObject({
      code: "SERVICE_UNAVAILABLE",
    });
    const probe = await gateStub(env, settings).probe(settings);
    expect(probe.state).toBe("not_configured");
    expect(probe.reason).toContain("HALO_BASE_URL");
    expect(seen).toEqual([]);
  });

  it("sends nothing to the sandbox when its plain-http URL lacks the dev flag or has userinfo", async () => {
    const t = new SandboxTenant("egress");
    const origin = new URL(t.baseUrl);
    for (const [flag, url] of [
      ["false", t.baseUrl],
      ["true", `${origin.protocol}//lb:${SECRET}@${origin.host}${origin.pathname}`],
    ] as const) {
      env.ALLOW_LOCAL_HTTP = flag;
      env.HALO_BASE_URL = url;
      const settings = haloSettings(env, defaultConfig());
      const result = await gateStub(env, settings).send(settings, {
        method: "GET",
        path: "/api/Client",
      });
      expect(result.kind).toBe("not_configured");
    }
    const stats = await t.stats();
    expect(stats.requests_total).toBe(0);
    expect(stats.tokens_issued).toBe(0);
    expect(stats.auth_failures).toBe(0);
  });

  it("refuses a caller's base URL on another host than HALO_BASE_URL", async () => {
    const { seen } = recordFetches();
    const settings = { ...haloSettings(env, defaultConfig()), baseUrl: "https://halo.example.com" };
    const result = await gateStub(env, settings).send(settings, { method: "GET", path: "/api/X" });
    expect(result).toMatchObject({ kind: "not_configured" });
    expect(seen).toEqual([]);
  });

  it("does not follow a redirect from the token endpoint", async () => {
    const t = new SandboxTenant("redirect");
    useTenantHost(t);
    const calls: { url: string; redirect: string | undefined }[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const request = new Request(input as RequestInfo, init as RequestInit);
      calls.push({ url: request.url, redirect: (init as RequestInit | undefined)?.redirect });
      return new Response(null, { status: 307, headers: { location: "https://evil.example/" } });
    });
    const settings = haloSettings(env, defaultConfig());
    const result = await gateStub(env, settings).send(settings, { method: "GET", path: "/api/X" });
    expect(result.kind).toBe("auth_error");
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url.startsWith(`${t.baseUrl}/auth/token`)).toBe(true);
    expect(calls[0]?.redirect).toBe("manual");
  });

  it("sends the secret to the deployment's host only, through a whole import", async () => {
    const t = new SandboxTenant("secret");
    useTenantHost(t);
    const admin = await issueKey(["admin"]);
    const { seen } = recordFetches();
    const moved = await api("/config", {
      method: "PUT",
      headers: bearer(admin),
      json: { halopsa: { base_url: "https://collector.example.com" } },
    });
    expect(moved.status).toBe(400);
    const res = await api("/sync/leads", {
      method: "POST",
      headers: bearer(admin),
      json: {
        source: "generic",
        data: {
          first_name: "Grace",
          last_name: "Hopper",
          email: "grace@navy.example",
          company: "Navy",
        },
      },
    });
    expect(res.status).toBe(201);
    const withSecret = seen.filter((s) => s.body.includes(encodeURIComponent(SECRET)));
    expect(withSecret.length).toBeGreaterThan(0);
    for (const s of seen) {
      expect(new URL(s.url).origin).toBe(new URL(t.baseUrl).origin);
      expect(s.redirect).toBe("manual");
    }
  });
});

describe("GET /health without a key", () => {
  it("reports states only: no URL, no reason, no gate detail", async () => {
    env.HALO_BASE_URL = "http://ops:hunter2@127.0.0.1:9/halo";
    const open = await api<Record<string, unknown>>("/health");
    expect(open.status).toBe(200);
    expect(open.body).not.toHaveProperty("details");
    const text = JSON.stringify(open.body);
    for (const leak of ["hunter2", "127.0.0.1", "http", "HALO_BASE_URL"]) {
      expect(text).not.toContain(leak);
    }
    // A key holder gets the reason, which names the variable but never echoes its value.
    const reader = await issueKey(["read"]);
    const keyed = await api<{ details: { halopsa: { reason: string } } }>("/health", {
      headers: bearer(reader),
    });
    expect(keyed.body.details.halopsa.reason).toContain("HALO_BASE_URL");
    expect(JSON.stringify(keyed.body)).not.toContain("hunter2");
  });

  it("hides HaloGate's base URL from a caller without a key", async () => {
    const t = new SandboxTenant("health-open");
    useTenantHost(t);
    const open = await api("/health");
    expect(JSON.stringify(open.body)).not.toContain(t.name);
    const reader = await issueKey(["read"]);
    const keyed = await api<{ services: { halopsa: string } }>("/health", {
      headers: bearer(reader),
    });
    expect(keyed.body.services.halopsa).toBe("connected");
  });
});

describe("provider keys go only to base URLs the guard accepts", () => {
  const providers = [
    ["apollo", "APOLLO_BASE_URL", { q_keywords: "x" }],
    ["zoominfo", "ZOOMINFO_BASE_URL", {}],
    ["hunter", "HUNTER_BASE_URL", { domains: ["example.com"] }],
  ] as const;

  it.each(
    providers.flatMap(([provider, variable, filters]) =>
      blocked.map((v) => ({ provider, variable, filters, input: v.input })),
    ),
  )("$provider: $variable = $input is refused before any call", async (c) => {
    const sandbox = new ProviderSandbox();
    await patchConfig({
      providers: { [c.provider]: { saved_searches: [{ id: "guarded", filters: c.filters }] } },
    });
    const { seen } = recordFetches();
    const run = await runProviderSync(
      sandbox.env({ [c.variable]: c.input, ALLOW_LOCAL_HTTP: "false" }),
      c.provider,
      "guarded",
    );
    expect(run.outcome).toBe("not_configured");
    expect(run.error).toContain(c.variable);
    expect(seen).toEqual([]);
  });

  it("sends nothing to the sandbox's plain-http provider URLs without the dev flag", async () => {
    const sandbox = new ProviderSandbox();
    await patchConfig({
      providers: { apollo: { saved_searches: [{ id: "flagless", filters: {} }] } },
    });
    const run = await runProviderSync(
      sandbox.env({ ALLOW_LOCAL_HTTP: "false" }),
      "apollo",
      "flagless",
    );
    expect(run.outcome).toBe("not_configured");
    expect((await sandbox.stats()).apollo?.calls ?? 0).toBe(0);
  });

  it("does not follow a provider's redirect with the key", async () => {
    const calls: RequestInit[] = [];
    const client = new ApolloClient({
      baseUrl: "https://api.apollo.io",
      apiKey: "k",
      fetch: async (_url, init) => {
        calls.push(init ?? {});
        return new Response(null, { status: 302, headers: { location: "https://evil.example/" } });
      },
    });
    const error = await client.searchPeople({}, 1, 10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).code).toBe("REDIRECT_REFUSED");
    expect(calls).toHaveLength(1);
    expect(calls[0]?.redirect).toBe("manual");
  });
});
