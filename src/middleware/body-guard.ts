import { createMiddleware } from "hono/factory";
import { AppError } from "../errors";
import { findDepthViolation, MAX_JSON_DEPTH } from "../http/json-depth";
import type { AppEnv } from "../http/types";

const WITH_BODY = new Set(["POST", "PUT", "PATCH"]);

const CSV = /^text\/csv\s*(;|$)/i;

/**
 * Refuses bodies the API cannot read before any handler runs: wrong media type (415) and
 * bodies over the limit (413, checked on Content-Length and again on the bytes actually read,
 * since chunked requests carry no length), and JSON nested deeper than `MAX_JSON_DEPTH` (400,
 * found by an iterative scan of the bytes before anything parses or recurses over them). The
 * paths in `csvPaths` also take `text/csv`, which is left unread here: those handlers stream it
 * and count its bytes themselves.
 */
export function bodyGuard(
  limitFor: (path: string) => number,
  csvPaths: ReadonlySet<string> = new Set(),
) {
  return createMiddleware<AppEnv>(async function bodyGuard(c, next) {
    if (!WITH_BODY.has(c.req.method)) return next();
    const maxBytes = limitFor(c.req.path);
    const length = c.req.header("Content-Length");
    const declared = length === undefined ? undefined : Number(length);
    const hasBody = declared === undefined ? c.req.raw.body !== null : declared > 0;
    if (!hasBody) return next();

    const type = c.req.header("Content-Type") ?? "";
    const csvAllowed = csvPaths.has(c.req.path);
    if (csvAllowed && CSV.test(type)) {
      if (declared !== undefined && declared > maxBytes) throw tooLarge(maxBytes);
      return next();
    }
    if (!/^application\/([a-z.+-]*\+)?json\s*(;|$)/i.test(type)) {
      const accepted = csvAllowed ? "application/json or text/csv" : "application/json";
      throw new AppError("UNSUPPORTED_MEDIA_TYPE", `Request bodies must be ${accepted}`, {
        details: { field: "Content-Type", value: type || null },
      });
    }
    if (declared !== undefined && declared > maxBytes) throw tooLarge(maxBytes);
    const bytes = await c.req.raw.clone().arrayBuffer();
    if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
    const tooDeep = findDepthViolation(new Uint8Array(bytes));
    if (tooDeep) {
      throw new AppError(
        "VALIDATION_ERROR",
        `Request body nests deeper than ${MAX_JSON_DEPTH} levels at ${tooDeep.field}`,
        { details: { field: tooDeep.field, pointer: tooDeep.pointer, max_depth: MAX_JSON_DEPTH } },
      );
    }
    return next();
  });
}

function tooLarge(maxBytes: number): AppError {
  return new AppError("PAYLOAD_TOO_LARGE", `Request body exceeds ${maxBytes} bytes`, {
    details: { field: "body", max_bytes: maxBytes },
  });
}
