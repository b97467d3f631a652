/**
 * Target (d): the reference orders API (apps/orders-api), built in-process with its own
 * `createOrdersApi(config)` exactly as `main.ts` does, on an embedded in-memory database
 * (`DATABASE_URL=memory://`) and with `AUTH_ISSUER` = the local test issuer.
 *
 * "Nothing downstream ran" is checked on the data itself: a digest of every order row before and
 * after each request (any write changes a row or the row count), and denial bodies must not
 * contain any order id or internal note. Logs (request logs and audit lines) are captured from
 * the app's pino destination.
 */
import { createHash } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { PORTCULLIS } from '@portcullis/nest';
import type { Portcullis } from '@portcullis/nest';
import { sql } from 'kysely';
import type { AppConfig } from '../../apps/orders-api/src/config/app-config.js';
import { createOrdersApi } from '../../apps/orders-api/src/create-app.js';
import { openDatabase } from '../../apps/orders-api/src/database/open-database.js';
import type { OpenDatabase } from '../../apps/orders-api/src/database/open-database.js';
import { LogCapture } from '../../test-support/log-capture.js';
import { CORS_ORIGIN } from './spec-options.js';
import type { DownstreamSnapshot, RevocationOps, TargetHandle } from './target-handle.js';

export type { OpenDatabase };

/** Options of {@link startOrdersApiTarget}. */
export interface OrdersApiTargetOptions {
  /** `AUTH_ISSUER`. */
  readonly issuer: string;
  /** `AUTH_AUDIENCE`. */
  readonly audience: string;
  /** `AUTH_JWKS_URI`; `undefined` = discovered from the issuer (as in production). */
  readonly jwksUri?: string;
  /** App clock (the issuer's, so token times and revocations agree). */
  readonly clock?: () => number;
  /** Share one embedded database between several app instances (PGlite boots slowly). */
  readonly database?: OpenDatabase;
  /** `REDIS_URL` (fault injection on the revocation store). */
  readonly redisUrl?: string;
  /** `REDIS_KEY_PREFIX`. @default a unique prefix per instance */
  readonly redisKeyPrefix?: string;
  /**
   * `RATE_LIMIT_PER_MINUTE` / `RATE_LIMIT_BURST` / `RATE_LIMIT_IP_BURST`. @default effectively
   * unlimited (`ipBurst` too when omitted: the corpus sends everything from 127.0.0.1)
   */
  readonly rateLimit?: Omit<AppConfig['rateLimit'], 'ipBurst'> & { readonly ipBurst?: number };
  /** Where logs go; share one capture between apps of a process (nestjs-pino keeps the first). */
  readonly logs?: LogCapture;
  /** An admin token of the org (`ada`), for subject revocations through the API itself. */
  readonly adminToken: () => Promise<string>;
}

/** A started orders API. */
export interface OrdersApiTarget extends TargetHandle {
  readonly app: NestExpressApplication;
  readonly database: OpenDatabase;
  readonly logs: LogCapture;
}

/** Opens the embedded in-memory database of `DATABASE_URL=memory://`. */
export function openMemoryDatabase(): Promise<OpenDatabase> {
  return openDatabase({ kind: 'memory' });
}

/** Starts the orders API on 127.0.0.1:0. */
export async function startOrdersApiTarget(options: OrdersApiTargetOptions): Promise<OrdersApiTarget> {
  const logs = options.logs ?? new LogCapture();
  const ownsDatabase = options.database === undefined;
  const database = options.database ?? (await openMemoryDatabase());
  const config: AppConfig = {
    port: 0,
    host: '127.0.0.1',
    auth: { issuer: options.issuer, audience: options.audience, jwksUri: options.jwksUri, discoveryTimeoutMs: 2000 },
    database: { kind: 'memory' },
    seed: true,
    redisUrl: options.redisUrl,
    redisKeyPrefix: options.redisKeyPrefix ?? `conformance:${process.pid}:${Date.now()}:`,
    // The corpus sends many requests per principal; case 110 starts its own low-limit instance.
    rateLimit: { perMinute: 1_000_000, burst: 1_000_000, ipBurst: 1_000_000, ...options.rateLimit },
    logLevel: 'info',
    corsOrigins: [CORS_ORIGIN],
  };
  const app = await createOrdersApi(config, {
    logDestination: logs,
    database,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');

  const revocation: RevocationOps = {
    async revokeToken(token) {
      const res = await fetch(`${url}/sessions/logout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(10_000),
      });
      if (res.status !== 204) throw new Error(`logout answered ${res.status}`);
    },
    async revokeSubject(sub) {
      const res = await fetch(`${url}/admin/users/${encodeURIComponent(sub)}/revoke-tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await options.adminToken()}` },
        signal: AbortSignal.timeout(10_000),
      });
      if (res.status !== 204) throw new Error(`revoke-tokens answered ${res.status}`);
    },
  };

  return {
    name: 'orders-api',
    url,
    app,
    database,
    logs,
    snapshot: () => databaseSnapshot(database),
    logText: () => logs.text(),
    auditEvents: () => logs.audit,
    revocation,
    reloadKeys: () => app.get<Portcullis>(PORTCULLIS, { strict: false }).verifier.reloadKeys(),
    async close() {
      await app.close();
      if (ownsDatabase) await database.close();
    },
  };
}

/** A digest of every order row, plus the values a denial body must never contain. */
export async function databaseSnapshot(database: OpenDatabase): Promise<DownstreamSnapshot> {
  const { rows } = await sql<{
    id: string;
    org_id: string;
    owner_id: string;
    items: unknown;
    total_cents: unknown;
    status: string;
    internal_note: string | null;
    risk_score: number | null;
    version: number;
  }>`select id, org_id, owner_id, items, total_cents, status, internal_note, risk_score, version from orders order by id`.execute(
    database.db,
  );
  const digest = createHash('sha256').update(JSON.stringify(rows)).digest('base64url');
  const secrets = rows.flatMap((r) => [r.id, ...(r.internal_note ? [r.internal_note] : [])]);
  return { kind: 'db', digest, rows: rows.length, secrets };
}
