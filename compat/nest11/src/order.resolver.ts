import { Inject, Injectable } from '@nestjs/common';
import type { ResourceResolver } from '@portcullis/nest';
import type { Order } from './order.js';
import { OrdersRepository } from './orders.repository.js';

/** Loads an order for @OwnedResource and tells its owner and tenant. */
@Injectable()
export class OrderResolver implements ResourceResolver<Order> {
  constructor(@Inject(OrdersRepository) private readonly orders: OrdersRepository) {}

  load(id: string): Promise<Order | undefined> {
    return this.orders.findById(id);
  }

  ownerOf(order: Order): string {
    return order.ownerId;
  }

  tenantOf(order: Order): string {
    return order.orgId;
  }
}
