import { type Schema, Validator } from "@cfworker/json-schema";
import { createApp } from "../../src/app";

/**
 * Checks answers against the OpenAPI document the app serves, with a standard JSON Schema
 * 2020-12 validator (@cfworker/json-schema: ajv compiles with `new Function`, which workerd
 * forbids). Every request made through `api()` is checked, so the whole suite keeps the
 * document honest: an answer with an undocumented status, or a body its schema does not
 * admit, fails the test that received it.
 */
const DOC_ID = "https://leadbridge.invalid/openapi.json";

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
export interface OpenApiDoc {
  info: { version: string };
  paths: Record<string, Record<string, Operation>>;
  components?: unknown;
}

let docPromise: Promise<OpenApiDoc> | undefined;
const routes: { re: RegExp; template: string }[] = [];
const validators = new Map<string, Validator>();

/** The app's document, generated in this isolate the way `/openapi.json` serves it. */
export function openApiDoc(): Promise<OpenApiDoc> {
  docPromise ??= (async () => {
    const res = await createApp().request("/api/v1/openapi.json");
    const doc = (await res.json()) as OpenApiDoc;
    for (const template of Object.keys(doc.paths)) {
      const source = template
        .split("/")
        .map((p) => (p.startsWith("{") ? "[^/]+" : p.replace(/[.*+?^$()|[\]\\]/g, "\\$&")))
        .join("/");
      routes.push({ re: new RegExp(`^${source}$`), template });
    }
    // Templates with fewer parameters first: a literal segment wins over a parameter.
    const params = (t: string) => t.split("{").length;
    routes.sort((a, b) => params(a.template) - params(b.template));
    return doc;
  })();
  return docPromise;
}

/** The document's path template a request path falls under, if any. */
export async function templateFor(path: string): Promise<string | undefined> {
  await openApiDoc();
  return routes.find((r) => r.re.test(path))?.template;
}

const escapePointer = (s: string) => s.replaceAll("~", "~0").replaceAll("/", "~1");

export interface Violation {
  method: string;
  template: string;
  status: number;
  problem: string;
}

/**
 * Checks one answer. Paths outside the document (the docs page, unknown routes) and
 * methods it does not list (OPTIONS, HEAD, 405s) are checked by their own tests.
 */
export async function checkResponse(
  method: string,
  url: string,
  status: number,
  contentType: string,
  body: unknown,
): Promise<Violation | null> {
  const doc = await openApiDoc();
  const path = new URL(url, "http://localhost").pathname;
  const template = await templateFor(path);
  const m = method.toLowerCase();
  const op = template ? doc.paths[template]?.[m] : undefined;
  if (!template || !op) return null;
  const response = op.responses[String(status)] ?? op.responses.default;
  const where = { method: method.toUpperCase(), template, status };
  if (!response) return { ...where, problem: "status not documented" };
  const media = response.content?.["application/json"];
  if (!media?.schema) {
    const empty = body === "" || body === undefined || body === null;
    return empty || !contentType.includes("json")
      ? null
      : { ...where, problem: "body sent where the document declares none" };
  }
  // A route that also documents another media type (CSV exports) may answer in it.
  const alternatives = Object.keys(response.content ?? {}).filter((t) => t !== "application/json");
  if (alternatives.some((t) => contentType.startsWith(t))) return null;
  if (!contentType.includes("application/json")) {
    return { ...where, problem: `content type ${contentType || "(none)"} instead of JSON` };
  }
  const key = `${m} ${template} ${status}`;
  let validator = validators.get(key);
  if (!validator) {
    const code = op.responses[String(status)] ? String(status) : "default";
    const pointer = ["paths", template, m, "responses", code, "content", "application/json"]
      .map(escapePointer)
      .join("/");
    validator = new Validator({ $ref: `${DOC_ID}#/${pointer}/schema` }, "2020-12", false);
    validator.addSchema({ ...(doc as unknown as Schema), $id: DOC_ID });
    validators.set(key, validator);
  }
  const result = validator.validate(body);
  if (result.valid) return null;
  const errors = result.errors
    .slice(0, 5)
    .map((e) => `${e.instanceLocation}: ${e.error}`)
    .join("; ");
  return { ...where, problem: `body does not match the schema: ${errors}` };
}
