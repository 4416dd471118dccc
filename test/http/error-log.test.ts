import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../../src/db/client";
import { recordError } from "../../src/db/error-log-repo";
import { api } from "../helpers/api";
import { bearer, issueKey } from "../helpers/keys";

interface Entry {
  id: string;
  timestamp: string;
  level: string;
  message: string;
  source: string | null;
  details: { lead_id: string | null; error_code: string; request_id: string | null };
}
interface ErrorList {
  errors: Entry[];
  pagination: { total: number; page: number; limit: number };
}

let auth: Record<string, string>;

// Seven entries over three days, written through the one writer: 3 errors, 2 warnings, 2 infos.
beforeAll(async () => {
  auth = bearer(await issueKey(["admin"]));
  const db = database(env.DB);
  const entries = [
    ["2024-01-23T10:00:00.000Z", "error", "CHUNK_FAILED", null],
    ["2024-01-23T11:00:00.000Z", "info", "NOTE", null],
    ["2024-01-24T09:00:00.000Z", "warning", "RATE_LIMIT_EXCEEDED", null],
    ["2024-01-24T12:00:00.000Z", "error", "VALIDATION_ERROR", "ld_01hqz0000000000000000000aa"],
    ["2024-01-25T08:00:00.000Z", "warning", "BUDGET_EXHAUSTED", null],
    ["2024-01-25T09:30:00.000Z", "error", "EXTERNAL_API_ERROR", null],
    ["2024-01-25T10:00:00.000Z", "info", "NOTE", null],
  ] as const;
  for (const [at, level, code, leadId] of entries) {
    await recordError(
      db,
      {
        level,
        code,
        message: `${code} at ${at}`,
        source: "provider-sync:apollo:default",
        detail: leadId ? { lead_id: leadId } : null,
      },
      new Date(at),
    );
  }
});

const list = (query = "") => api<ErrorList>(`/errors${query}`, { headers: auth });

describe("GET /errors", () => {
  it("lists the log newest first in the seed's shape", async () => {
    const res = await list();
    expect(res.status).toBe(200);
    expect(res.body.pagination).toEqual({ total: 7, page: 1, limit: 50 });
    expect(res.body.errors.map((e) => e.timestamp)).toEqual([
      "2024-01-25T10:00:00.000Z",
      "2024-01-25T09:30:00.000Z",
      "2024-01-25T08:00:00.000Z",
      "2024-01-24T12:00:00.000Z",
      "2024-01-24T09:00:00.000Z",
      "2024-01-23T11:00:00.000Z",
      "2024-01-23T10:00:00.000Z",
    ]);
    const withLead = res.body.errors[3];
    expect(withLead).toMatchObject({
      level: "error",
      message: "VALIDATION_ERROR at 2024-01-24T12:00:00.000Z",
      source: "provider-sync:apollo:default",
      details: { lead_id: "ld_01hqz0000000000000000000aa", error_code: "VALIDATION_ERROR" },
    });
    expect(withLead?.id).toMatch(/^err_\d+$/);
  });

  it("filters by level, start date (a day or a date-time), and both", async () => {
    const warnings = await list("?level=warning");
    expect(warnings.body.errors.map((e) => e.details.error_code)).toEqual([
      "BUDGET_EXHAUSTED",
      "RATE_LIMIT_EXCEEDED",
    ]);
    expect(warnings.body.pagination.total).toBe(2);
    const fromDay = await list("?start_date=2024-01-24");
    expect(fromDay.body.pagination.total).toBe(5);
    const fromMoment = await list("?start_date=2024-01-25T09:30:00Z");
    expect(fromMoment.body.errors.map((e) => e.timestamp)).toEqual([
      "2024-01-25T10:00:00.000Z",
      "2024-01-25T09:30:00.000Z",
    ]);
    const both = await list("?level=error&start_date=2024-01-24T00:00:00");
    expect(both.body.errors.map((e) => e.details.error_code)).toEqual([
      "EXTERNAL_API_ERROR",
      "VALIDATION_ERROR",
    ]);
  });

  it("pages with limit and page, totals unchanged", async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const res = await list(`?limit=3&page=${page}`);
      expect(res.body.pagination).toEqual({ total: 7, page, limit: 3 });
      seen.push(...res.body.errors.map((e) => e.id));
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    const past = await list("?limit=3&page=4");
    expect(past.body.errors).toEqual([]);
  });

  it("refuses a bad level, date or limit with the field named, and non-admin keys", async () => {
    for (const [query, field] of [
      ["?level=warn", "level"],
      ["?start_date=yesterday", "start_date"],
      ["?start_date=2024-13-45", "start_date"],
      ["?limit=0", "limit"],
    ] as const) {
      const res = await api<{ error: { code: string; details: { field: string } } }>(
        `/errors${query}`,
        { headers: auth },
      );
      expect(res.status, query).toBe(400);
      expect(res.body.error.details.field, query).toBe(field);
    }
    const reader = await issueKey(["read"]);
    expect((await api("/errors", { headers: bearer(reader) })).status).toBe(403);
  });
});
