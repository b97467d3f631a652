import { Body, Controller, Delete, Get, Post } from '@nestjs/common';
import { CurrentPrincipal, LoadedResource, OwnedResource, Roles, Scopes } from '@portcullis/nest';
import type { Principal } from '@portcullis/nest';
import { OrderResolver } from './order.resolver.js';
import { OrdersRepository } from './orders.repository.js';
import type { Order } from './orders.repository.js';

/**
 * | route              | rule                                                           |
 * | ------------------ | -------------------------------------------------------------- |
 * | GET    /orders     | scope orders:read; the caller's own orders                     |
 * | GET    /orders/:id | scope orders:read; owner, or support/admin of the same tenant  |
 * | POST   /orders     | scope orders:write; owner and tenant come from the token       |
 * | DELETE /orders/:id | role admin + scope orders:write; same tenant                   |
 */
@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersRepository) {}

  @Get()
  @Scopes('orders:read')
  list(@CurrentPrincipal() me: Principal): Order[] {
    return this.orders.listFor(me.subject);
  }

  @Get(':id')
  @Scopes('orders:read')
  @OwnedResource(OrderResolver, { param: 'id', allowRoles: ['support'], tenant: true })
  get(@LoadedResource() order: Order): Order {
    return order;
  }

  @Post()
  @Scopes('orders:write')
  create(@CurrentPrincipal() me: Principal, @Body() body: { sku: string; qty: number }): Order {
    return this.orders.create(me.subject, me.tenant ?? '', String(body.sku), Number(body.qty));
  }

  @Delete(':id')
  @Roles('admin')
  @Scopes('orders:write')
  @OwnedResource(OrderResolver, { param: 'id', allowRoles: ['admin'], tenant: true })
  remove(@LoadedResource() order: Order): { deleted: string } {
    this.orders.delete(order.id);
    return { deleted: order.id };
  }
}
