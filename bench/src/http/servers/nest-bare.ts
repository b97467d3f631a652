import { Controller, Get, Module } from '@nestjs/common';
import { BODY } from '../server-types.js';
import type { StartedServer } from '../server-types.js';
import { startNest } from './nest-platform.js';
import type { NestPlatform } from './nest-platform.js';

@Controller('orders')
class OrdersController {
  @Get()
  list(): typeof BODY {
    return BODY;
  }
}

@Module({ controllers: [OrdersController] })
class BareModule {}

/** Nest 12, no authentication: the baseline of the Nest rows (per platform). */
export function start(_config: unknown, platform: NestPlatform): Promise<StartedServer> {
  return startNest(BareModule, platform);
}
