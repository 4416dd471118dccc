import type { Hono } from "hono";
import type { TenantContext } from "../context";
import { findEntity } from "../entities";
import { jsonResponse, parseJsonBody } from "../json";
import { listRecords, lowerParams } from "../query";
import { type CustomFieldSelection, renderRecord } from "../render";
import { upsert } from "../upsert";
import { buildPayloads, deliver } from "../webhooks";

const notFound = (what: string) => jsonResponse({ error: "not_found", message: what }, 404);

function customFieldSelection(params: URLSearchParams): CustomFieldSelection {
  const raw = params.get("include_custom_fields");
  if (!raw) return "none";
  return new Set(
    raw
      .split(",")
      .map((s) => Number(s.trim()))
      .filter(Number.isInteger),
  );
}

/** GET list, GET by id, POST upsert and DELETE for every entity in entities.ts. */
export function entityRoutes(app: Hono, t: TenantContext): void {
  app.get("/api/:entity", (c) => {
    const def = findEntity(c.req.param("entity"));
    if (!def) return notFound(`No such endpoint /api/${c.req.param("entity")}`);
    const params = lowerParams(new URL(c.req.url));
    const result = listRecords(def, t.store.all(def.entity), params, t.knobs());
    if (!result.ok) return jsonResponse(result.body, result.status);
    const selection = customFieldSelection(params);
    return jsonResponse({
      record_count: result.total,
      [def.envelope]: result.items.map((r) => renderRecord(def.entity, r, selection)),
    });
  });

  app.get("/api/:entity/:id", (c) => {
    const def = findEntity(c.req.param("entity"));
    const id = Number(c.req.param("id"));
    if (!def || !Number.isInteger(id)) return notFound(`No such endpoint ${c.req.path}`);
    const record = t.store.get(def.entity, id);
    if (!record) return notFound(`No ${def.envelope} record with id ${id}`);
    const body = renderRecord(def.entity, record, "all");
    // Usually the bare object; some versions wrap it as {tickets:[obj]} (asachs01, halopsa-api.md §3.2).
    return jsonResponse(
      t.knobs().single_get_mode === "wrapped" ? { [def.envelope]: [body] } : body,
    );
  });

  app.post("/api/:entity", async (c) => {
    const def = findEntity(c.req.param("entity"));
    if (!def) return notFound(`No such endpoint /api/${c.req.param("entity")}`);
    const knobs = t.knobs();
    let body: unknown;
    try {
      body = parseJsonBody(await c.req.text());
    } catch {
      return jsonResponse({ "": "Unexpected character encountered while parsing value." }, 400);
    }
    let items: unknown[];
    if (Array.isArray(body)) items = body;
    else if (knobs.accept_bare_object && typeof body === "object" && body !== null) items = [body];
    else {
      // The spec types every POST body as an array (halopsa-api.md §3.1); a bare object is a knob.
      return jsonResponse(
        {
          "": "Cannot deserialize the current JSON object into type 'List`1' because the type requires a JSON array.",
        },
        400,
      );
    }
    if (items.length === 0) return jsonResponse({ "": "At least one record is required." }, 400);

    const result = upsert(t, def, items, knobs);
    if (!result.ok) {
      const notFound = result.missingId && knobs.upsert_missing_id === "not_found_404";
      return jsonResponse(result.issues, notFound ? 404 : 400);
    }

    if (result.changes.length > 0 && knobs.webhook_url) {
      // Off the response path, as Halo queues its webhook posts.
      t.state.waitUntil(deliver(t, buildPayloads(t, result.changes, knobs), knobs));
    }

    const rendered = result.saved.map((r) => renderRecord(def.entity, r, "all"));
    const returnAll = new URL(c.req.url).searchParams.get("returnall")?.toLowerCase() === "true";
    // One item -> the saved object (halopsa-api.md §3.1). Several: all with ?returnall=true (HaloAPI -ReturnAll),
    // otherwise undocumented, so post_response_mode decides.
    let reply: unknown;
    if (rendered.length === 1) reply = rendered[0];
    else if (returnAll || knobs.post_response_mode === "array") reply = rendered;
    else reply = knobs.post_response_mode === "last" ? rendered[rendered.length - 1] : rendered[0];
    return jsonResponse(reply, 201);
  });

  app.delete("/api/:entity/:id", (c) => {
    const def = findEntity(c.req.param("entity"));
    const id = Number(c.req.param("id"));
    if (!def || !Number.isInteger(id)) return notFound(`No such endpoint ${c.req.path}`);
    if (!t.store.delete(def.entity, id)) return notFound(`No ${def.envelope} record with id ${id}`);
    return new Response(null, { status: 200 });
  });
}
