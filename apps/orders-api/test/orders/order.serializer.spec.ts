import { describe, expect, it } from '@jest/globals';
import type { Principal } from '@portcullis/nest';
import type { Order } from '../../src/orders/order.js';
import { orderViewFor, serializeOrder } from '../../src/orders/order.serializer.js';

const order: Order = {
  id: 'ord_AAAAAAAAAAAAAAAAAAAAAA',
  orgId: 'acme',
  ownerId: 'alice',
  items: [{ sku: 'A-1', qty: 2, priceCents: 5 }],
  totalCents: 10,
  status: 'pending',
  createdAt: new Date('2026-01-01T00:00:00.000Z'),
  internalNote: 'note',
  riskScore: 7,
};

const principal = (kind: 'user' | 'client', roles: string[]): Principal =>
  ({ kind, roles: new Set(roles) }) as unknown as Principal;

describe('order serializer', () => {
  it('gives customers and machine clients the standard view, support (and admin through the hierarchy) the internal one', () => {
    expect(orderViewFor(principal('user', ['customer']))).toBe('standard');
    expect(orderViewFor(principal('user', ['support']))).toBe('internal');
    expect(orderViewFor(principal('user', ['admin', 'support']))).toBe('internal');
    expect(orderViewFor(principal('client', ['support']))).toBe('standard');
  });

  it('copies an allowlist of fields', () => {
    expect(serializeOrder(order, 'standard')).toEqual({
      id: order.id,
      orgId: 'acme',
      ownerId: 'alice',
      items: [{ sku: 'A-1', qty: 2, priceCents: 5 }],
      totalCents: 10,
      status: 'pending',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    expect(serializeOrder(order, 'internal')).toMatchObject({ internalNote: 'note', riskScore: 7 });
    const extra = { ...order, secretColumn: 'x', items: [{ ...order.items[0]!, cost: 1 }] } as unknown as Order;
    expect(JSON.stringify(serializeOrder(extra, 'internal'))).not.toMatch(/secretColumn|cost/);
  });
});
