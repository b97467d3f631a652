import { describe, expect, it } from '@jest/globals';
import { ListOrdersQuery } from '../../src/orders/list-orders.query.js';
import { decodeCursor, encodeCursor } from '../../src/orders/order-cursor.js';
import { isOrderId, newOrderId } from '../../src/orders/order-id.js';

describe('order ids', () => {
  it('are opaque, random and recognisable', () => {
    const ids = new Set(Array.from({ length: 100 }, newOrderId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(isOrderId(id)).toBe(true);
    for (const bad of ['', 'ord_', 'ord_short', `ord_${'A'.repeat(23)}`, "ord_' or 1=1 --AAAAAAAAAA", 42, null]) {
      expect(isOrderId(bad)).toBe(false);
    }
  });
});

describe('cursors', () => {
  it('round-trip and refuse anything else', () => {
    const cursor = { createdAt: new Date('2026-01-02T03:04:05.678Z'), id: newOrderId() };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    for (const bad of ['', 'abc', '!!!', Buffer.from('1.x').toString('base64url'), 'A'.repeat(200)]) {
      expect(decodeCursor(bad)).toBeUndefined();
    }
  });
});

describe('ListOrdersQuery', () => {
  it('defaults the limit to 20 and accepts 1..100', () => {
    expect(ListOrdersQuery.parse({})).toEqual({ limit: 20, cursor: undefined });
    expect(ListOrdersQuery.parse({ limit: '1' }).limit).toBe(1);
    expect(ListOrdersQuery.parse({ limit: '100' }).limit).toBe(100);
  });

  it.each(['0', '101', '-1', '1e9', '1000000', '01', '1.0', ' 5', 'abc'])('refuses limit=%s', (limit) => {
    expect(ListOrdersQuery.safeParse({ limit }).success).toBe(false);
  });

  it('refuses repeated and unknown parameters', () => {
    expect(ListOrdersQuery.safeParse({ limit: ['1', '2'] }).success).toBe(false);
    expect(ListOrdersQuery.safeParse({ ownerId: 'bob' }).success).toBe(false);
  });
});
