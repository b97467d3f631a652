import { Injectable } from '@nestjs/common';
import type { ResourceResolver } from '@portcullis/nest';
import { OrdersRepository } from './orders.repository.js';
import type { Order } from './orders.repository.js';

/** Loads an order for @OwnedResource and tells Portcullis who owns it and in which tenant. */
@Injectable()
export class OrderResolver implements ResourceResolver<Order> {
  constructor(private readonly orders: OrdersRepository) {}

  async load(id: string): Promise<Order | undefined> {
    return this.orders.findById(id);
  }

  ownerOf(order: Order): string {
    return order.ownerId;
  }

  tenantOf(order: Order): string {
    return order.orgId;
  }
}
