import { describe, expect, it } from '@jest/globals';
import { ApiError } from '../../src/http/api-error.js';
import type { ApiErrorBody } from '../../src/http/api-error.js';
import { parseOrThrow } from '../../src/http/validation.js';
import { CreateOrderBody } from '../../src/orders/create-order.body.js';
import { ListOrdersQuery } from '../../src/orders/list-orders.query.js';

function refusal(run: () => unknown): ApiErrorBody {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return (error as ApiError).getResponse() as ApiErrorBody;
  }
  throw new Error('expected a 400');
}

const item = { sku: 'A-1', qty: 1, priceCents: 1 };

describe('parseOrThrow', () => {
  it('names an unknown field by its path, with a fixed message', () => {
    expect(refusal(() => parseOrThrow(CreateOrderBody, { items: [item], ownerId: 'bob' }, 'body')).issues).toEqual([
      { path: 'ownerId', message: 'is not allowed' },
    ]);
    expect(refusal(() => parseOrThrow(CreateOrderBody, { items: [{ ...item, status: 'x' }] }, 'body')).issues).toEqual([
      { path: 'items[0].status', message: 'is not allowed' },
    ]);
    expect(refusal(() => parseOrThrow(ListOrdersQuery, { ownerId: 'bob' }, 'query')).issues).toEqual([
      { path: 'query.ownerId', message: 'is not allowed' },
    ]);
  });

  it('never echoes a client-chosen key in full, nor its control characters', () => {
    const huge = `x${'\u0000\u001b[31m'.repeat(10)}${'k'.repeat(10_000)}`;
    for (const body of [refusal(() => parseOrThrow(CreateOrderBody, { items: [item], [huge]: 1 }, 'body'))]) {
      const text = JSON.stringify(body);
      expect(text.length).toBeLessThan(400);
      expect(text).not.toContain('kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk');
      expect(text).not.toMatch(/\\u00(00|1b)/);
    }
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`field${i}`, 1]));
    const issues = refusal(() => parseOrThrow(CreateOrderBody, { items: [item], ...many }, 'body')).issues!;
    expect(issues.length).toBeLessThanOrEqual(20);
    expect(JSON.stringify(issues).length).toBeLessThan(2_000);
  });
});
