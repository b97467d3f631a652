import { Injectable } from '@nestjs/common';
import { BROKEN_ORDER_ID, ORDERS } from './order.js';
import type { Order } from './order.js';

/** In-memory orders that count their loads, so a test can prove a denied caller caused none. */
@Injectable()
export class OrdersRepository {
  private readonly orders = new Map(ORDERS.map((order) => [order.id, order]));
  private loadCount = 0;

  /** Loads so far. */
  get loads(): number {
    return this.loadCount;
  }

  /** The order, or `undefined` when there is none with that id. */
  async findById(id: string): Promise<Order | undefined> {
    this.loadCount += 1;
    if (id === BROKEN_ORDER_ID) throw new Error('orders database unavailable');
    return this.orders.get(id);
  }
}
