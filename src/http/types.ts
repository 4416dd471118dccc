import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Principal } from "../auth/principal";

export interface AppVariables {
  requestId: string;
  principal: Principal;
}

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}

export type App = OpenAPIHono<AppEnv>;
