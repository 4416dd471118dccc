import { exports } from "cloudflare:workers";
import { checkResponse } from "./openapi-check";

export const BASE = "http://localhost/api/v1";

export interface ApiResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** Calls the Worker's fetch handler as a client would, parsing JSON answers. */
export async function api<T = Record<string, unknown>>(
  path: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<ApiResult<T>> {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined) headers.set("Content-Type", "application/json");
  const res = await exports.default.fetch(`${BASE}${path}`, {
    ...rest,
    headers,
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
  const text = await res.text();
  const type = res.headers.get("Content-Type") ?? "";
  const body = (type.includes("json") && text ? JSON.parse(text) : text) as T;
  const method = rest.method ?? "GET";
  const violation = await checkResponse(method, `${BASE}${path}`, res.status, type, body);
  if (violation) {
    throw new Error(
      `Answer not in the OpenAPI document: ${violation.method} ${violation.template} ` +
        `${violation.status}: ${violation.problem}\n${text.slice(0, 500)}`,
    );
  }
  return { status: res.status, headers: res.headers, body };
}
