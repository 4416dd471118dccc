import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./types";
import { validationError } from "./validation";

const TARGET_NAMES: Record<string, string> = {
  json: "request body",
  query: "query string",
  param: "path parameter",
  header: "header",
};

/** Every router shares one validation hook, so every route answers bad input the same way. */
export function newRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw validationError(result.error, TARGET_NAMES[result.target] ?? result.target);
      }
    },
  });
}
