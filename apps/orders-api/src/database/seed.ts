import type { OrderItem } from '../orders/order.js';
import type { NewOrder, OrdersRepository } from '../orders/orders.repository.js';

/** A readable, valid, fixed order id for seed data: `ord_seed<name>000…<n>`. */
export function seedOrderId(name: string, n: number): string {
  return `ord_${`seed${name}`.padEnd(20, '0')}${String(n).padStart(2, '0')}`;
}

const item = (sku: string, qty: number, priceCents: number): OrderItem => ({ sku, qty, priceCents });

/**
 * Demo orders of the seeded users of the local auth server: alice and bob (org `acme`) and carol
 * (org `globex`), with internal notes and risk scores that only support/admin may see.
 */
export const SEED_ORDERS: readonly (NewOrder & { readonly id: string })[] = [
  { id: seedOrderId('alice', 1), ownerId: 'alice', orgId: 'acme', items: [item('BOOK-001', 2, 1299)], internalNote: 'Loyal customer since 2019', riskScore: 4 },
  { id: seedOrderId('alice', 2), ownerId: 'alice', orgId: 'acme', items: [item('LAMP-042', 1, 4500), item('BULB-007', 4, 350)], status: 'fulfilled', internalNote: null, riskScore: 11 },
  { id: seedOrderId('bob', 1), ownerId: 'bob', orgId: 'acme', items: [item('DESK-100', 1, 25900)], internalNote: 'Two chargebacks in 2025; verify address', riskScore: 78 },
  { id: seedOrderId('bob', 2), ownerId: 'bob', orgId: 'acme', items: [item('CHAIR-12', 2, 8900)], internalNote: null, riskScore: 35 },
  { id: seedOrderId('carol', 1), ownerId: 'carol', orgId: 'globex', items: [item('PAPER-A4', 10, 599)], internalNote: 'Globex procurement contact', riskScore: 2 },
];

/**
 * Inserts {@link SEED_ORDERS} when the table is empty. Returns how many were inserted.
 *
 * @example
 * ```ts
 * await seedOrders(repository); // 5 on a fresh database, 0 afterwards
 * ```
 */
export async function seedOrders(repository: OrdersRepository, now: Date = new Date()): Promise<number> {
  if ((await repository.count()) > 0) return 0;
  let minutesAgo = SEED_ORDERS.length * 10;
  for (const order of SEED_ORDERS) {
    await repository.create({ ...order, createdAt: new Date(now.getTime() - minutesAgo * 60_000) });
    minutesAgo -= 10;
  }
  return SEED_ORDERS.length;
}
