import type { Level } from 'pino';

/**
 * The orders API's resource identifier: the `aud` value its access tokens must carry. The local
 * auth server (apps/auth-server) issues tokens for this same constant.
 */
export const DEFAULT_AUDIENCE = 'https://api.portcullis.test/orders';

/** The local auth server (apps/auth-server) on its default address. */
export const DEFAULT_ISSUER = 'http://127.0.0.1:4000';

/** RFC 6750 `realm` of every challenge this API sends. */
export const REALM = 'orders';

/** Largest accepted JSON body, in bytes (16 KiB); larger bodies get 413. */
export const BODY_LIMIT_BYTES = 16 * 1024;

/** Where the embedded database lives. */
export type DatabaseConfig =
  /** Embedded PGlite persisted in a directory. */
  | { readonly kind: 'pglite'; readonly dataDir: string }
  /** Embedded PGlite in memory (`DATABASE_URL=memory://`): gone when the process stops. */
  | { readonly kind: 'memory' }
  /** A PostgreSQL server (`postgres://` / `postgresql://`). `url` may hold a password: never log it. */
  | { readonly kind: 'postgres'; readonly url: string; readonly display: string };

/**
 * The whole, validated configuration of the orders API. Built from the environment by
 * `loadConfig` (main.ts) or written directly by tests.
 *
 * @example
 * ```ts
 * const config = loadConfig(process.env);
 * const app = await createOrdersApi(config);
 * ```
 */
export interface AppConfig {
  /** TCP port (`PORT`). `0` picks a free port. @default 3000 */
  readonly port: number;
  /** Listen address (`HOST`). @default '127.0.0.1' */
  readonly host: string;
  readonly auth: {
    /** Exact `iss` to accept (`AUTH_ISSUER`). */
    readonly issuer: string;
    /** Required `aud` value (`AUTH_AUDIENCE`). */
    readonly audience: string;
    /** JWKS URL (`AUTH_JWKS_URI`); `undefined` = discover it from the issuer's metadata. */
    readonly jwksUri: string | undefined;
    /** Timeout of the start-up discovery request, in milliseconds. @default 2000 */
    readonly discoveryTimeoutMs: number;
  };
  readonly database: DatabaseConfig;
  /** Seed a few demo orders into an empty table (`SEED`, `true` unless `false`). */
  readonly seed: boolean;
  /** `REDIS_URL`: shared revocation and rate-limit state; `undefined` = in memory. May hold a password. */
  readonly redisUrl: string | undefined;
  /**
   * `REDIS_KEY_PREFIX`: prefix of every Redis key (`<prefix>revoked:jti:<jti>`, `<prefix>revoked:sub:["<org_id>","<sub>"]`
   * — subject revocations are per org —, `<prefix>ratelimit:…`), so several deployments can share one Redis. @default 'portcullis:'
   */
  readonly redisKeyPrefix: string;
  readonly rateLimit: {
    /** `RATE_LIMIT_PER_MINUTE`: requests per 60 s window per principal (per IP when anonymous). @default 100 */
    readonly perMinute: number;
    /** `RATE_LIMIT_BURST`: requests per 1 s window per principal (per IP when anonymous). @default 20 */
    readonly burst: number;
    /**
     * `RATE_LIMIT_IP_BURST`: requests per 1 s window per client IP (IPv6 by /64), all callers
     * behind it together, counted before any token is verified. Bounds the token verifications one
     * IP can cause. @default 5 × `burst` (100)
     */
    readonly ipBurst: number;
  };
  /** `LOG_LEVEL` (pino level, or `silent`). @default 'info' */
  readonly logLevel: Level | 'silent';
  /** `CORS_ORIGINS` (comma-separated origins). Empty = CORS closed. @default [] */
  readonly corsOrigins: readonly string[];
}
