import { fileURLToPath } from 'node:url';
import type { Level } from 'pino';
import type { AppConfig, DatabaseConfig } from './app-config.js';
import { ordersResourceMetadata } from '../auth/resource-metadata.js';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from './app-config.js';
import { ConfigError } from './config-error.js';
import { parseSecureUrl } from './url-rules.js';

/** Environment variables read by {@link loadConfig}. */
export type ConfigEnv = Readonly<Record<string, string | undefined>>;

/** Default on-disk location of the embedded database: `apps/orders-api/.data/pglite` (gitignored). */
// src/config/ and dist/config/ are both two levels below the app folder.
export const DEFAULT_PGLITE_DIR = fileURLToPath(new URL('../../.data/pglite', import.meta.url));

const LOG_LEVELS: ReadonlySet<string> = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/**
 * Builds the configuration from environment variables and validates all of it at once: the
 * thrown {@link ConfigError} lists every mistake, one line each.
 *
 * | variable | default |
 * | --- | --- |
 * | `PORT` / `HOST` | `3000` / `127.0.0.1` |
 * | `AUTH_ISSUER` | `http://127.0.0.1:4000` |
 * | `AUTH_AUDIENCE` | `https://api.portcullis.test/orders` |
 * | `AUTH_JWKS_URI` | discovered from `${AUTH_ISSUER}/.well-known/openid-configuration` |
 * | `DATABASE_URL` | embedded PGlite in `apps/orders-api/.data/pglite` |
 * | `REDIS_URL` | in memory |
 * | `REDIS_KEY_PREFIX` | `portcullis:` |
 * | `RATE_LIMIT_PER_MINUTE` / `RATE_LIMIT_BURST` | `100` / `20` |
 * | `RATE_LIMIT_IP_BURST` | 5 × `RATE_LIMIT_BURST` (`100`) |
 * | `LOG_LEVEL` | `info` |
 * | `CORS_ORIGINS` | none (CORS closed) |
 * | `SEED` | `true` |
 *
 * @example
 * ```ts
 * const config = loadConfig(process.env);
 * ```
 */
export function loadConfig(env: ConfigEnv): AppConfig {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined ? undefined : value.trim();
  };

  const port = parseInteger(get('PORT'), 'PORT', 3000, 0, 65_535, problems);
  const host = get('HOST') ?? '127.0.0.1';
  if (host === '') problems.push('HOST is set but empty: set a listen address such as 127.0.0.1 or 0.0.0.0');

  const issuer = parseIssuer(get('AUTH_ISSUER'), problems);
  const audienceRaw = get('AUTH_AUDIENCE');
  if (audienceRaw === '') {
    problems.push(`AUTH_AUDIENCE is set but empty: set this API's identifier (the "aud" its tokens carry), e.g. ${DEFAULT_AUDIENCE}`);
  }
  const audience = audienceRaw || DEFAULT_AUDIENCE;
  checkResourceMetadata(issuer, audience, problems);
  const jwksUri = parseJwksUri(get('AUTH_JWKS_URI'), problems);

  const database = parseDatabaseUrl(get('DATABASE_URL'), problems);
  const redisUrl = parseRedisUrl(get('REDIS_URL'), problems);
  const redisKeyPrefix = get('REDIS_KEY_PREFIX') || 'portcullis:';
  if (!/^[A-Za-z0-9:._-]{1,64}$/.test(redisKeyPrefix)) {
    problems.push('REDIS_KEY_PREFIX must be 1-64 letters, digits or ":._-"');
  }
  const perMinute = parseInteger(get('RATE_LIMIT_PER_MINUTE'), 'RATE_LIMIT_PER_MINUTE', 100, 1, 1_000_000, problems);
  const burst = parseInteger(get('RATE_LIMIT_BURST'), 'RATE_LIMIT_BURST', 20, 1, 1_000_000, problems);
  // Several principals may share one IP (NAT, an office, a back end calling for its users): the
  // per-IP budget defaults to several times one principal's burst.
  const ipBurst = parseInteger(
    get('RATE_LIMIT_IP_BURST'),
    'RATE_LIMIT_IP_BURST',
    Math.min(5 * burst, 1_000_000),
    1,
    1_000_000,
    problems,
  );

  const logLevel = (get('LOG_LEVEL') || 'info').toLowerCase();
  if (!LOG_LEVELS.has(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${[...LOG_LEVELS].join(', ')}`);
  }
  const corsOrigins = parseOrigins(get('CORS_ORIGINS'), problems);
  const seed = parseBoolean(get('SEED'), 'SEED', true, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host,
    auth: { issuer, audience, jwksUri, discoveryTimeoutMs: 2000 },
    database,
    seed,
    redisUrl,
    redisKeyPrefix,
    rateLimit: { perMinute, burst, ipBurst },
    logLevel: logLevel as Level | 'silent',
    corsOrigins,
  };
}

function parseInteger(
  raw: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) {
    problems.push(`${name} must be a whole number between ${min} and ${max} (got a non-numeric value)`);
    return fallback;
  }
  const value = Number(raw);
  if (value < min || value > max) {
    problems.push(`${name} must be a whole number between ${min} and ${max} (got ${value})`);
    return fallback;
  }
  return value;
}

function parseBoolean(raw: string | undefined, name: string, fallback: boolean, problems: string[]): boolean {
  if (raw === undefined || raw === '') return fallback;
  const lower = raw.toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  problems.push(`${name} must be true or false`);
  return fallback;
}

function parseIssuer(raw: string | undefined, problems: string[]): string {
  if (raw === undefined) return DEFAULT_ISSUER;
  if (raw === '') {
    problems.push(`AUTH_ISSUER is set but empty: set the exact "iss" of your authorization server, e.g. ${DEFAULT_ISSUER}`);
    return DEFAULT_ISSUER;
  }
  const parsed = parseSecureUrl(raw);
  if ('problem' in parsed) {
    problems.push(`AUTH_ISSUER ${parsed.problem}`);
    return DEFAULT_ISSUER;
  }
  if (parsed.url.search || parsed.url.hash) {
    // OpenID Connect Discovery §2: an issuer identifier has no query or fragment.
    problems.push('AUTH_ISSUER must not contain a query string or a fragment');
  }
  // Kept verbatim: `iss` is compared code point by code point (no trailing-slash normalisation).
  return raw;
}

/**
 * The audience is this API's resource identifier and the issuer its authorization server, both
 * published in the RFC 9728 metadata (src/auth/resource-metadata.ts): refuse at start-up what that
 * document could not carry, with the variable's name, instead of failing later in the module.
 */
function checkResourceMetadata(issuer: string, audience: string, problems: string[]): void {
  if (problems.some((problem) => problem.startsWith('AUTH_ISSUER') || problem.startsWith('AUTH_AUDIENCE'))) return;
  const reason = (error: unknown) => String((error as Error).message).replace(/^createProtectedResourceMetadata: '\w+' /, '');
  try {
    ordersResourceMetadata({ issuer: DEFAULT_ISSUER, audience });
  } catch (error) {
    problems.push(`AUTH_AUDIENCE must be this API's resource identifier, the URL its tokens name in "aud" (RFC 8707, RFC 9728): ${reason(error)}`);
    return;
  }
  try {
    ordersResourceMetadata({ issuer, audience });
  } catch (error) {
    problems.push(`AUTH_ISSUER must be an issuer identifier (RFC 8414): ${reason(error)}`);
  }
}

function parseJwksUri(raw: string | undefined, problems: string[]): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const parsed = parseSecureUrl(raw);
  if ('problem' in parsed) {
    problems.push(`AUTH_JWKS_URI ${parsed.problem}`);
    return undefined;
  }
  return parsed.url.href;
}

function parseDatabaseUrl(raw: string | undefined, problems: string[]): DatabaseConfig {
  if (raw === undefined || raw === '') return { kind: 'pglite', dataDir: DEFAULT_PGLITE_DIR };
  if (raw === 'memory://' || raw === 'memory:') return { kind: 'memory' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Never echo the value: it may hold a password.
    problems.push('DATABASE_URL is not a valid URL: use postgres://user:password@host:5432/db, memory:// or file:///path/to/dir');
    return { kind: 'memory' };
  }
  switch (url.protocol) {
    case 'postgres:':
    case 'postgresql:': {
      if (!url.hostname) {
        problems.push('DATABASE_URL must name a host: postgres://user:password@host:5432/db');
      }
      return { kind: 'postgres', url: raw, display: describePostgresUrl(url) };
    }
    case 'memory:':
      return { kind: 'memory' };
    case 'file:':
      return { kind: 'pglite', dataDir: fileURLToPath(url) };
    default:
      problems.push(
        `DATABASE_URL has an unsupported scheme "${url.protocol.replace(/[^a-z0-9+.:-]/gi, '')}": use postgres://, postgresql://, memory:// or file:///path/to/dir`,
      );
      return { kind: 'memory' };
  }
}

/** `host:port/db` of a PostgreSQL URL, without user or password, for messages and logs. */
function describePostgresUrl(url: URL): string {
  return `${url.hostname}:${url.port || '5432'}${url.pathname === '/' ? '' : url.pathname}`;
}

function parseRedisUrl(raw: string | undefined, problems: string[]): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push('REDIS_URL is not a valid URL: use redis://host:6379 or rediss://host:6380');
    return undefined;
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    problems.push('REDIS_URL must start with redis:// or rediss://');
    return undefined;
  }
  return raw;
}

function parseOrigins(raw: string | undefined, problems: string[]): string[] {
  if (raw === undefined || raw === '') return [];
  const origins: string[] = [];
  for (const item of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    let url: URL | undefined;
    try {
      url = new URL(item);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== item.replace(/\/$/, '')) {
      problems.push('CORS_ORIGINS must be a comma-separated list of origins such as https://app.example.com (no path, no "*")');
      continue;
    }
    origins.push(url.origin);
  }
  return origins;
}
