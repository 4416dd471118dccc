import { parseArgs } from "node:util";
import { HaloIntegration, type LeadSource, suppressionKind } from "../client.js";
import { LeadBridgeError, NetworkError, ServerError } from "../errors.js";
import { importFile } from "./import.js";
import { CliError, EXIT, type Io } from "./io.js";
import { Progress } from "./progress.js";
import { table } from "./table.js";

const SOURCES = ["apollo", "zoominfo", "hunter", "generic"] as const;

const USAGE = `usage: leadbridge <command> [options]

commands:
  import <file.csv> --source apollo|zoominfo|hunter|generic
                       [--chunk-size 1000] [--rejected <path>] [--restart]
  jobs                 recent import jobs
  job <id> [--watch]   one job's progress (--watch: until it finishes)
  suppress <email|phone|domain> [--reason <text>]
  keys create --scope read|write|admin [--name <name>]
  health

options:
  --url <url>          API root (or LEADBRIDGE_URL), e.g. http://localhost:8787/api/v1
  --api-key <key>      API key (or LEADBRIDGE_API_KEY)
  --json               machine-readable output
  -h, --help

exit codes: 0 ok · 1 finished with refused rows · 2 usage · 3 missing config · 4 API refused
            · 5 service unavailable · 6 unusable input · 130 interrupted (re-run to resume)
`;

export function defaultIo(): Io {
  return {
    out: (t) => process.stdout.write(t),
    log: (t) => process.stderr.write(`${t}\n`),
    stderr: process.stderr,
    env: process.env,
  };
}

/** Runs one CLI command and returns its exit code (never calls process.exit). */
export async function run(argv: string[], io: Io = defaultIo()): Promise<number> {
  let abort: AbortController | undefined;
  let onSigint: (() => void) | undefined;
  if (!io.signal) {
    abort = new AbortController();
    onSigint = () => abort?.abort();
    process.once("SIGINT", onSigint);
    io = { ...io, signal: abort.signal };
  }
  try {
    return await dispatch(argv, io);
  } catch (err) {
    return report(err, io);
  } finally {
    if (onSigint) process.off("SIGINT", onSigint);
  }
}

function report(err: unknown, io: Io): number {
  if (err instanceof CliError) {
    io.log(`leadbridge: ${err.message}`);
    return err.exitCode;
  }
  if (err instanceof LeadBridgeError) {
    const where = err.details?.field ? ` (field: ${err.details.field})` : "";
    const id = err.requestId ? ` [request ${err.requestId}]` : "";
    io.log(`leadbridge: ${err.code}: ${err.message}${where}${id}`);
    return err instanceof NetworkError || err instanceof ServerError ? EXIT.UNAVAILABLE : EXIT.API;
  }
  if (io.signal?.aborted) {
    io.log("leadbridge: interrupted; run the same command again to resume");
    return EXIT.INTERRUPTED;
  }
  io.log(`leadbridge: ${err instanceof Error ? err.message : String(err)}`);
  return EXIT.UNAVAILABLE;
}

async function dispatch(argv: string[], io: Io): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new CliError(EXIT.USAGE, `${(err as Error).message}\n\n${USAGE}`);
  }
  const { values: v, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (v.help || !command) {
    io.out(USAGE);
    return command || v.help ? EXIT.OK : EXIT.USAGE;
  }
  const client = () => {
    const baseUrl = v.url ?? io.env.LEADBRIDGE_URL;
    const apiKey = v["api-key"] ?? io.env.LEADBRIDGE_API_KEY;
    if (!baseUrl || !apiKey) {
      throw new CliError(
        EXIT.CONFIG,
        "set --url and --api-key (or LEADBRIDGE_URL and LEADBRIDGE_API_KEY)",
      );
    }
    return new HaloIntegration({
      baseUrl,
      apiKey,
      userAgent: "leadbridge-cli",
      onRetry: ({ attempt, delayMs, status }) =>
        io.log(
          `retrying (${status ?? "network error"}) in ${Math.round(delayMs / 100) / 10}s, attempt ${attempt + 1}`,
        ),
    });
  };
  const print = (data: unknown, text: () => string) =>
    io.out(v.json ? `${JSON.stringify(data)}\n` : text());

  switch (command) {
    case "import": {
      const [file] = rest;
      if (!file)
        throw new CliError(
          EXIT.USAGE,
          "import needs a file: leadbridge import <file.csv> --source …",
        );
      const source = v.source as LeadSource | undefined;
      if (!source || !(SOURCES as readonly string[]).includes(source)) {
        throw new CliError(EXIT.USAGE, `--source must be one of ${SOURCES.join(", ")}`);
      }
      const chunkSize = Number(v["chunk-size"] ?? 1000);
      if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > 10_000) {
        throw new CliError(EXIT.USAGE, "--chunk-size must be 1…10000");
      }
      return importFile(
        client(),
        {
          file,
          source,
          chunkSize,
          restart: v.restart === true,
          rejectedPath: v.rejected,
          json: v.json === true,
          pollIntervalMs: Number(io.env.LEADBRIDGE_POLL_MS ?? 1000),
        },
        io,
      );
    }
    case "jobs": {
      const { jobs } = await client().jobs.list({ limit: 20 });
      print({ jobs }, () =>
        table(
          jobs.map((j) => [
            j.job_id,
            j.source,
            j.status,
            j.total,
            j.processed,
            j.successful,
            j.failed,
            j.created_at,
          ]),
          ["job", "source", "status", "total", "processed", "successful", "failed", "created"],
        ),
      );
      return EXIT.OK;
    }
    case "job": {
      const [id] = rest;
      if (!id) throw new CliError(EXIT.USAGE, "job needs an id: leadbridge job <id> [--watch]");
      const c = client();
      let job = await c.jobs.get(id);
      if (v.watch) {
        const progress = new Progress(io.stderr, id, !v.json);
        job = await c.jobs.wait(id, {
          onProgress: ({ job: j }) => progress.update(j.processed, j.total, j.status),
          pollIntervalMs: Number(io.env.LEADBRIDGE_POLL_MS ?? 1000),
          ...(io.signal ? { signal: io.signal } : {}),
        });
        progress.done();
      }
      const { results: _r, errors, ...summary } = job;
      print(v.watch ? job : { ...summary, errors }, () =>
        table(
          [
            ["status", job.status],
            ["total", job.total],
            ["processed", job.processed],
            ["successful", job.successful],
            ["failed", job.failed],
            ...Object.entries(job.by_action).map(([k, n]): (string | number)[] => [k, n]),
          ],
          [job.job_id, ""],
        ),
      );
      return job.failed > 0 && v.watch ? EXIT.PARTIAL : EXIT.OK;
    }
    case "suppress": {
      const [value] = rest;
      if (!value) throw new CliError(EXIT.USAGE, "suppress needs an email, phone or domain");
      const s = await client().suppressions.add(value, {
        kind: suppressionKind(value),
        ...(v.reason ? { reason: v.reason } : {}),
      });
      print(s, () => `suppressed ${s.kind} ${s.value} (${s.id})\n`);
      return EXIT.OK;
    }
    case "keys": {
      if (rest[0] !== "create")
        throw new CliError(EXIT.USAGE, "usage: leadbridge keys create --scope read|write|admin");
      const scope = v.scope;
      if (scope !== "read" && scope !== "write" && scope !== "admin") {
        throw new CliError(EXIT.USAGE, "--scope must be read, write or admin");
      }
      const key = await client().keys.create({
        name: v.name ?? `cli ${scope} key`,
        scopes: [scope],
      });
      print(
        key,
        () =>
          `created ${key.id} (${key.scopes.join(",")}): ${key.key}\nthe key is shown once; store it now\n`,
      );
      return EXIT.OK;
    }
    case "health": {
      const h = await client().health();
      print(h, () => `${JSON.stringify(h, null, 2)}\n`);
      return h.status === "unhealthy" ? EXIT.UNAVAILABLE : EXIT.OK;
    }
    default:
      throw new CliError(EXIT.USAGE, `unknown command ${command}\n\n${USAGE}`);
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      url: { type: "string" },
      "api-key": { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
      source: { type: "string", short: "s" },
      "chunk-size": { type: "string" },
      rejected: { type: "string" },
      restart: { type: "boolean" },
      watch: { type: "boolean", short: "w" },
      reason: { type: "string" },
      scope: { type: "string" },
      name: { type: "string" },
    },
  });
}
