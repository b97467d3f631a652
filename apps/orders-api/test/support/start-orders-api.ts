import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Clock } from '../../src/auth/auth.constants.js';
import type { AppConfig, DatabaseConfig } from '../../src/config/app-config.js';
import type { OpenDatabase } from '../../src/database/open-database.js';
import { DEFAULT_AUDIENCE } from '../../src/config/app-config.js';
import { createOrdersApi } from '../../src/create-app.js';
import type { LogCapture } from '../../../../test-support/log-capture.js';

/** A running orders API on 127.0.0.1 with a random port. */
export interface RunningApi {
  readonly app: NestExpressApplication;
  readonly url: string;
  close(): Promise<void>;
}

/** Options of {@link startOrdersApi}: the issuer and database, plus config overrides. */
export interface StartOptions {
  readonly issuer: string;
  readonly database: DatabaseConfig;
  readonly logs: LogCapture;
  readonly audience?: string;
  readonly jwksUri?: string;
  readonly redisUrl?: string;
  /** Redis key prefix; give each test file its own so files running in parallel never share keys. */
  readonly redisKeyPrefix?: string;
  /** Rate limits; `ipBurst` (the per-IP throttler) defaults to a generous 100 000. */
  readonly rateLimit?: Omit<AppConfig['rateLimit'], 'ipBurst'> & { readonly ipBurst?: number };
  readonly seed?: boolean;
  readonly clock?: Clock;
  readonly corsOrigins?: readonly string[];
  /** Share an open database between apps (not closed by the app). */
  readonly openDatabase?: OpenDatabase;
}

/** Starts the real app in-process, as `main.ts` would, on 127.0.0.1:0. */
export async function startOrdersApi(options: StartOptions): Promise<RunningApi> {
  const config: AppConfig = {
    port: 0,
    host: '127.0.0.1',
    auth: { issuer: options.issuer, audience: options.audience ?? DEFAULT_AUDIENCE, jwksUri: options.jwksUri, discoveryTimeoutMs: 2000 },
    database: options.database,
    seed: options.seed ?? true,
    redisUrl: options.redisUrl,
    redisKeyPrefix: options.redisKeyPrefix ?? `portcullis-test:${randomUUID()}:`,
    // Generous by default: the suites send many requests per principal; the rate-limit suite sets its own.
    rateLimit: { perMinute: 100_000, burst: 100_000, ipBurst: 100_000, ...options.rateLimit },
    logLevel: 'info',
    corsOrigins: options.corsOrigins ?? [],
  };
  const app = await createOrdersApi(config, {
    logDestination: options.logs,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.openDatabase ? { database: options.openDatabase } : {}),
  });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, close: () => app.close() };
}
