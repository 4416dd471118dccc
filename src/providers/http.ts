/** A provider answer the sync cannot use (not a rate signal): logged and recorded on the run. */
export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ProviderError";
  }
}

export type Fetcher = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * Every provider request carries the API key (header or body), so none follows a redirect: a
 * 3xx would take the key to a URL the guard never checked. Spread into each request's init.
 */
export const NO_REDIRECT = { redirect: "manual" } as const;

/** A redirect answer is an error, never followed (see NO_REDIRECT). */
export function refuseRedirect(provider: string, res: Response, what: string): void {
  if (res.status >= 300 && res.status < 400) {
    throw new ProviderError(
      provider,
      res.status,
      "REDIRECT_REFUSED",
      `${what} answered a redirect (${res.status}); the API key is never sent on to another URL`,
    );
  }
}

/**
 * Rewrites integer literals too long for a double (16+ digits) into strings before parsing, so
 * ids such as Apollo's `request_id` 1039995589705121900 (providers.md §1.4) arrive exactly.
 * Strings are copied untouched; only bare numbers outside strings are quoted.
 */
export function parseJsonGuarded(text: string): unknown {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? "";
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (ch === "-" || (ch >= "0" && ch <= "9")) {
      const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
      const literal = m?.[0] ?? ch;
      const isBigInt =
        m !== null &&
        m[1] === undefined &&
        m[2] === undefined &&
        literal.replace("-", "").length >= 16;
      out += isBigInt ? `"${literal}"` : literal;
      i += literal.length;
      continue;
    }
    out += ch;
    i += 1;
  }
  return JSON.parse(out);
}

/** The body as JSON (guarded), or the raw text when it is not JSON. */
export async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text.trim() === "") return null;
  try {
    return parseJsonGuarded(text);
  } catch {
    return text;
  }
}

/** A short, key-free description of an error body for logs (never the request, which has keys). */
export function describeBody(body: unknown): string {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return (text ?? "").slice(0, 300);
}
