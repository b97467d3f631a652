import { describe, expect, it } from '@jest/globals';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from '../../src/config/app-config.js';
import { ConfigError } from '../../src/config/config-error.js';
import { DEFAULT_PGLITE_DIR, loadConfig } from '../../src/config/load-config.js';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('uses the contract defaults with an empty environment', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: '127.0.0.1',
      auth: { issuer: DEFAULT_ISSUER, audience: DEFAULT_AUDIENCE, jwksUri: undefined, discoveryTimeoutMs: 2000 },
      database: { kind: 'pglite', dataDir: DEFAULT_PGLITE_DIR },
      seed: true,
      redisUrl: undefined,
      redisKeyPrefix: 'portcullis:',
      rateLimit: { perMinute: 100, burst: 20, ipBurst: 100 },
      logLevel: 'info',
      corsOrigins: [],
    });
    expect(DEFAULT_PGLITE_DIR).toMatch(/apps[\\/]orders-api[\\/]\.data[\\/]pglite$/);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      AUTH_ISSUER: 'https://id.example.com/',
      AUTH_AUDIENCE: 'https://api.example.com/orders',
      AUTH_JWKS_URI: 'https://id.example.com/jwks',
      DATABASE_URL: 'postgresql://app:secret@db.internal:5433/orders',
      REDIS_URL: 'redis://cache:6379',
      RATE_LIMIT_PER_MINUTE: '600',
      RATE_LIMIT_BURST: '50',
      RATE_LIMIT_IP_BURST: '400',
      LOG_LEVEL: 'DEBUG',
      CORS_ORIGINS: 'https://app.example.com, http://localhost:5173',
      SEED: 'false',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      auth: { issuer: 'https://id.example.com/', audience: 'https://api.example.com/orders', jwksUri: 'https://id.example.com/jwks' },
      database: { kind: 'postgres', url: 'postgresql://app:secret@db.internal:5433/orders', display: 'db.internal:5433/orders' },
      redisUrl: 'redis://cache:6379',
      rateLimit: { perMinute: 600, burst: 50, ipBurst: 400 },
      logLevel: 'debug',
      corsOrigins: ['https://app.example.com', 'http://localhost:5173'],
      seed: false,
    });
  });

  it('maps memory:// and file:// database URLs to embedded PGlite', () => {
    expect(loadConfig({ DATABASE_URL: 'memory://' }).database).toEqual({ kind: 'memory' });
    expect(loadConfig({ DATABASE_URL: 'file:///var/lib/orders' }).database).toEqual({ kind: 'pglite', dataDir: '/var/lib/orders' });
  });

  it('derives the per-IP burst from the per-principal burst unless it is set', () => {
    expect(loadConfig({ RATE_LIMIT_BURST: '50' }).rateLimit.ipBurst).toBe(250);
    expect(loadConfig({ RATE_LIMIT_BURST: '900000' }).rateLimit.ipBurst).toBe(1_000_000);
    expect(loadConfig({ RATE_LIMIT_BURST: '50', RATE_LIMIT_IP_BURST: '30' }).rateLimit.ipBurst).toBe(30);
  });

  it.each([
    [{ AUTH_ISSUER: '' }, 'AUTH_ISSUER is set but empty'],
    [{ AUTH_ISSUER: 'not a url' }, 'AUTH_ISSUER is not an absolute URL'],
    [{ AUTH_ISSUER: 'http://id.example.com' }, 'AUTH_ISSUER must be an https:// URL'],
    [{ AUTH_ISSUER: 'https://id.example.com/?tenant=1' }, 'AUTH_ISSUER must not contain a query string'],
    [{ AUTH_AUDIENCE: '  ' }, 'AUTH_AUDIENCE is set but empty'],
    // The audience is the resource identifier the RFC 9728 metadata publishes.
    [{ AUTH_AUDIENCE: 'orders-api' }, "AUTH_AUDIENCE must be this API's resource identifier, the URL its tokens name in \"aud\" (RFC 8707, RFC 9728): must be an absolute https URL"],
    [{ AUTH_AUDIENCE: 'http://api.example.com/orders' }, "AUTH_AUDIENCE must be this API's resource identifier, the URL its tokens name in \"aud\" (RFC 8707, RFC 9728): must use https:"],
    [{ AUTH_AUDIENCE: 'https://api.example.com/orders?v=2' }, 'AUTH_AUDIENCE must be this API\'s resource identifier, the URL its tokens name in "aud" (RFC 8707, RFC 9728): must not have a query'],
    [{ AUTH_ISSUER: 'https://id.example.com/a b' }, 'AUTH_ISSUER must be an issuer identifier (RFC 8414): must not contain spaces or control characters'],
    [{ AUTH_AUDIENCE: 'https://API.example.com/orders' }, "must be written in canonical form ('https://api.example.com/orders')"],
    [{ AUTH_JWKS_URI: 'ftp://id.example.com/jwks' }, 'AUTH_JWKS_URI must be an https:// URL'],
    [{ DATABASE_URL: 'mysql://root:hunter2@db/orders' }, 'DATABASE_URL has an unsupported scheme "mysql:"'],
    [{ DATABASE_URL: 'hunter2' }, 'DATABASE_URL is not a valid URL'],
    [{ REDIS_URL: 'http://cache' }, 'REDIS_URL must start with redis://'],
    [{ RATE_LIMIT_PER_MINUTE: 'lots' }, 'RATE_LIMIT_PER_MINUTE must be a whole number between 1 and 1000000 (got a non-numeric value)'],
    [{ RATE_LIMIT_BURST: '0' }, 'RATE_LIMIT_BURST must be a whole number between 1 and 1000000 (got 0)'],
    [{ RATE_LIMIT_IP_BURST: '-1' }, 'RATE_LIMIT_IP_BURST must be a whole number between 1 and 1000000'],
    [{ PORT: '70000' }, 'PORT must be a whole number between 0 and 65535 (got 70000)'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    [{ CORS_ORIGINS: '*' }, 'CORS_ORIGINS must be a comma-separated list of origins'],
    [{ SEED: 'maybe' }, 'SEED must be true or false'],
    [{ REDIS_KEY_PREFIX: 'a b' }, 'REDIS_KEY_PREFIX must be'],
  ])('explains %j', (env, message) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it('lists every mistake at once, one line each, without echoing secrets', () => {
    const error = (() => {
      try {
        loadConfig({ AUTH_ISSUER: '', AUTH_AUDIENCE: '', DATABASE_URL: 'mysql://root:hunter2@db/orders', RATE_LIMIT_BURST: 'x' });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error.problems).toHaveLength(4);
    expect(error.message.split('\n')).toHaveLength(5);
    expect(error.message).not.toContain('hunter2');
  });
});
