import type { OpenAPIHono } from "@hono/zod-openapi";
import { idempotency } from "../middleware/idempotency";
import { SERVICE_VERSION } from "../version";
import type { AppEnv } from "./types";

type Json = Record<string, unknown>;
type Operation = {
  security?: unknown[];
  parameters?: Json[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
  description?: string;
};
type Document = ReturnType<OpenAPIHono<AppEnv>["getOpenAPI31Document"]>;

export const API_INFO = {
  title: "LeadBridge",
  version: SERVICE_VERSION,
  description:
    "Imports B2B leads from Apollo.io, ZoomInfo and Hunter.io into HaloPSA: cleaned, scored, " +
    "de-duplicated and audited.\n\n" +
    "Every error answers the `Error` envelope with the status its `code` implies. A method a " +
    "path does not serve answers 405 `METHOD_NOT_ALLOWED` with `Allow`; `OPTIONS` on any path " +
    "answers 204 with `Allow`. Request bodies are JSON of at most 1 MiB (48 MiB for bulk " +
    "imports) nested at most 32 levels deep. Responses carry `X-Request-Id`, " +
    "`Cache-Control: no-store` and `X-Content-Type-Options: nosniff`.\n\n" +
    "Rate limits are per API key: by default 1,000 requests per hour, 10 bulk imports per " +
    "hour and 100 concurrent sync operations (`POST /keys` and `PATCH /keys/{id}` set a key's " +
    "own). Every authenticated answer carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and " +
    "`X-RateLimit-Reset` (epoch seconds); over a limit the answer is 429 " +
    "`RATE_LIMIT_EXCEEDED` with `Retry-After` in seconds.",
  contact: { name: "LeadBridge operators" },
  // A private service: the licence says so instead of pretending to be open source.
  license: { name: "Proprietary", identifier: "LicenseRef-LeadBridge-Proprietary" },
};

/** Shown above each group of operations in the reference; a tag missing here gets a plain one. */
const TAG_DESCRIPTIONS: Record<string, string> = {
  Health: "Liveness and the state of the HaloPSA and provider connections; open to everyone.",
  Sync: "Import leads into HaloPSA: one at a time, or thousands as a queued bulk job.",
  Jobs: "Progress, per-lead results and replay of bulk import jobs.",
  "Provider sync":
    "Saved Apollo, ZoomInfo and Hunter searches run on a schedule, with checkpoints.",
  Leads: "The dedup index: every person LeadBridge has seen and where they live in HaloPSA.",
  Lists: "Segments of leads, mirrored onto each lead ticket's tags.",
  Suppressions: "Do-Not-Contact entries that block every import, from any source.",
  Audit: "Every decision LeadBridge took, with the rule that decided it.",
  Errors: "The error log operators read: failed requests, queue chunks, syncs, deliveries.",
  Config: "The integration's configuration: versioned, audited and checked against the tenant.",
  HaloPSA: "Discover the tenant's ids and seed the dedup index from an existing tenant.",
  Keys: "API keys: scopes and per-key rate limits. Secrets are shown once, then only hashed.",
  Webhooks: "Subscriptions to signed outbound events, their deliveries and replays.",
  "Webhook events": "The events LeadBridge POSTs to subscribers (Standard Webhooks signatures).",
};

type Tagged = { tags?: string[] };

/** Every tag the document uses, in order of first use, with its description. */
function tagList(doc: Document): { name: string; description: string }[] {
  const names = new Set<string>();
  const items = [
    ...Object.values(doc.paths ?? {}),
    ...Object.values((doc as { webhooks?: Record<string, unknown> }).webhooks ?? {}),
  ];
  for (const item of items) {
    for (const op of Object.values((item ?? {}) as Record<string, Tagged>)) {
      for (const tag of (typeof op === "object" && op?.tags) || []) names.add(tag);
    }
  }
  return [...names].map((name) => ({
    name,
    description: TAG_DESCRIPTIONS[name] ?? `${name} operations.`,
  }));
}

const ERROR_REF = { $ref: "#/components/schemas/Error" };
const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ERROR_REF } },
});

const integerHeader = (description: string) => ({ description, schema: { type: "integer" } });
const RATE_LIMITED_HEADERS = {
  "X-RateLimit-Limit": integerHeader("The limit that refused"),
  "X-RateLimit-Remaining": integerHeader("0"),
  "X-RateLimit-Reset": integerHeader("When that limit resets, in epoch seconds"),
  "Retry-After": integerHeader("Seconds to wait before retrying"),
};

const IDEMPOTENCY_PARAMETER = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description:
    "Makes a retry safe: the same key and body within 24 hours replay the stored 2xx answer " +
    "(with `Idempotent-Replayed: true`); the same key with another body is 422; a request " +
    "still running with the key is 409.",
  schema: { type: "string", pattern: "^[A-Za-z0-9._:-]{8,255}$" },
};

/** `post /api/v1/sync/jobs/{id}/retry` → `postSyncJobsByIdRetry`: names for generated clients. */
function operationId(method: string, path: string): string {
  const words = path
    .replace(/^\/api\/v1\//, "")
    .split("/")
    .flatMap((part) => (part.startsWith("{") ? ["by", part.slice(1, -1)] : [part]))
    .flatMap((part) => part.split(/[^A-Za-z0-9]+/))
    .filter(Boolean);
  return method + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
}

/** Hono writes path parameters as `:id`, OpenAPI as `{id}`. */
const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, "{$1}");

/**
 * Adds the answers the shared middleware gives to every operation they run on, so a route file
 * declares only its own outcomes and a new route is documented completely without a list to
 * keep: 401/403 (authentication), 400/413/415 (body guard on every POST/PUT/PATCH, validation),
 * 400 (parameters),
 * 409/422 and the `Idempotency-Key` header (idempotency middleware, found on the route itself),
 * 500 (anything unexpected). Statuses a route declares itself are left as they are.
 */
export function completeDocument(doc: Document, idempotent: ReadonlySet<string>): Document {
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, value] of Object.entries(item as Record<string, Operation>)) {
      if (typeof value !== "object" || value === null || !("responses" in value)) continue;
      const op = value as Operation & { operationId?: string };
      op.operationId ??= operationId(method, path);
      const add = (status: number, description: string) => {
        op.responses[String(status)] ??= errorResponse(description);
      };
      // Scopes belong to API keys; HaloPSA's Basic-auth webhook declares its own 401.
      if (op.security?.some((s) => typeof s === "object" && s !== null && "bearerAuth" in s)) {
        add(401, "Missing, unknown or revoked API key");
        add(403, "The API key lacks the required scope");
        op.responses["429"] ??= {
          ...errorResponse("Over one of the API key's rate limits; retry after Retry-After"),
          headers: RATE_LIMITED_HEADERS,
        };
      }
      // The body guard reads every POST/PUT/PATCH body, declared or not.
      if (op.requestBody || ["post", "put", "patch"].includes(method)) {
        add(400, "Invalid input; `details.field` names the field at fault");
        add(413, "Body too large");
        add(415, "Body is not application/json");
      }
      if ((op.parameters ?? []).length > 0) {
        add(400, "Invalid parameter; `details.field` names it");
      }
      if (idempotent.has(`${method.toUpperCase()} ${path}`)) {
        op.parameters = [...(op.parameters ?? []), IDEMPOTENCY_PARAMETER];
        add(400, "Invalid input; `details.field` names the field at fault");
        add(409, "A request with this Idempotency-Key is still being processed");
        add(422, "IDEMPOTENCY_KEY_REUSED: the key was used with a different request");
      }
      add(500, "Unexpected error; logged with the request id");
    }
  }
  // Outbound webhooks (events LeadBridge POSTs to subscribers) carry no API key: the receiver
  // checks their Standard Webhooks signature, described on each event.
  const webhooks = (doc as { webhooks?: Record<string, Record<string, Json>> }).webhooks ?? {};
  for (const [name, item] of Object.entries(webhooks)) {
    for (const [method, op] of Object.entries(item)) {
      op.security ??= [];
      op.operationId ??= operationId(method, `/webhook/${name}`);
    }
  }
  return doc;
}

/** The served document, built once from the app's routes. */
export function openApiDocument(app: OpenAPIHono<AppEnv>): () => Document {
  let doc: Document | undefined;
  return () => {
    if (doc) return doc;
    const idempotent = new Set(
      app.routes
        .filter((r) => r.handler === idempotency)
        .map((r) => `${r.method.toUpperCase()} ${toOpenApiPath(r.path)}`),
    );
    const generated = app.getOpenAPI31Document({
      openapi: "3.1.0",
      info: API_INFO,
      // Paths carry /api/v1 themselves; "/" is whichever host served the document, so the
      // reference's "try it" calls the deployment it was loaded from.
      servers: [{ url: "/", description: "This deployment" }],
    });
    doc = completeDocument(generated, idempotent);
    doc.tags = tagList(doc);
    return doc;
  };
}
