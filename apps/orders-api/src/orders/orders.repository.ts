import { Inject, Injectable } from '@nestjs/common';
import type { Kysely, Selectable } from 'kysely';
import type { DatabaseSchema, OrdersTable } from '../database/database-schema.js';
import { DATABASE } from '../database/database.tokens.js';
import type { OpenDatabase } from '../database/open-database.js';
import type { Order, OrderItem, OrderStatus } from './order.js';
import { orderTotal } from './order.js';
import type { OrderCursor } from './order-cursor.js';
import { newOrderId } from './order-id.js';

/**
 * Which orders a caller may see. Built from the verified token only (see `orderScopeFor`), and
 * applied inside every query's WHERE clause, so rows the caller may not see are never loaded.
 */
export interface OrderScope {
  /** The caller's organisation: every query is limited to it. */
  readonly orgId: string;
  /** The caller's subject; `undefined` for support/admin, who see the whole organisation. */
  readonly ownerId: string | undefined;
}

/** One page of orders. */
export interface OrderPage {
  readonly orders: readonly Order[];
  /** Position of the last order when more may follow; `undefined` on the last page. */
  readonly next: OrderCursor | undefined;
}

/** What creating an order needs: owner and org come from the token, never from the body. */
export interface NewOrder {
  /** Fixed id (seed data only); a random one otherwise. */
  readonly id?: string;
  readonly ownerId: string;
  readonly orgId: string;
  readonly items: readonly OrderItem[];
  /** Initial status (seed data only). @default 'pending' */
  readonly status?: OrderStatus;
  readonly internalNote?: string | null;
  readonly riskScore?: number | null;
  readonly createdAt?: Date;
}

/** Outcome of a state change. */
export type TransitionResult =
  | { readonly outcome: 'done'; readonly order: Order }
  /** No order the caller may act on has that id. */
  | { readonly outcome: 'not-found' }
  /** The order exists (and is visible) but is not in a state that allows the change. */
  | { readonly outcome: 'conflict'; readonly status: OrderStatus };

/**
 * The only query layer over `orders`. Every method that takes an {@link OrderScope} puts the
 * organisation (and, for customers, the owner) in the WHERE clause itself.
 */
@Injectable()
export class OrdersRepository {
  private readonly db: Kysely<DatabaseSchema>;

  constructor(@Inject(DATABASE) database: OpenDatabase) {
    this.db = database.db;
  }

  /** Newest first, keyset-paginated on (created_at, id). */
  async list(scope: OrderScope, page: { limit: number; after?: OrderCursor }): Promise<OrderPage> {
    let query = this.db.selectFrom('orders').selectAll().where('org_id', '=', scope.orgId);
    if (scope.ownerId !== undefined) query = query.where('owner_id', '=', scope.ownerId);
    if (page.after) {
      const { createdAt, id } = page.after;
      query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(createdAt, id)));
    }
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.limit + 1)
      .execute();
    const orders = rows.slice(0, page.limit).map(toOrder);
    const last = orders.at(-1);
    return { orders, next: rows.length > page.limit && last ? { createdAt: last.createdAt, id: last.id } : undefined };
  }

  /** The order with that id if the scope may see it. */
  async findVisible(scope: OrderScope, id: string): Promise<Order | undefined> {
    let query = this.db.selectFrom('orders').selectAll().where('id', '=', id).where('org_id', '=', scope.orgId);
    if (scope.ownerId !== undefined) query = query.where('owner_id', '=', scope.ownerId);
    const row = await query.executeTakeFirst();
    return row && toOrder(row);
  }

  /** Any order by id, for machine clients of the internal routes (not tied to an org). */
  async findById(id: string): Promise<Order | undefined> {
    const row = await this.db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toOrder(row);
  }

  /** Inserts a pending order and returns it. */
  async create(input: NewOrder): Promise<Order> {
    const now = input.createdAt ?? new Date();
    const row = await this.db
      .insertInto('orders')
      .values({
        id: input.id ?? newOrderId(),
        org_id: input.orgId,
        owner_id: input.ownerId,
        items: JSON.stringify(input.items.map(({ sku, qty, priceCents }) => ({ sku, qty, priceCents }))),
        total_cents: orderTotal(input.items),
        status: input.status ?? 'pending',
        internal_note: input.internalNote ?? null,
        risk_score: input.riskScore ?? null,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toOrder(row);
  }

  /** Cancels a pending order owned by `owner` in `orgId`. */
  cancel(owner: { orgId: string; ownerId: string }, id: string): Promise<TransitionResult> {
    return this.transition({ orgId: owner.orgId, ownerId: owner.ownerId }, id, 'pending', 'cancelled');
  }

  /** Marks a pending order (any org) as fulfilled. */
  fulfil(id: string): Promise<TransitionResult> {
    return this.transition(undefined, id, 'pending', 'fulfilled');
  }

  /** Deletes an order of `orgId`. Returns whether a row was deleted. */
  async delete(orgId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('orders').where('id', '=', id).where('org_id', '=', orgId).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Number of orders (used by the seed to decide whether the table is empty). */
  async count(): Promise<number> {
    const { n } = await this.db.selectFrom('orders').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    return Number(n);
  }

  /**
   * One atomic UPDATE guarded by the expected status (no read-then-write race). When it changes
   * nothing, a second scoped read tells "not visible" (404) from "wrong state" (409).
   */
  private async transition(
    scope: OrderScope | undefined,
    id: string,
    from: OrderStatus,
    to: OrderStatus,
  ): Promise<TransitionResult> {
    let update = this.db
      .updateTable('orders')
      .set((eb) => ({ status: to, updated_at: new Date(), version: eb('version', '+', 1) }))
      .where('id', '=', id)
      .where('status', '=', from);
    if (scope) {
      update = update.where('org_id', '=', scope.orgId);
      if (scope.ownerId !== undefined) update = update.where('owner_id', '=', scope.ownerId);
    }
    const row = await update.returningAll().executeTakeFirst();
    if (row) return { outcome: 'done', order: toOrder(row) };
    const current = scope ? await this.findVisible(scope, id) : await this.findById(id);
    return current ? { outcome: 'conflict', status: current.status } : { outcome: 'not-found' };
  }
}

function toOrder(row: Selectable<OrdersTable>): Order {
  return {
    id: row.id,
    orgId: row.org_id,
    ownerId: row.owner_id,
    items: row.items.map(({ sku, qty, priceCents }) => ({ sku, qty, priceCents })),
    totalCents: Number(row.total_cents),
    status: row.status,
    createdAt: row.created_at instanceof Date ? row.created_at : new Date(row.created_at),
    internalNote: row.internal_note,
    riskScore: row.risk_score,
  };
}
