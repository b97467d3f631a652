import { Module } from '@nestjs/common';
import { OrderResolver } from './order.resolver.js';
import { OrdersController } from './orders.controller.js';
import { OrdersRepository } from './orders.repository.js';

/** A feature module: its resolver is an ordinary provider, found by PortcullisModule at start-up. */
@Module({
  controllers: [OrdersController],
  providers: [OrdersRepository, OrderResolver],
  exports: [OrdersRepository],
})
export class OrdersModule {}
