import type { z } from "zod";
import { haloShapeError } from "./errors";
import { envelope } from "./schemas";
import { type Halo, read } from "./transport";
import type { HaloRequest } from "./types";

/** HaloPSA serves at most 100 items a page, whatever `page_size` asks (spec; HaloAPI#90). */
export const MAX_PAGE_SIZE = 100;
const MAX_PAGES = 10_000;

export interface PageQuery {
  path: string;
  /** The envelope key: `clients`, `sites`, `users`, `tickets` (also for Opportunities). */
  key: string;
  query?: HaloRequest["query"];
  pageSize?: number;
}

export interface Page<T> {
  pageNo: number;
  items: T[];
  recordCount: number | undefined;
}

/**
 * Every page of a list. `page_size`/`page_no` only work with `pageinate=true` (asachs01
 * 46af9cb). When to stop is decided from what came back — an empty page, a page shorter than the
 * first one, or `record_count` reached — never from the size asked for: a tenant capping pages
 * below it would otherwise end the listing after one page (HaloAPI#90).
 */
export async function* pages<T extends z.ZodType>(
  halo: Halo,
  q: PageQuery,
  item: T,
): AsyncGenerator<Page<z.infer<T>>> {
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, q.pageSize ?? MAX_PAGE_SIZE));
  const schema = envelope(q.key, item);
  let collected = 0;
  let served: number | undefined;
  for (let pageNo = 1; pageNo <= MAX_PAGES; pageNo++) {
    const request: HaloRequest = {
      method: "GET",
      path: q.path,
      query: { ...q.query, pageinate: true, page_size: pageSize, page_no: pageNo },
    };
    const parsed = schema.safeParse(await read(halo, request));
    if (!parsed.success) throw haloShapeError(request, parsed.error.message.slice(0, 200));
    const { items, recordCount } = parsed.data;
    if (items.length === 0) return;
    yield { pageNo, items, recordCount };
    collected += items.length;
    served ??= items.length;
    if (recordCount !== undefined && collected >= recordCount) return;
    if (items.length < served) return;
  }
}

/** All records of a list, page by page (for seeding the dedup index). */
export async function listAll<T extends z.ZodType>(
  halo: Halo,
  q: PageQuery,
  item: T,
): Promise<z.infer<T>[]> {
  const out: z.infer<T>[] = [];
  for await (const page of pages(halo, q, item)) out.push(...page.items);
  return out;
}
