import { Controller, Get } from '@nestjs/common';
import { CurrentPrincipal, LoadedResource, OwnedResource, Scopes } from '@portcullis/nest';
import type { Order } from './order.js';
import { OrderResolver } from './order.resolver.js';

/**
 * Ownership (anti-IDOR): the guard loads the order once through OrderResolver and lets the owner
 * through; anyone else, and a missing order, get the same 404.
 *
 * | route                  | rule                                                                           |
 * | ---------------------- | ------------------------------------------------------------------------------ |
 * | GET /orders/:id        | @Scopes('orders:read') + owner, or support (admin inherits it), same org only  |
 * | GET /receipts/:orderId | @Scopes('orders:read') + owner only (param 'orderId', no roles, no tenant)     |
 */
@Controller()
export class OrdersController {
  @Get('orders/:id')
  @Scopes('orders:read')
  @OwnedResource(OrderResolver, { allowRoles: ['support'], tenant: true })
  get(@LoadedResource() order: Order, @CurrentPrincipal('subject') viewer: string) {
    return { id: order.id, ownerId: order.ownerId, viewer };
  }

  @Get('receipts/:orderId')
  @Scopes('orders:read')
  @OwnedResource(OrderResolver, { param: 'orderId' })
  receipt(@LoadedResource() order: Order) {
    return { id: order.id, totalCents: order.totalCents };
  }
}
