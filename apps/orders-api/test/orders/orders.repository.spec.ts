import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { migrateToLatest } from '../../src/database/migrate-to-latest.js';
import type { OpenDatabase } from '../../src/database/open-database.js';
import { openDatabase } from '../../src/database/open-database.js';
import { SEED_ORDERS, seedOrders } from '../../src/database/seed.js';
import { isOrderId } from '../../src/orders/order-id.js';
import { OrdersRepository } from '../../src/orders/orders.repository.js';
import { testDatabases } from '../support/test-databases.js';

describe.each(testDatabases())('OrdersRepository on $name', (target) => {
  let database: OpenDatabase;
  let dispose: () => Promise<void>;
  let repo: OrdersRepository;

  beforeAll(async () => {
    const created = await target.create();
    dispose = created.dispose;
    database = await openDatabase(created.config);
    expect(await migrateToLatest(database.db)).toEqual(['0001-create-orders']);
    expect(await migrateToLatest(database.db)).toEqual([]); // idempotent
    repo = new OrdersRepository(database);
    expect(await seedOrders(repo)).toBe(SEED_ORDERS.length);
    expect(await seedOrders(repo)).toBe(0); // only into an empty table
  }, 60_000);

  afterAll(async () => {
    await database?.close();
    await dispose?.();
  });

  it('seeds valid ids, totals and the internal fields', async () => {
    const order = await repo.findById(SEED_ORDERS[0]!.id);
    expect(SEED_ORDERS.every((o) => isOrderId(o.id))).toBe(true);
    expect(order).toMatchObject({ ownerId: 'alice', orgId: 'acme', totalCents: 2598, status: 'pending', riskScore: 4 });
    expect(order?.internalNote).toBe('Loyal customer since 2019');
    expect(order?.createdAt).toBeInstanceOf(Date);
  });

  it('scopes lists in the query: owner within org, or the whole org', async () => {
    const alice = await repo.list({ orgId: 'acme', ownerId: 'alice' }, { limit: 100 });
    expect(alice.orders.map((o) => o.ownerId)).toEqual(['alice', 'alice']);
    const acme = await repo.list({ orgId: 'acme', ownerId: undefined }, { limit: 100 });
    expect(new Set(acme.orders.map((o) => o.ownerId))).toEqual(new Set(['alice', 'bob']));
    const carolInAcme = await repo.list({ orgId: 'acme', ownerId: 'carol' }, { limit: 100 });
    expect(carolInAcme.orders).toEqual([]);
  });

  it('paginates newest first with a keyset cursor, without gaps or repeats', async () => {
    const scope = { orgId: 'acme', ownerId: undefined };
    const all = (await repo.list(scope, { limit: 100 })).orders.map((o) => o.id);
    const seen: string[] = [];
    let page = await repo.list(scope, { limit: 1 });
    for (;;) {
      seen.push(...page.orders.map((o) => o.id));
      if (!page.next) break;
      page = await repo.list(scope, { limit: 1, after: page.next });
    }
    expect(seen).toEqual(all);
    const created = (await repo.list(scope, { limit: 100 })).orders.map((o) => o.createdAt.getTime());
    expect([...created].sort((a, b) => b - a)).toEqual(created);
  });

  it('finds an order only through a scope that may see it', async () => {
    const bobOrder = SEED_ORDERS.find((o) => o.ownerId === 'bob')!.id;
    expect(await repo.findVisible({ orgId: 'acme', ownerId: 'alice' }, bobOrder)).toBeUndefined();
    expect(await repo.findVisible({ orgId: 'globex', ownerId: undefined }, bobOrder)).toBeUndefined();
    expect((await repo.findVisible({ orgId: 'acme', ownerId: undefined }, bobOrder))?.ownerId).toBe('bob');
  });

  it('creates, cancels (once) and refuses to cancel what it cannot see', async () => {
    const order = await repo.create({ ownerId: 'dave', orgId: 'acme', items: [{ sku: 'X-1', qty: 3, priceCents: 250 }] });
    expect(order).toMatchObject({ totalCents: 750, status: 'pending', internalNote: null, riskScore: null });
    expect(await repo.cancel({ orgId: 'acme', ownerId: 'erin' }, order.id)).toEqual({ outcome: 'not-found' });
    expect(await repo.cancel({ orgId: 'globex', ownerId: 'dave' }, order.id)).toEqual({ outcome: 'not-found' });
    const done = await repo.cancel({ orgId: 'acme', ownerId: 'dave' }, order.id);
    expect(done).toMatchObject({ outcome: 'done', order: { status: 'cancelled' } });
    expect(await repo.cancel({ orgId: 'acme', ownerId: 'dave' }, order.id)).toEqual({ outcome: 'conflict', status: 'cancelled' });
    expect(await repo.fulfil(order.id)).toEqual({ outcome: 'conflict', status: 'cancelled' });
  });

  it('deletes only within the org', async () => {
    const order = await repo.create({ ownerId: 'dave', orgId: 'acme', items: [{ sku: 'X-2', qty: 1, priceCents: 1 }] });
    expect(await repo.delete('globex', order.id)).toBe(false);
    expect(await repo.delete('acme', order.id)).toBe(true);
    expect(await repo.findById(order.id)).toBeUndefined();
  });

  it('keeps large totals exact (bigint column)', async () => {
    const order = await repo.create({ ownerId: 'dave', orgId: 'acme', items: [{ sku: 'BIG', qty: 1000, priceCents: 10_000_000 }] });
    expect((await repo.findById(order.id))?.totalCents).toBe(10_000_000_000);
  });
});
