import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DASHBOARD_CSP } from "../../src/middleware/http-hygiene";

const get = (path: string) => exports.default.fetch(`http://localhost${path}`);

describe("the dashboard at /", () => {
  it("serves the page with no data in it, under a CSP that allows only same-origin script", async () => {
    const res = await get("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(res.headers.get("Content-Security-Policy")).toBe(DASHBOARD_CSP);
    expect(res.headers.get("X-Frame-Options")).toBe("DENY");
    const html = await res.text();
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain('<script src="/dashboard/app.js" defer=""></script>');
    expect(html).toContain('id="sign-in-form"');
    for (const step of ["leads", "prospects", "opportunities", "won"])
      expect(html).toContain(`data-funnel="${step}"`);
    // No inline script: the CSP would refuse it anyway.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it("serves its script and stylesheet from the static assets, with the security headers", async () => {
    const js = await get("/dashboard/app.js");
    expect(js.status).toBe(200);
    expect(js.headers.get("Content-Type")).toMatch(/javascript/);
    expect(js.headers.get("X-Content-Type-Options")).toBe("nosniff");
    const script = await js.text();
    expect(script).toContain("sessionStorage");
    // The key is sent as a header only, never put in a URL or a cookie.
    expect(script).not.toMatch(/document\.cookie|[?&]key=/);
    const css = await get("/dashboard/dashboard.css");
    expect(css.status).toBe(200);
    expect(css.headers.get("Content-Type")).toMatch(/text\/css/);
    expect(await css.text()).toContain("@media (max-width: 700px)");
    expect((await get("/dashboard/missing.js")).status).toBe(404);
  });

  it("leaves the API's answers as they were", async () => {
    const res = await get("/api/v1/nothing-here");
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      "RESOURCE_NOT_FOUND",
    );
  });
});
