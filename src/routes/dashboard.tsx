import { Hono } from "hono";
import type { AppEnv } from "../http/types";
import { DASHBOARD_CSP } from "../middleware/http-hygiene";
import { SERVICE_VERSION } from "../version";
import { DashboardPage } from "./dashboard-page";

/** The operators' dashboard at `/`, and its same-origin script and stylesheet. */
export const dashboardRoutes = new Hono<AppEnv>();

dashboardRoutes.get("/", (c) => {
  c.header("Content-Security-Policy", DASHBOARD_CSP);
  return c.html(`<!doctype html>${(<DashboardPage version={SERVICE_VERSION} />).toString()}`);
});

dashboardRoutes.get("/dashboard/*", async (c) => {
  // A copy: the assets binding's answer has immutable headers, and ours add security headers.
  const res = await c.env.ASSETS.fetch(c.req.raw);
  return new Response(res.body, res);
});
