import { Controller, Get, HttpException, Injectable, Module, UseGuards } from '@nestjs/common';
import type { CanActivate, ExecutionContext, Type } from '@nestjs/common';
import { toHttpResponse } from '@portcullis/core';
import { createSyncAuthenticator, fetchJwks } from '../../../prototypes/sync-authenticator.js';
import type { SyncAuthenticator, SyncOutcome } from '../../../prototypes/sync-authenticator.js';
import { REQUIRED_SCOPE } from '../../lib/pool.js';
import { BODY, countCached } from '../server-types.js';
import type { ServerConfig, StartedServer } from '../server-types.js';
import { startNest } from './nest-platform.js';
import type { NestPlatform } from './nest-platform.js';

interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
  raw?: { rawHeaders: string[] };
  rawHeaders?: string[];
  url: string;
  method: string;
  portcullisAuth?: unknown;
}

function settle(outcome: SyncOutcome, request: RequestLike): boolean {
  if (outcome.ok) {
    request.portcullisAuth = outcome.auth;
    countCached(outcome.auth.token);
    return true;
  }
  const { status, body } = toHttpResponse(outcome.error);
  throw new HttpException(body, status);
}

/**
 * PROTOTYPE row (not shipped): a Nest guard on bench/prototypes/sync-authenticator.ts that returns
 * `true` synchronously for a repeated token. Upper bound, not a like-for-like: no reflector
 * lookup of route rules (the rule is fixed), no audit.
 */
export async function start(config: ServerConfig, platform: NestPlatform): Promise<StartedServer> {
  const authenticator: SyncAuthenticator = await createSyncAuthenticator({
    issuer: config.issuer,
    audience: config.audience,
    jwks: await fetchJwks(config.jwksUri),
    algorithms: ['RS256'],
    cacheEntries: config.cacheEntries,
    scopes: [REQUIRED_SCOPE],
  });

  @Injectable()
  class PrototypeGuard implements CanActivate {
    canActivate(context: ExecutionContext): boolean | Promise<boolean> {
      const request = context.switchToHttp().getRequest<RequestLike>();
      const outcome = authenticator.authenticate({
        headers: request.headers,
        rawHeaders: request.raw?.rawHeaders ?? request.rawHeaders ?? [],
        url: request.url,
        method: request.method,
      });
      return outcome instanceof Promise ? outcome.then((o) => settle(o, request)) : settle(outcome, request);
    }
  }

  @Controller('orders')
  @UseGuards(PrototypeGuard)
  class OrdersController {
    @Get()
    list(): typeof BODY {
      return BODY;
    }
  }

  @Module({ controllers: [OrdersController], providers: [PrototypeGuard] })
  class PrototypeAppModule {}
  return startNest(PrototypeAppModule as Type, platform);
}
