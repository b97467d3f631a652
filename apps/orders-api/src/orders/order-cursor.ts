/** Position after which the next page starts: the last order of the previous page. */
export interface OrderCursor {
  readonly createdAt: Date;
  readonly id: string;
}

const CURSOR_BODY = /^(\d{1,15})\.(ord_[A-Za-z0-9_-]{22})$/;

/**
 * Encodes a page position as an opaque base64url string.
 *
 * @example
 * ```ts
 * encodeCursor({ createdAt: order.createdAt, id: order.id }); // 'MTc2NDI4…'
 * ```
 */
export function encodeCursor(cursor: OrderCursor): string {
  return Buffer.from(`${cursor.createdAt.getTime()}.${cursor.id}`, 'utf8').toString('base64url');
}

/**
 * Decodes a cursor produced by {@link encodeCursor}; `undefined` for anything else (the caller
 * answers 400). A cursor only says where to continue: the query that uses it is still scoped to
 * the caller, so a forged cursor cannot reveal another caller's orders.
 *
 * @example
 * ```ts
 * decodeCursor('garbage'); // undefined
 * ```
 */
export function decodeCursor(value: string): OrderCursor | undefined {
  if (value.length > 100 || !/^[A-Za-z0-9_-]+$/.test(value)) return undefined;
  const match = CURSOR_BODY.exec(Buffer.from(value, 'base64url').toString('utf8'));
  if (!match) return undefined;
  const createdAt = new Date(Number(match[1]));
  if (Number.isNaN(createdAt.getTime())) return undefined;
  return { createdAt, id: match[2]! };
}
