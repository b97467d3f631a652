import { z } from 'zod';

/** Bounds of an order, chosen so a total always fits comfortably in a safe integer. */
export const ORDER_LIMITS = Object.freeze({ maxItems: 50, maxQty: 1000, maxPriceCents: 10_000_000, skuPattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/ });

/**
 * Body of `POST /orders`: `{ items: [{ sku, qty, priceCents }] }` and nothing else. Strict
 * objects: any other field — `ownerId`, `orgId`, `status`, `totalCents`, `id` … — is refused
 * with 400 rather than ignored (mass assignment, OWASP API3), so a client never believes it set
 * a field the server decides (owner and org come from the token, total and status from the server).
 *
 * @example
 * ```ts
 * CreateOrderBody.parse({ items: [{ sku: 'BOOK-001', qty: 2, priceCents: 1299 }] });
 * ```
 */
export const CreateOrderBody = z.strictObject({
  items: z
    .array(
      z.strictObject({
        sku: z.string().regex(ORDER_LIMITS.skuPattern, 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit'),
        qty: z.int().min(1).max(ORDER_LIMITS.maxQty),
        priceCents: z.int().min(0).max(ORDER_LIMITS.maxPriceCents),
      }),
    )
    .min(1)
    .max(ORDER_LIMITS.maxItems),
});

export type CreateOrderBody = z.output<typeof CreateOrderBody>;
