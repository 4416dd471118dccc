import { DurableObject } from "cloudflare:workers";
import type { Hono } from "hono";
import { buildApp } from "./app";
import { TenantContext } from "./halo/context";

/**
 * One simulated HaloPSA tenant: all of its state (records, tokens, rate window, knobs, stats,
 * webhook deliveries) lives in this Durable Object's SQLite storage, so tenants are isolated and
 * requests to one tenant are serialised like writes to one Halo database.
 */
export class SandboxTenant extends DurableObject<SandboxEnv> {
  private readonly app: Hono;

  constructor(ctx: DurableObjectState, env: SandboxEnv) {
    super(ctx, env);
    this.app = buildApp(new TenantContext(ctx.storage.sql, env, ctx));
  }

  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    // Entity names in HaloPSA paths are case-insensitive (/Tickets, /tickets; halopsa-api.md §2).
    if (/^\/(api|auth)\//i.test(url.pathname)) {
      url.pathname = url.pathname.toLowerCase();
      return this.app.fetch(new Request(url, request));
    }
    return this.app.fetch(request);
  }
}
