import { Inject, Injectable, Logger, Module } from '@nestjs/common';
import type { BeforeApplicationShutdown, DynamicModule, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import { PORTCULLIS, PortcullisModule } from '@portcullis/nest';
import type { Portcullis, PortcullisModuleOptions } from '@portcullis/nest';
import { AdminUsersController } from './admin/admin-users.controller.js';
import type { AppRuntime } from './app-runtime.js';
import { CLOCK, CLOCK_TOLERANCE_SECONDS, MAX_TOKEN_LIFETIME_SECONDS, ORG_CLAIM } from './auth/auth.constants.js';
import { ROLE_HIERARCHY } from './auth/order-rules.js';
import { OrderResolver } from './auth/order.resolver.js';
import { rateLimitSubject } from './auth/rate-limit-subject.js';
import { ordersResourceMetadata } from './auth/resource-metadata.js';
import { REALM } from './config/app-config.js';
import { DATABASE, REDIS } from './database/database.tokens.js';
import { HealthController } from './health/health.controller.js';
import { createAuditSink } from './logging/audit-sink.js';
import { pinoHttpOptions } from './logging/logger-options.js';
import { InternalOrdersController } from './orders/internal-orders.controller.js';
import { OrdersController } from './orders/orders.controller.js';
import { OrdersRepository } from './orders/orders.repository.js';
import { SessionsController } from './sessions/sessions.controller.js';
import { PrincipalThrottlerGuard } from './throttling/principal-throttler.guard.js';
import {
  BURST_THROTTLER,
  CLIENT_IP_THROTTLER,
  RATE_LIMIT_SUBJECT,
  SUSTAINED_THROTTLER,
} from './throttling/rate-limit.constants.js';
import { RedisThrottlerStorage } from './throttling/redis-throttler.storage.js';

const RUNTIME = Symbol.for('orders-api.Runtime');

/** Closes what `createOrdersApi` opened (database, Redis) when the app stops. */
@Injectable()
class ResourceLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('OrdersApi');

  constructor(
    @Inject(RUNTIME) private readonly runtime: AppRuntime,
    @Inject(PORTCULLIS) private readonly portcullis: Portcullis,
  ) {}

  /** Fetches the key set once at start-up so `/health` is meaningful; failure is not fatal. */
  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.portcullis.verifier.reloadKeys();
    } catch {
      this.logger.warn('signing keys are not available yet: requests with a token get 503 until the key set can be fetched');
    }
  }

  beforeApplicationShutdown(signal?: string): void {
    if (signal) this.logger.log(`shutting down on ${signal}`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.runtime.ownsDatabase) await this.runtime.database.close();
    if (this.runtime.redis) await this.runtime.redis.quit().catch(() => this.runtime.redis?.disconnect());
  }
}

/**
 * The orders API's root module, built from an {@link AppRuntime}. Module order matters for the
 * global guards: this module's own `APP_GUARD` (rate limiting) runs before Portcullis's guard.
 * Its first throttler, `client-ip`, counts every request per client IP without reading the token,
 * so past `RATE_LIMIT_IP_BURST` requests a second from one IP, requests are refused before any
 * verification work. Within that budget, the `burst` and `sustained` throttlers verify the token
 * (once per request; Portcullis's guard reuses the outcome) to count a valid one per principal.
 */
@Module({})
export class AppModule {
  static forRoot(runtime: AppRuntime): DynamicModule {
    const { config } = runtime;
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({ pinoHttp: pinoHttpOptions(runtime.logger) }),
        ThrottlerModule.forRoot({
          throttlers: [
            // Evaluated first (PrincipalThrottlerGuard puts it first), keyed on the IP alone.
            { name: CLIENT_IP_THROTTLER.name, ttl: CLIENT_IP_THROTTLER.ttlMs, limit: config.rateLimit.ipBurst },
            { name: BURST_THROTTLER.name, ttl: BURST_THROTTLER.ttlMs, limit: config.rateLimit.burst },
            { name: SUSTAINED_THROTTLER.name, ttl: SUSTAINED_THROTTLER.ttlMs, limit: config.rateLimit.perMinute },
          ],
          setHeaders: false,
          ...(runtime.redis ? { storage: new RedisThrottlerStorage(runtime.redis, { prefix: `${config.redisKeyPrefix}ratelimit:` }) } : {}),
        }),
        PortcullisModule.forRootAsync({
          inject: [PinoLogger],
          useFactory: (pinoLogger: PinoLogger): PortcullisModuleOptions => ({
            issuer: config.auth.issuer,
            audience: config.auth.audience,
            jwksUri: runtime.keySource.jwksUri,
            ...(runtime.keySource.fetch ? { remoteJwks: { fetch: runtime.keySource.fetch } } : {}),
            claims: { scopes: ['scope'], roles: ['roles'], tenant: ORG_CLAIM, clientId: ['client_id'] },
            roleHierarchy: ROLE_HIERARCHY,
            realm: REALM,
            // RFC 9728: GET /.well-known/oauth-protected-resource/orders, and its URL in every challenge.
            protectedResourceMetadata: ordersResourceMetadata(config.auth),
            revocation: runtime.revocation,
            maxTokenLifetime: MAX_TOKEN_LIFETIME_SECONDS,
            clockTolerance: CLOCK_TOLERANCE_SECONDS,
            now: runtime.clock,
            audit: createAuditSink(pinoLogger),
            routesWithoutRules: 'error',
            swagger: { scheme: 'oauth2', securityName: 'oauth2' },
          }),
        }),
      ],
      controllers: [HealthController, OrdersController, InternalOrdersController, SessionsController, AdminUsersController],
      providers: [
        { provide: RUNTIME, useValue: runtime },
        { provide: DATABASE, useValue: runtime.database },
        { provide: REDIS, useValue: runtime.redis ?? null },
        { provide: CLOCK, useValue: runtime.clock },
        { provide: RATE_LIMIT_SUBJECT, useFactory: (portcullis: Portcullis) => rateLimitSubject(portcullis), inject: [PORTCULLIS] },
        { provide: APP_GUARD, useClass: PrincipalThrottlerGuard },
        OrdersRepository,
        OrderResolver,
        ResourceLifecycle,
      ],
    };
  }
}
