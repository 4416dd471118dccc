import { z } from "@hono/zod-openapi";

/** Cursor paging shared by list routes: ids are time-ordered, so a cursor is the last id seen. */
export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .regex(/^[a-z]+_[0-9a-z]{26}$/)
    .optional()
    .openapi({ description: "next_cursor from the previous page" }),
});

export const PaginationSchema = z
  .object({ limit: z.number().int(), next_cursor: z.string().nullable() })
  .openapi("Pagination");

/** Fetch limit + 1 rows; the extra row only tells whether another page exists. */
export function page<T extends { id: string }>(rows: T[], limit: number) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    pagination: { limit, next_cursor: rows.length > limit && last ? last.id : null },
  };
}
