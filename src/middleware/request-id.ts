import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../http/types";

// A caller-supplied id is kept so a trace spans systems, but only if it is short and plain:
// it is echoed into headers and logs.
const SAFE_ID = /^[A-Za-z0-9._-]{1,128}$/;

export const requestId = createMiddleware<AppEnv>(async function requestId(c, next) {
  const incoming = c.req.header("X-Request-Id");
  const id = incoming && SAFE_ID.test(incoming) ? incoming : `req_${crypto.randomUUID()}`;
  c.set("requestId", id);
  await next();
  c.header("X-Request-Id", id);
});
