/**
 * The deepest JSON nesting the API reads. Every document the API takes (a lead, a provider's
 * native record, the configuration, a bulk request) nests under 12 levels; the parsers and
 * validators behind the body guard recurse, and JSON nested a few thousand levels deep
 * exhausts the Worker's stack ("Maximum call stack size exceeded") before any schema runs.
 */
export const MAX_JSON_DEPTH = 32;
const MAX_KEY_BYTES = 64;
const KEY_DECODER = new TextDecoder();

interface Frame {
  array: boolean;
  /** The current member's key (objects) or index (arrays), once known. */
  key: string | number | null;
  expectKey: boolean;
}

export interface DepthViolation {
  /** The dotted path of the container that crossed the limit (`data.a.b.0`). */
  field: string;
  /** The same place as an RFC 6901 JSON pointer. */
  pointer: string;
}

/**
 * Finds where a JSON body first nests deeper than `maxDepth`, scanning its UTF-8 bytes
 * iteratively (no recursion, no parse, no decoded copy of a 48 MiB bulk body: every structural
 * character is ASCII, and no byte of a multi-byte UTF-8 sequence is), or returns null.
 * Malformed JSON is left to the parser: this scan only tracks strings, brackets, colons and
 * commas.
 */
export function findDepthViolation(
  bytes: Uint8Array,
  maxDepth = MAX_JSON_DEPTH,
): DepthViolation | null {
  const stack: Frame[] = [];
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const ch = bytes[i];
    if (ch === 0x22 /* " */) {
      const start = i + 1;
      i = start;
      while (i < n) {
        const c = bytes[i];
        if (c === 0x5c /* \ */) i += 2;
        else if (c === 0x22) break;
        else i++;
      }
      const top = stack[stack.length - 1];
      if (top && !top.array && top.expectKey) {
        top.key = KEY_DECODER.decode(bytes.subarray(start, Math.min(i, start + MAX_KEY_BYTES)));
      }
      i++;
      continue;
    }
    if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) {
      if (stack.length >= maxDepth) return violation(stack);
      const array = ch === 0x5b;
      stack.push({ array, key: array ? 0 : null, expectKey: !array });
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
      stack.pop();
    } else if (ch === 0x3a /* : */) {
      const top = stack[stack.length - 1];
      if (top) top.expectKey = false;
    } else if (ch === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.array) top.key = (top.key as number) + 1;
      else if (top) top.expectKey = true;
    }
    i++;
  }
  return null;
}

function violation(stack: Frame[]): DepthViolation {
  // Each open container's current key: the innermost one is where the too-deep value sits.
  const parts = stack.map((f) => String(f.key ?? ""));
  return {
    field: parts.join(".") || "body",
    pointer: `/${parts.map((p) => p.replaceAll("~", "~0").replaceAll("/", "~1")).join("/")}`,
  };
}
