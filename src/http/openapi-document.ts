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
    "`Cache-Control: no-store` and `X-Content-Type-Options: nosniff`.",
};

const ERROR_REF = { $ref: "#/components/schemas/Error" };
const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ERROR_REF } },
});

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
      servers: [{ url: "/", description: "This deployment" }],
    });
    doc = completeDocument(generated, idempotent);
    return doc;
  };
}
