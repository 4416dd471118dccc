import { mkdirSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CHROMIUM } from "./stack";

const { base, key } = inject("browserStack");
const OUT = "test-results";
const STEPS = ["leads", "prospects", "opportunities", "won"] as const;

let browser: Browser;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
});

afterAll(async () => {
  await browser?.close();
});

/** Opens the dashboard, signs in with the key and waits for the first full refresh. */
async function signIn(page: Page, problems: string[]): Promise<void> {
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));
  await page.goto(`${base}/`);
  await page.fill("#api-key", key);
  await page.click("#sign-in-form button[type=submit]");
  await page.waitForSelector("body[data-loaded=true]", { timeout: 20_000 });
}

const asNumber = (text: string | null) => Number((text ?? "").replace(/,/g, ""));

describe("the dashboard in Chromium", () => {
  it("signs in and shows the analytics API's funnel after the demo", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    await signIn(page, problems);

    const shown = Object.fromEntries(
      await Promise.all(
        STEPS.map(async (s) => [s, asNumber(await page.textContent(`[data-funnel="${s}"]`))]),
      ),
    );
    const res = await fetch(`${base}/api/v1/analytics/sync`, {
      headers: { authorization: `Bearer ${key}` },
    });
    const api = (await res.json()) as { funnel: Record<string, number> };
    expect(shown).toEqual(api.funnel);
    expect(api.funnel.leads).toBeGreaterThan(0);
    // The demo's jobs and saved searches are listed.
    expect(await page.locator("#jobs-list tbody tr").count()).toBeGreaterThan(0);
    expect(await page.locator("#providers-list tbody tr").count()).toBeGreaterThan(0);

    // The key stays out of the URL and out of cookies; the CSP refused nothing.
    expect(page.url()).not.toContain(key);
    expect(await context.cookies()).toEqual([]);
    expect(problems.filter((p) => !p.includes("404"))).toEqual([]);
    await page.screenshot({ path: `${OUT}/dashboard-1280.png`, fullPage: true });
    await context.close();
  });

  it("uploads a CSV export and follows its job to the end", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, []);
    const csv =
      '"First Name","Last Name","Title","Company","Email","Website"\n' +
      "Uma,Upload,CTO,Upload Works,uma@upload-works.example,https://upload-works.example\n" +
      "Udo,Upload,CFO,Upload Works,udo@upload-works.example,https://upload-works.example\n";
    await page.selectOption("#upload-source", "apollo");
    await page.setInputFiles("#upload-file", {
      name: "apollo-export.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(csv),
    });
    await page.click("#upload-form button[type=submit]");
    await page.waitForSelector("#upload-result:has-text('Accepted: job')");
    const job = /job_[0-9a-z]{26}/.exec((await page.textContent("#upload-result")) ?? "")?.[0];
    expect(job).toBeDefined();
    // Polled while it runs: the row turns "completed" without a reload.
    await page.waitForSelector(`tr[data-job="${job}"] .badge.completed`, { timeout: 30_000 });
    expect(await page.textContent(`tr[data-job="${job}"]`)).toContain("2 / 2");
    await context.close();
  });

  it("refuses a wrong key and keeps nothing", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.fill("#api-key", "lb_not_a_real_key_at_all");
    await page.click("#sign-in-form button[type=submit]");
    await page.waitForSelector("#sign-in-error:not([hidden])");
    expect(await page.isHidden("#board")).toBe(true);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await context.close();
  });

  it("fits a phone's width in one column", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await signIn(page, []);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    const [first, second] = await Promise.all(
      ["#funnel", "#imports"].map((s) => page.locator(s).boundingBox()),
    );
    expect(second?.x).toBe(first?.x);
    await page.screenshot({ path: `${OUT}/dashboard-390.png`, fullPage: true });
    await context.close();
  });
});
