// Rate limiting (SPEC 110): per principal (issuer + sub + client) when the token is valid, per IP
// otherwise; 429 with Retry-After; the request stops before Portcullis and the handler (no audit
// line). Small limits here. With TEST_REDIS_URL the per-minute suite also runs on the Redis storage.
// The throttler authenticates the token to key on the principal, and Portcullis's guard reuses that
// outcome: one revocation lookup per request (with TEST_REDIS_URL, on the Redis revocation store).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REVOCATION_STORE } from '@portcullis/nest';
import type { RevocationStore } from '@portcullis/nest';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import request from 'supertest';
import { DEFAULT_AUDIENCE } from '../../../src/config/app-config.js';
import { openDatabase } from '../../../src/database/open-database.js';
import type { OpenDatabase } from '../../../src/database/open-database.js';
import { LogCapture } from '../../../../../test-support/log-capture.js';
import { PRINCIPALS } from '../../support/principals.js';
import { invalidTokenChallenge } from '../../support/challenges.js';
import { startOrdersApi } from '../../support/start-orders-api.js';
import type { RunningApi } from '../../support/start-orders-api.js';

const logs = new LogCapture();
let issuer: TestIssuer;
// One embedded database for the three apps of this file (PGlite boots in seconds under Jest).
let database: OpenDatabase;

beforeAll(async () => {
  issuer = await createTestIssuer({ audience: DEFAULT_AUDIENCE });
  database = await openDatabase({ kind: 'memory' });
}, 60_000);
afterAll(async () => {
  await database?.close();
  await issuer?.close();
});

const storages: { name: string; redisUrl?: string }[] = [{ name: 'in-memory storage' }];
if (process.env.TEST_REDIS_URL)
  storages.push({ name: 'Redis storage (TEST_REDIS_URL)', redisUrl: process.env.TEST_REDIS_URL });

describe.each(storages)('per-minute limit (5 / 60 s) with the $name', ({ redisUrl }) => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startOrdersApi({
      issuer: issuer.issuer,
      database: { kind: 'memory' },
      openDatabase: database,
      logs,
      redisUrl,
      rateLimit: { perMinute: 5, burst: 1000 },
    });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  const get = (path: string, token?: string) => {
    const req = request(api.url).get(path);
    return token ? req.set('authorization', `Bearer ${token}`) : req;
  };

  it('answers 429 with Retry-After past the quota, before authorization and the handler run', async () => {
    const alice = await issuer.token(PRINCIPALS.alice);
    for (let i = 0; i < 5; i += 1) await get('/orders', alice).expect(200);
    const requestId = `limited-${Date.now()}`;
    const res = await get('/orders', alice).set('x-request-id', requestId).expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(res.body).toEqual({
      statusCode: 429,
      error: 'too_many_requests',
      code: 'ERR_RATE_LIMITED',
      message: 'Too many requests',
    });
    // No decision was made for the refused request: the guard and the handler never ran.
    expect(logs.entries().filter((e) => e.reqId === requestId && e.msg === 'portcullis.decision')).toEqual([]);
  });

  it('counts per principal: a new token of the same principal is limited, other principals are not', async () => {
    await get('/orders', await issuer.token(PRINCIPALS.alice)).expect(429);
    await get('/orders', await issuer.token(PRINCIPALS.bob)).expect(200);
  });

  it('counts anonymous and invalid-token requests per IP, never against the subject they claim', async () => {
    for (let i = 0; i < 5; i += 1) await get('/health').expect(200);
    await get('/health').expect(429);
    // Anonymous requests to protected routes are limited before any token work.
    const noToken = await get('/orders').expect(429);
    expect(noToken.headers['retry-after']).toBeDefined();
    const forged = await issuer.badToken('tampered-signature', PRINCIPALS.sam);
    for (let i = 0; i < 6; i += 1) await get('/orders', forged).expect(429);
    // sam's own budget is untouched by the forged tokens carrying his subject.
    await get('/orders', await issuer.token(PRINCIPALS.sam)).expect(200);
  });
});

describe('burst limit (2 / 1 s)', () => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startOrdersApi({
      issuer: issuer.issuer,
      database: { kind: 'memory' },
      openDatabase: database,
      logs,
      rateLimit: { perMinute: 1000, burst: 2 },
    });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  it('refuses a burst above the quota with 429 and Retry-After', async () => {
    const carol = await issuer.token(PRINCIPALS.carol);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => request(api.url).get('/orders').set('authorization', `Bearer ${carol}`)),
    );
    const limited = answers.filter((r) => r.status === 429);
    expect(answers.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    for (const r of limited) expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });
});

describe.each(storages)('one revocation lookup per request with the throttler on, $name', ({ redisUrl }) => {
  let api: RunningApi;
  let lookups = 0;

  beforeAll(async () => {
    api = await startOrdersApi({
      issuer: issuer.issuer,
      database: { kind: 'memory' },
      openDatabase: database,
      logs,
      redisUrl,
      rateLimit: { perMinute: 1000, burst: 1000 },
    });
    // Count the lookups on the app's own store (in-memory, or Redis with TEST_REDIS_URL).
    const store = api.app.get<RevocationStore>(REVOCATION_STORE);
    const isRevoked = store.isRevoked.bind(store);
    store.isRevoked = (query) => {
      lookups += 1;
      return isRevoked(query);
    };
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  /** Runs one request and returns how many revocation lookups it made. */
  async function lookupsOf(send: () => Promise<unknown>): Promise<number> {
    const before = lookups;
    await send();
    return lookups - before;
  }
  const orders = (token?: string) => {
    const req = request(api.url).get('/orders');
    return token ? req.set('authorization', `Bearer ${token}`) : req;
  };

  it('a valid token: one lookup, first sight and repeated alike', async () => {
    const bob = await issuer.token(PRINCIPALS.bob);
    expect(await lookupsOf(() => orders(bob).expect(200))).toBe(1);
    expect(await lookupsOf(() => orders(bob).expect(200))).toBe(1);
  });

  it('a revoked token: one lookup, and the same 401 answer as ever', async () => {
    const session = await issuer.token(PRINCIPALS.carol);
    const logout = () => request(api.url).post('/sessions/logout').set('authorization', `Bearer ${session}`);
    expect(await lookupsOf(() => logout().expect(204))).toBe(1);
    let res: request.Response | undefined;
    expect(await lookupsOf(async () => (res = await orders(session).expect(401)))).toBe(1);
    expect(res?.headers['www-authenticate']).toBe(
      invalidTokenChallenge('The access token was revoked'),
    );
    expect(res?.body).toMatchObject({ code: 'ERR_TOKEN_REVOKED' });
  });

  it('no token: no lookup, 401', async () => {
    expect(await lookupsOf(() => orders().expect(401))).toBe(0);
  });
});
