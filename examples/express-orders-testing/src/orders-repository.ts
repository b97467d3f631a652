import { randomUUID } from 'node:crypto';

export interface Order {
  readonly id: string;
  readonly ownerId: string;
  readonly orgId: string;
  readonly sku: string;
  readonly qty: number;
}

const SEED: readonly Order[] = [
  { id: 'ord-alice-1', ownerId: 'alice', orgId: 'acme', sku: 'A-1', qty: 1 },
  { id: 'ord-bob-1', ownerId: 'bob', orgId: 'acme', sku: 'B-2', qty: 2 },
  { id: 'ord-carol-1', ownerId: 'carol', orgId: 'globex', sku: 'C-3', qty: 3 },
];

/** An in-memory store, seeded on start (one per application). */
export class OrdersRepository {
  private readonly orders = new Map(SEED.map((order) => [order.id, order]));

  findById(id: string): Order | undefined {
    return this.orders.get(id);
  }

  listFor(ownerId: string, orgId: string): Order[] {
    return [...this.orders.values()].filter((order) => order.ownerId === ownerId && order.orgId === orgId);
  }

  create(ownerId: string, orgId: string, sku: string, qty: number): Order {
    const order = { id: `ord-${randomUUID()}`, ownerId, orgId, sku, qty };
    this.orders.set(order.id, order);
    return order;
  }

  delete(id: string): void {
    this.orders.delete(id);
  }
}
