// Configuration variants of the real app (one shared embedded database for all of them):
// - it must start alone, with only the contract's env: with the authorization server down at
//   start-up it still starts, answers 401 (with the Bearer challenge) to requests without a
//   token, fails closed with 503 for requests with one, and recovers once the issuer answers;
// - AUTH_JWKS_URI skips discovery; AUTH_AUDIENCE is enforced; CORS_ORIGINS opens CORS to those
//   origins only; a database that goes away gives 503, never a stack trace.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import request from 'supertest';
import { DEFAULT_AUDIENCE } from '../../../src/config/app-config.js';
import { openDatabase } from '../../../src/database/open-database.js';
import type { OpenDatabase } from '../../../src/database/open-database.js';
import { LogCapture } from '../../../../../test-support/log-capture.js';
import { PRINCIPALS } from '../../support/principals.js';
import { MISSING_TOKEN_CHALLENGE } from '../../support/challenges.js';
import { startOrdersApi } from '../../support/start-orders-api.js';
import type { RunningApi } from '../../support/start-orders-api.js';

const logs = new LogCapture();
let database: OpenDatabase;

beforeAll(async () => {
  database = await openDatabase({ kind: 'memory' });
}, 60_000);
afterAll(async () => {
  await database?.close();
});

const bearer = (token: string) => `Bearer ${token}`;

describe('with the issuer unreachable (nothing listens on AUTH_ISSUER)', () => {
  let api: RunningApi;
  let closedIssuer: string;

  beforeAll(async () => {
    const gone = await createTestIssuer({ audience: DEFAULT_AUDIENCE });
    closedIssuer = gone.issuer;
    await gone.close();
    api = await startOrdersApi({ issuer: closedIssuer, database: { kind: 'memory' }, openDatabase: database, logs });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  it('starts, and says discovery is deferred', () => {
    const warning = logs.entries().find((e) => e.level === 'warn' && String(e.msg).includes('issuer metadata unavailable at start-up'));
    expect(warning).toBeDefined();
    expect(String(warning!.msg)).toContain('ECONNREFUSED');
  });

  it('answers GET /orders without a token with 401 and the Bearer challenge', async () => {
    const res = await request(api.url).get('/orders').expect(401);
    expect(res.headers['www-authenticate']).toBe(MISSING_TOKEN_CHALLENGE);
  });

  it('reports a degraded health', async () => {
    const res = await request(api.url).get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'degraded', keys: { state: 'unavailable', keyCount: 0 }, database: { state: 'up' } });
  });
});

describe('with the issuer down at start-up, then back', () => {
  let issuer: TestIssuer;
  let api: RunningApi;

  beforeAll(async () => {
    issuer = await createTestIssuer({ audience: DEFAULT_AUDIENCE });
    issuer.jwksServer.mode('down');
    api = await startOrdersApi({
      issuer: issuer.issuer,
      database: { kind: 'memory' },
      openDatabase: database,
      logs,
      clock: () => issuer.clock.now(),
    });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await issuer?.close();
  });

  it('fails closed with 503 and Retry-After for a token it cannot verify yet', async () => {
    const token = await issuer.token(PRINCIPALS.alice);
    const res = await request(api.url).get('/orders').set('authorization', `Bearer ${token}`).expect(503);
    expect(res.body).toMatchObject({ statusCode: 503, code: 'ERR_KEYS_UNAVAILABLE' });
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  it('discovers the key set once the issuer answers (after the refetch cooldown)', async () => {
    issuer.jwksServer.mode('ok');
    issuer.clock.advance(31);
    try {
      const token = await issuer.token(PRINCIPALS.alice);
      await request(api.url).get('/orders').set('authorization', `Bearer ${token}`).expect(200);
      const health = await request(api.url).get('/health').expect(200);
      expect(health.body).toMatchObject({ status: 'ok', keys: { state: 'fresh' } });
    } finally {
      issuer.clock.unfreeze();
    }
  });
});

describe('with AUTH_JWKS_URI, a custom AUTH_AUDIENCE and CORS_ORIGINS', () => {
  let issuer: TestIssuer;
  let api: RunningApi;
  const audience = 'https://orders.example.com/api';

  beforeAll(async () => {
    issuer = await createTestIssuer({ audience });
    // Discovery would fail: only the JWKS URL given explicitly can work.
    issuer.jwksServer.mode('ok');
    api = await startOrdersApi({
      issuer: issuer.issuer,
      audience,
      jwksUri: issuer.jwksUri,
      database: { kind: 'memory' },
      openDatabase: database,
      logs,
      corsOrigins: ['https://app.example.com'],
    });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await issuer?.close();
  });

  it('verifies with the configured key set and audience', async () => {
    await request(api.url).get('/orders').set('authorization', bearer(await issuer.token(PRINCIPALS.alice))).expect(200);
    const other = await issuer.token({ ...PRINCIPALS.alice, aud: DEFAULT_AUDIENCE });
    const res = await request(api.url).get('/orders').set('authorization', bearer(other)).expect(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('publishes its RFC 9728 metadata for that audience: the path inserted before the audience’s path, and its URL in challenges', async () => {
    const res = await request(api.url).get('/orders').expect(401);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="orders", resource_metadata="https://orders.example.com/.well-known/oauth-protected-resource/api"',
    );
    const document = await request(api.url).get('/.well-known/oauth-protected-resource/api').expect(200);
    expect(document.body).toEqual({
      resource: audience,
      authorization_servers: [issuer.issuer],
      scopes_supported: ['orders:read', 'orders:write', 'orders:fulfil'],
      bearer_methods_supported: ['header'],
      resource_name: 'Portcullis orders API',
    });
    await request(api.url).get('/.well-known/oauth-protected-resource/orders').expect(404); // not this API's path
  });

  it('answers CORS for the configured origin only, exposing WWW-Authenticate', async () => {
    const preflight = await request(api.url)
      .options('/orders')
      .set('origin', 'https://app.example.com')
      .set('access-control-request-method', 'GET')
      .set('access-control-request-headers', 'authorization');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(preflight.headers['access-control-allow-headers']).toMatch(/authorization/i);
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
    const res = await request(api.url).get('/orders').set('origin', 'https://app.example.com').expect(401);
    expect(res.headers['access-control-expose-headers']).toMatch(/WWW-Authenticate/);
    const foreign = await request(api.url).get('/orders').set('origin', 'https://evil.example').expect(401);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers 503 without internals when the database goes away (health too)', async () => {
    const token = await issuer.token(PRINCIPALS.alice);
    await database.close(); // last test of the file: the shared database is gone from here on
    const list = await request(api.url).get('/orders').set('authorization', bearer(token)).expect(503);
    expect(list.body).toEqual({ statusCode: 503, error: 'service_unavailable', code: 'ERR_SERVICE_UNAVAILABLE', message: 'Service temporarily unavailable' });
    expect(list.headers['retry-after']).toBe('5');
    const one = await request(api.url).get('/orders/ord_seedalice0000000000001').set('authorization', bearer(token)).expect(503);
    expect(JSON.stringify(one.body)).not.toMatch(/stack|PGlite|at /);
    const health = await request(api.url).get('/health').expect(503);
    expect(health.body).toMatchObject({ status: 'down', database: { state: 'down' } });
  });
});
