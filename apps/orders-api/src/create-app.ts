import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { InMemoryRevocationStore, PORTCULLIS } from '@portcullis/nest';
import type { Portcullis } from '@portcullis/nest';
import { Logger } from 'nestjs-pino';
import type { DestinationStream, Logger as PinoLogger } from 'pino';
import type { Redis } from 'ioredis';
import { AppModule } from './app.module.js';
import type { Clock } from './auth/auth.constants.js';
import { CLOCK_TOLERANCE_SECONDS } from './auth/auth.constants.js';
import { resolveKeySource } from './auth/resolve-key-source.js';
import type { AppConfig } from './config/app-config.js';
import { migrateToLatest } from './database/migrate-to-latest.js';
import { openDatabase } from './database/open-database.js';
import type { OpenDatabase } from './database/open-database.js';
import { seedOrders } from './database/seed.js';
import { ApiExceptionFilter } from './http/api-exception.filter.js';
import { hardenHttp } from './http/harden-http.js';
import { createRootLogger } from './logging/logger-options.js';
import { setupOpenApi } from './openapi/setup-openapi.js';
import { OrdersRepository } from './orders/orders.repository.js';
import { createRedisClient } from './revocation/create-redis-client.js';
import { OrgScopedRevocationStore } from './revocation/org-scoped-revocation-store.js';
import { RedisRevocationStore } from './revocation/redis-revocation-store.js';

/** Test and embedding hooks of {@link createOrdersApi}. */
export interface OrdersApiOptions {
  /** Root logger; default: a JSON logger on stdout at `config.logLevel`. */
  readonly logger?: PinoLogger;
  /** Where log lines go when no `logger` is given (tests capture them). @default stdout */
  readonly logDestination?: DestinationStream;
  /** Clock in ms since the epoch for token checks and revocations (tests freeze it). @default Date.now */
  readonly clock?: Clock;
  /** `fetch` for discovery and key-set requests. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /**
   * An already-open database to use instead of opening `config.database` (tests share one
   * embedded instance between several apps). It is migrated (and seeded) but not closed by the app.
   */
  readonly database?: OpenDatabase;
}

/**
 * Builds the orders API as a Nest application, ready to `listen()`: opens and migrates the
 * database (seeding an empty one unless `config.seed` is false), connects Redis when configured,
 * finds the key set (discovery may be deferred when the issuer is down), then wires Portcullis,
 * rate limiting, logging, HTTP hardening, the error filter and the OpenAPI document.
 *
 * Throws `ConfigError` for configuration and start-up mistakes (unreachable database or Redis,
 * an issuer whose metadata names another issuer …), after closing what it had opened.
 *
 * @example
 * ```ts
 * const app = await createOrdersApi(loadConfig(process.env));
 * await app.listen(0, '127.0.0.1');
 * console.log(await app.getUrl());
 * await app.close();
 * ```
 */
export async function createOrdersApi(config: AppConfig, options: OrdersApiOptions = {}): Promise<NestExpressApplication> {
  const logger = options.logger ?? createRootLogger(config.logLevel, options.logDestination);
  const clock = options.clock ?? Date.now;
  const ownsDatabase = options.database === undefined;
  let database: OpenDatabase | undefined;
  let redis: Redis | undefined;
  try {
    database = options.database ?? (await openDatabase(config.database));
    const applied = await migrateToLatest(database.db);
    if (applied.length) logger.info({ migrations: applied }, 'database migrated');
    if (config.seed) {
      const seeded = await seedOrders(new OrdersRepository(database));
      if (seeded) logger.info({ orders: seeded }, 'database seeded with demo orders');
    }
    redis = config.redisUrl ? await createRedisClient(config.redisUrl) : undefined;
    const revocation = new OrgScopedRevocationStore(
      redis
        ? new RedisRevocationStore(redis, { prefix: `${config.redisKeyPrefix}revoked:`, now: clock, leeway: 60 + CLOCK_TOLERANCE_SECONDS })
        : new InMemoryRevocationStore({ now: clock, leeway: 60 + CLOCK_TOLERANCE_SECONDS }),
    );
    const keySource = await resolveKeySource(config.auth, options.fetch);
    if (keySource.warning) logger.warn({ issuer: config.auth.issuer }, keySource.warning);

    const app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot({ config, database, ownsDatabase, redis, revocation, keySource, logger, clock }),
      { bufferLogs: true, bodyParser: false, abortOnError: false },
    );
    app.useLogger(app.get(Logger));
    hardenHttp(app, config);
    app.useGlobalFilters(new ApiExceptionFilter(app.get<Portcullis>(PORTCULLIS)));
    setupOpenApi(app, config);
    return app;
  } catch (error) {
    if (ownsDatabase) await database?.close().catch(() => undefined);
    redis?.disconnect();
    throw error;
  }
}
