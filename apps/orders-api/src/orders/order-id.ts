import { randomBytes } from 'node:crypto';

/** `ord_` + 22 base64url characters (128 random bits). */
const ORDER_ID = /^ord_[A-Za-z0-9_-]{22}$/;

/**
 * A new opaque order id: `ord_` + 128 random bits in base64url. Random rather than sequential,
 * so ids reveal neither volume nor order and cannot be guessed (defence in depth: access is
 * still checked on every request).
 *
 * @example
 * ```ts
 * newOrderId(); // 'ord_3q2-7wEjRZ0Dbo5lT7uFvA'
 * ```
 */
export function newOrderId(): string {
  return `ord_${randomBytes(16).toString('base64url')}`;
}

/**
 * Whether a string has the shape of an order id. Route parameters are checked with it before
 * any query: a malformed id cannot name an order, so it gets the same 404 as an absent one.
 *
 * @example
 * ```ts
 * isOrderId('ord_3q2-7wEjRZ0Dbo5lT7uFvA'); // true
 * isOrderId("1' or '1'='1");                // false
 * ```
 */
export function isOrderId(value: unknown): value is string {
  return typeof value === 'string' && ORDER_ID.test(value);
}
