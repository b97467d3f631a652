import { z } from 'zod';
import type { OrderCursor } from './order-cursor.js';
import { decodeCursor } from './order-cursor.js';

/** Page size bounds of `GET /orders`. */
export const PAGE_LIMITS = Object.freeze({ default: 20, max: 100 });

/**
 * Query of `GET /orders`: `limit` (1–100, default 20) and `cursor` (from a previous page).
 * Everything else is refused with 400 — in particular `limit=1000000`, `-1`, `1e9`, `abc`,
 * repeated parameters, and filters such as `ownerId` that could suggest a caller may widen the
 * list (the list is scoped by the token only).
 *
 * @example
 * ```ts
 * ListOrdersQuery.parse({ limit: '10' }); // { limit: 10, cursor: undefined }
 * ```
 */
export const ListOrdersQuery = z
  .strictObject({
    limit: z
      .string()
      .regex(/^[1-9]\d{0,2}$/, `must be a whole number from 1 to ${PAGE_LIMITS.max}`)
      .transform(Number)
      .pipe(z.number().max(PAGE_LIMITS.max, `must be a whole number from 1 to ${PAGE_LIMITS.max}`))
      .optional(),
    cursor: z
      .string()
      .transform((value, ctx): OrderCursor => {
        const cursor = decodeCursor(value);
        if (!cursor) {
          ctx.addIssue({ code: 'custom', message: 'is not a cursor returned by this API' });
          return z.NEVER;
        }
        return cursor;
      })
      .optional(),
  })
  .transform(({ limit, cursor }) => ({ limit: limit ?? PAGE_LIMITS.default, cursor }));

export type ListOrdersQuery = z.output<typeof ListOrdersQuery>;
