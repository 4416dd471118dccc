import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { parse } from "csv-parse/sync";
import { describe, expect, inject, it } from "vitest";
import type { ImportSummary } from "../src/cli/import.js";
import type { Io } from "../src/cli/io.js";
import { run } from "../src/cli/main.js";
import { Progress } from "../src/cli/progress.js";
import { HaloIntegration, type JobDetail } from "../src/index.js";

const stack = inject("stack");
const client = new HaloIntegration({ apiKey: stack.key, baseUrl: stack.api });
const dir = mkdtempSync(path.join(tmpdir(), "leadbridge-cli-"));
const ROOT = path.resolve(import.meta.dirname, "../../..");

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], extra: Partial<Io> = {}): Promise<Captured> {
  let stdout = "";
  let stderr = "";
  const err = new PassThrough();
  err.on("data", (d) => {
    stderr += String(d);
  });
  const io: Io = {
    out: (t) => {
      stdout += t;
    },
    log: (t) => {
      stderr += `${t}\n`;
    },
    stderr: err,
    env: { LEADBRIDGE_URL: stack.api, LEADBRIDGE_API_KEY: stack.key, LEADBRIDGE_POLL_MS: "250" },
    signal: new AbortController().signal,
    ...extra,
  };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const csvLine = (cells: string[]) => `${cells.map(csvCell).join(",")}\n`;

/** Apollo's people export columns (a subset of the real export, in its order and spelling). */
const APOLLO_HEADER = [
  "First Name",
  "Last Name",
  "Title",
  "Company",
  "Company Name for Emails",
  "Email",
  "Email Status",
  "Seniority",
  "Departments",
  "Work Direct Phone",
  "Mobile Phone",
  "Corporate Phone",
  "# Employees",
  "Industry",
  "Person Linkedin Url",
  "Website",
  "Company Linkedin Url",
  "City",
  "State",
  "Country",
  "Apollo Contact Id",
];

/** Row i of a generated Apollo export; every 97th has a broken email, every 211th no identity. */
function apolloRow(i: number): { cells: string[]; invalid: boolean } {
  const co = `Apollo Csv ${i % 400}`;
  const domain = `apollo-csv-${i % 400}.example`;
  const brokenEmail = i % 97 === 5;
  const anonymous = i % 211 === 3;
  return {
    invalid: brokenEmail || anonymous,
    cells: [
      anonymous ? "" : `Ann${i}`,
      anonymous ? "" : `Export${i}`,
      "VP Sales",
      co,
      co,
      anonymous ? "" : brokenEmail ? `ann${i}.at.${domain}` : `ann${i}@${domain}`,
      "Verified",
      "vp",
      "Sales",
      "",
      "",
      `+1 415 555 ${String(1000 + (i % 400)).slice(-4)}`,
      "120",
      "Computer Software",
      anonymous ? "" : `http://www.linkedin.com/in/ann-export-${i}`,
      `http://www.${domain}`,
      `http://www.linkedin.com/company/apollo-csv-${i % 400}`,
      "Austin",
      "Texas",
      "United States",
      `64f0${String(i).padStart(20, "0")}`,
    ],
  };
}

/** ZoomInfo's contact export columns (subset, real spelling). */
const ZOOMINFO_HEADER = [
  "ZoomInfo Contact ID",
  "Last Name",
  "First Name",
  "Job Title",
  "Management Level",
  "Email Address",
  "Direct Phone Number",
  "Mobile phone",
  "Person City",
  "Person State",
  "Country",
  "Company Name",
  "Website",
  "Revenue (in 000s USD)",
  "Employees",
  "Primary Industry",
];

function zoominfoRow(i: number): { cells: string[]; invalid: boolean } {
  const invalid = i % 50 === 9;
  return {
    invalid,
    cells: [
      String(900_000 + i),
      `Zed${i}`,
      `Zoe${i}`,
      "Director of IT",
      "Director",
      invalid ? "zoe@@broken" : `zoe${i}@zi-csv-${i % 100}.example`,
      "",
      "",
      "Boston",
      "Massachusetts",
      "United States",
      `ZI Csv ${i % 100}`,
      `www.zi-csv-${i % 100}.example`,
      "25000",
      "250",
      "Software",
    ],
  };
}

function writeCsv(name: string, header: string[], rows: { cells: string[]; invalid: boolean }[]) {
  const file = path.join(dir, name);
  writeFileSync(file, csvLine(header) + rows.map((r) => csvLine(r.cells)).join(""));
  const invalid = rows.flatMap((r, i) => (r.invalid ? [i + 1] : []));
  return { file, invalid };
}

async function jobsOf(summary: ImportSummary): Promise<JobDetail[]> {
  return Promise.all(summary.jobs.map((id) => client.jobs.get(id)));
}

function sumJobs(jobs: JobDetail[]) {
  const byAction: Record<string, number> = {};
  for (const j of jobs)
    for (const [k, v] of Object.entries(j.by_action)) byAction[k] = (byAction[k] ?? 0) + v;
  return {
    total: jobs.reduce((n, j) => n + j.total, 0),
    successful: jobs.reduce((n, j) => n + j.successful, 0),
    failed: jobs.reduce((n, j) => n + j.failed, 0),
    by_action: byAction,
  };
}

function rejectedRows(file: string): { row: number; reason: string; Email?: string }[] {
  return parse(readFileSync(file), { columns: true }) as { row: number; reason: string }[];
}

describe("leadbridge import", () => {
  const apollo = writeCsv(
    "apollo-people-export.csv",
    APOLLO_HEADER,
    Array.from({ length: 5000 }, (_, i) => apolloRow(i)),
  );

  it("imports a 5,000-row Apollo export: the summary equals the jobs' totals, rejected.csv the invalid rows", async () => {
    const started = Date.now();
    const r = await cli(["import", apollo.file, "--source", "apollo", "--json"]);
    const elapsed = Date.now() - started;
    expect(r.code).toBe(1); // finished, with refused rows
    const summary = JSON.parse(r.stdout) as ImportSummary;
    expect(summary.rows).toBe(5000);
    expect(summary.jobs).toHaveLength(5);
    const totals = sumJobs(await jobsOf(summary));
    expect(totals.total).toBe(5000);
    expect({
      total: summary.total,
      successful: summary.successful,
      failed: summary.failed,
      by_action: summary.by_action,
    }).toEqual(totals);
    expect(summary.by_action.rejected).toBe(apollo.invalid.length);
    expect(summary.by_action.created).toBe(5000 - apollo.invalid.length);

    const rejected = rejectedRows(path.join(dir, "apollo-people-export.rejected.csv"));
    expect(rejected.map((x) => Number(x.row))).toEqual(apollo.invalid);
    expect(rejected.every((x) => x.reason.length > 0)).toBe(true);
    expect(rejected.find((x) => Number(x.row) === 6)?.reason).toMatch(/email/);
    console.info(`cli: 5,000-row Apollo import took ${elapsed} ms`);
  });

  it("a second run of the same file creates nothing new", async () => {
    const before = (await client.jobs.list({ limit: 100 })).jobs.length;
    const r = await cli(["import", apollo.file, "--source", "apollo", "--json"]);
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.stdout) as ImportSummary;
    expect(summary.resumed).toBe(true);
    expect(summary.by_action.created).toBe(5000 - apollo.invalid.length);
    expect((await client.jobs.list({ limit: 100 })).jobs.length).toBe(before);
  });

  const zoominfo = writeCsv(
    "zoominfo-contacts.csv",
    ZOOMINFO_HEADER,
    Array.from({ length: 600 }, (_, i) => zoominfoRow(i)),
  );

  it("resumes an interrupted ZoomInfo import without sending a chunk twice", async () => {
    const abort = new AbortController();
    const first = await cli(
      ["import", zoominfo.file, "--source", "zoominfo", "--chunk-size", "200", "--json"],
      { signal: abort.signal, onChunkSent: (n) => n === 1 && abort.abort() },
    );
    expect(first.code).toBe(130);
    expect(first.stderr).toMatch(/resume/);
    const state = JSON.parse(readFileSync(`${zoominfo.file}.leadbridge.json`, "utf8"));
    expect(state.chunks).toHaveLength(1);

    const second = await cli([
      "import",
      zoominfo.file,
      "--source",
      "zoominfo",
      "--chunk-size",
      "250",
    ]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/resuming: 1 chunk/);
    expect(second.stderr).toMatch(/ETA/); // progress lines (plain: stderr is not a TTY here)
    expect(second.stdout).toMatch(/rows read\s+600/);
    const resumed = JSON.parse(readFileSync(`${zoominfo.file}.leadbridge.json`, "utf8"));
    expect(resumed.chunks.map((c: { index: number }) => c.index)).toEqual([0, 1, 2]);
    expect(resumed.chunks[0].job_id).toBe(state.chunks[0].job_id);
    const totals = sumJobs(
      await Promise.all(resumed.chunks.map((c: { job_id: string }) => client.jobs.get(c.job_id))),
    );
    expect(totals.total).toBe(600);
    expect(totals.by_action.created).toBe(600 - zoominfo.invalid.length);
    const rejected = rejectedRows(path.join(dir, "zoominfo-contacts.rejected.csv"));
    expect(rejected.map((x) => Number(x.row))).toEqual(zoominfo.invalid);

    // Imported afresh (--restart): new jobs, but every lead is already known.
    const again = await cli([
      "import",
      zoominfo.file,
      "--source",
      "zoominfo",
      "--restart",
      "--json",
    ]);
    const summary = JSON.parse(again.stdout) as ImportSummary;
    expect(summary.resumed).toBe(false);
    expect(summary.total).toBe(600);
    expect(summary.by_action.created ?? 0).toBe(0);
    expect(summary.by_action.rejected).toBe(zoominfo.invalid.length);
  });

  it("exits 0 when every row is imported, with a header-only rejected file", async () => {
    const file = path.join(dir, "clean.csv");
    writeFileSync(
      file,
      "E-mail,FIRST NAME,last_name\nc1@clean-cli.example,Cy,One\nc2@clean-cli.example,Cy,Two\n",
    );
    const r = await cli(["import", file, "--source", "generic"]);
    expect(r.stderr).not.toMatch(/leadbridge:/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/created\s+2/);
    expect(readFileSync(path.join(dir, "clean.rejected.csv"), "utf8")).toBe(
      "row,line,outcome,reason,E-mail,FIRST NAME,last_name\n",
    );
  });

  it("refuses a file with no identifying column, and bad flags, with their exit codes", async () => {
    const file = path.join(dir, "no-identity.csv");
    writeFileSync(file, "Company,City\nAcme,Paris\n");
    expect((await cli(["import", file, "--source", "generic"])).code).toBe(6);
    expect((await cli(["import", file, "--source", "linkedin"])).code).toBe(2);
    expect((await cli(["import", path.join(dir, "missing.csv"), "--source", "generic"])).code).toBe(
      2,
    );
    expect((await cli(["health"], { env: {} })).code).toBe(3);
    expect(
      (await cli(["jobs"], { env: { LEADBRIDGE_URL: stack.api, LEADBRIDGE_API_KEY: "lb_bad" } }))
        .code,
    ).toBe(4);
  });
});

describe("progress", () => {
  it("draws a bar with rate and ETA in place on a terminal", async () => {
    let text = "";
    const tty = Object.assign(new PassThrough(), { isTTY: true, columns: 100 });
    tty.on("data", (d) => {
      text += String(d);
    });
    const p = new Progress(tty, "import");
    p.update(0, 1000);
    await new Promise((r) => setTimeout(r, 200));
    p.update(500, 1000);
    p.done();
    await new Promise((r) => setImmediate(r));
    const frames = text.split("\r").filter(Boolean);
    expect(frames).toHaveLength(2);
    expect(frames[1]).toMatch(/^import \[#+-+\] 50% 500\/1000 · \d+\/s · ETA \d+s/);
    expect(text.endsWith("\n")).toBe(true);
  });
});

describe("leadbridge jobs, job, suppress, keys, health", () => {
  it("lists jobs, watches one, suppresses, creates a key", async () => {
    const jobs = await cli(["jobs", "--json"]);
    expect(jobs.code).toBe(0);
    const list = JSON.parse(jobs.stdout).jobs as { job_id: string }[];
    expect(list.length).toBeGreaterThan(0);
    const id = list[0]?.job_id ?? "";
    const watched = await cli(["job", id, "--watch", "--json"]);
    expect(JSON.parse(watched.stdout).status).toMatch(/^completed/);
    const table = await cli(["jobs"]);
    expect(table.stdout).toContain(id);

    const s = await cli(["suppress", "blocked@dnc-cli.example", "--reason", "asked", "--json"]);
    expect(s.code).toBe(0);
    expect(JSON.parse(s.stdout)).toMatchObject({ kind: "email", value: "blocked@dnc-cli.example" });
    const d = await cli(["suppress", "dnc-cli.example"]);
    expect(d.stdout).toMatch(/suppressed domain dnc-cli.example/);

    const k = await cli(["keys", "create", "--scope", "write", "--json"]);
    expect(k.code).toBe(0);
    const key = JSON.parse(k.stdout);
    expect(key.scopes).toEqual(["write"]);
    const writer = new HaloIntegration({ apiKey: key.key, baseUrl: stack.api });
    await expect(writer.jobs.list()).resolves.toBeTruthy();
  });

  it("runs as the installed `leadbridge` bin", () => {
    const bin = path.join(ROOT, "node_modules/.bin/leadbridge");
    expect(existsSync(bin)).toBe(true);
    const r = spawnSync(process.execPath, [bin, "health", "--json"], {
      encoding: "utf8",
      env: { ...process.env, LEADBRIDGE_URL: stack.api, LEADBRIDGE_API_KEY: stack.key },
    });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).status).toMatch(/healthy|degraded/);
  });
});
