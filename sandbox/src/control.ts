import { Hono } from "hono";
import { z } from "zod";
import type { TenantContext } from "./halo/context";
import { wipe } from "./halo/db";
import { jsonResponse } from "./halo/json";
import { type Knobs, knobsPatchSchema } from "./halo/knobs";
import { listDeliveries } from "./halo/webhooks";

const clockSchema = z.object({ advance_seconds: z.number() }).strict();

async function readJson(req: Request): Promise<{ ok: true; value: unknown } | { ok: false }> {
  try {
    return { ok: true, value: await req.json() };
  } catch {
    return { ok: false };
  }
}

const invalid = (error: z.ZodError) =>
  jsonResponse({ error: "invalid_body", issues: z.flattenError(error).fieldErrors }, 400);

/**
 * The sandbox's own control plane under /_sandbox (no HaloPSA path starts with an underscore).
 * Never rate limited, faulted or counted in stats.
 */
export function controlRoutes(t: TenantContext): Hono {
  const app = new Hono();

  app.get("/", () =>
    jsonResponse({
      endpoints: [
        "GET/PUT /_sandbox/knobs",
        "POST /_sandbox/reset",
        "GET /_sandbox/stats",
        "GET /_sandbox/webhooks",
        "GET/POST /_sandbox/echo",
        "POST /_sandbox/clock",
      ],
    }),
  );

  app.get("/knobs", () => jsonResponse(t.knobs()));

  app.put("/knobs", async (c) => {
    const body = await readJson(c.req.raw);
    if (!body.ok) return jsonResponse({ error: "invalid_json" }, 400);
    const parsed = knobsPatchSchema.safeParse(body.value);
    if (!parsed.success) return invalid(parsed.error);
    const { storm_seconds, ...patch } = parsed.data;
    const next: Partial<Knobs> = { ...patch };
    if (storm_seconds !== undefined) next.storm_until = t.now() + Math.round(storm_seconds * 1000);
    // A new seed restarts the fault sequence, so a test gets the same faults on every run.
    if (patch.seed !== undefined && patch.seed !== null) t.dice.reseed(patch.seed);
    return jsonResponse(t.knobStore.patch(next));
  });

  app.post("/reset", () => {
    // Records, tokens, window, stats, deliveries and knob overrides go; lookups are code.
    wipe(t.sql);
    return jsonResponse({ ok: true, knobs: t.knobs() });
  });

  app.get("/stats", () => {
    const knobs = t.knobs();
    return jsonResponse({
      ...t.stats.read(),
      window: t.window.usage(t.now(knobs), knobs.rate_limit, knobs.rate_window_seconds),
    });
  });

  app.get("/webhooks", () => jsonResponse({ deliveries: listDeliveries(t) }));

  app.post("/clock", async (c) => {
    const body = await readJson(c.req.raw);
    if (!body.ok) return jsonResponse({ error: "invalid_json" }, 400);
    const parsed = clockSchema.safeParse(body.value);
    if (!parsed.success) return invalid(parsed.error);
    const knobs = t.knobStore.patch({
      clock_offset_ms: t.knobs().clock_offset_ms + Math.round(parsed.data.advance_seconds * 1000),
    });
    return jsonResponse({
      now: new Date(t.now(knobs)).toISOString(),
      clock_offset_ms: knobs.clock_offset_ms,
    });
  });

  // A webhook receiver for tests, demos and the bench: records every request — all headers and
  // the raw body, byte for byte, so signatures can be verified — and answers `echo_status`.
  app.post("/echo", async (c) => {
    const text = await c.req.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // keep the raw text
    }
    const status = t.knobs().echo_status;
    const entry = {
      received_at: new Date().toISOString(),
      authorization: c.req.header("authorization") ?? null,
      content_type: c.req.header("content-type") ?? null,
      headers: Object.fromEntries(c.req.raw.headers),
      raw: text,
      body,
      answered: status,
    };
    t.sql.exec("INSERT INTO echoes (data) VALUES (?)", JSON.stringify(entry));
    return jsonResponse({ ok: status < 300 }, status);
  });

  // `?count_only=true` answers just the count (the bench's thousands of deliveries).
  app.get("/echo", (c) => {
    const count =
      t.sql.exec<{ n: number }>("SELECT count(*) AS n FROM echoes").toArray()[0]?.n ?? 0;
    if (c.req.query("count_only") === "true") return jsonResponse({ count });
    return jsonResponse({
      count,
      received: t.sql
        .exec<{ data: string }>("SELECT data FROM echoes ORDER BY seq")
        .toArray()
        .map((row) => JSON.parse(row.data) as unknown),
    });
  });

  return app;
}
