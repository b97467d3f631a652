import { Controller, Get, Module, Req } from '@nestjs/common';
import type { Type } from '@nestjs/common';
import { PortcullisModule, Scopes } from '@portcullis/nest';
import type { AuditSink, PortcullisRequestState } from '@portcullis/nest';
import { REQUIRED_SCOPE } from '../../lib/pool.js';
import { BODY, countCached } from '../server-types.js';
import type { ServerConfig, StartedServer } from '../server-types.js';
import { startNest } from './nest-platform.js';
import type { NestPlatform } from './nest-platform.js';

@Controller('orders')
class OrdersController {
  @Get()
  @Scopes(REQUIRED_SCOPE)
  list(@Req() request: { portcullis?: PortcullisRequestState }): typeof BODY {
    countCached(request.portcullis?.token);
    return BODY;
  }
}

/**
 * Nest 12 + PortcullisModule (global deny-by-default guard) and `@Scopes` on the route. `audit`
 * `undefined` keeps the module's default sink (`'logger'`: one JSON line per decision to Nest's
 * Logger, which is off here); `noAudit` passes a no-op sink instead.
 */
export function start(
  config: ServerConfig,
  platform: NestPlatform,
  options: { noAudit?: boolean } = {},
): Promise<StartedServer> {
  const audit: AuditSink | undefined = options.noAudit === true ? () => undefined : undefined;
  @Module({
    imports: [
      PortcullisModule.forRoot({
        issuer: config.issuer,
        audience: config.audience,
        jwksUri: config.jwksUri,
        algorithms: ['RS256'],
        cache: { maxEntries: config.cacheEntries },
        ...(audit === undefined ? {} : { audit }),
      }),
    ],
    controllers: [OrdersController],
  })
  class PortcullisAppModule {}
  return startNest(PortcullisAppModule as Type, platform);
}
