import { Controller, ForbiddenException, Get, Injectable, Module, UseGuards } from '@nestjs/common';
import type { CanActivate, ExecutionContext, Type } from '@nestjs/common';
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport';
import { passportJwtSecret } from 'jwks-rsa';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { REQUIRED_SCOPE } from '../../lib/pool.js';
import { BODY, hasScope } from '../server-types.js';
import type { ServerConfig, StartedServer } from '../server-types.js';
import { startNest } from './nest-platform.js';
import type { NestPlatform } from './nest-platform.js';

/** The scope check passport-jwt leaves to the app. */
@Injectable()
class ScopeGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (hasScope(context.switchToHttp().getRequest<{ user?: unknown }>().user, REQUIRED_SCOPE)) return true;
    throw new ForbiddenException('insufficient_scope');
  }
}

@Controller('orders')
@UseGuards(AuthGuard('jwt'), ScopeGuard)
class OrdersController {
  @Get()
  list(): typeof BODY {
    return BODY;
  }
}

/** Nest 12 + @nestjs/passport + passport-jwt with jwks-rsa's passportJwtSecret, as the Nest docs and jwks-rsa README set it up. */
export function start(config: ServerConfig, platform: NestPlatform): Promise<StartedServer> {
  @Injectable()
  class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
    constructor() {
      super({
        jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
        secretOrKeyProvider: passportJwtSecret({
          jwksUri: config.jwksUri,
          cache: true,
          rateLimit: true,
          jwksRequestsPerMinute: 10,
        }),
        algorithms: ['RS256'],
        issuer: config.issuer,
        audience: config.audience,
      });
    }

    validate(payload: unknown): unknown {
      return payload;
    }
  }

  @Module({ imports: [PassportModule], controllers: [OrdersController], providers: [JwtStrategy, ScopeGuard] })
  class PassportAppModule {}
  return startNest(PassportAppModule as Type, platform);
}
