import { Injectable } from '@nestjs/common';
import type { Principal, ResourceResolver } from '@portcullis/nest';
import type { Order } from '../orders/order.js';
import { isOrderId } from '../orders/order-id.js';
import { OrdersRepository } from '../orders/orders.repository.js';

/**
 * Loads the order of `:id` for `@OwnedResource`. Defence in depth: the caller's org is already
 * in the WHERE clause, so an order of another organisation is never even read; the guard then
 * applies the ownership rule (owner, or a role allowed by the route) on what was loaded. A
 * malformed id, a machine client or a user without an org load nothing — the same 404 as an
 * order that does not exist.
 */
@Injectable()
export class OrderResolver implements ResourceResolver<Order> {
  constructor(private readonly orders: OrdersRepository) {}

  async load(id: string, principal: Principal): Promise<Order | undefined> {
    if (!isOrderId(id) || principal.kind !== 'user' || !principal.tenant) return undefined;
    return this.orders.findVisible({ orgId: principal.tenant, ownerId: undefined }, id);
  }

  ownerOf(order: Order): string {
    return order.ownerId;
  }

  tenantOf(order: Order): string {
    return order.orgId;
  }
}
