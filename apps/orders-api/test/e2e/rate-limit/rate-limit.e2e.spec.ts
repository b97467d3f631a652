// Rate limiting (SPEC 110): per principal (issuer + sub + client) when the token is valid, per IP
// otherwise; 429 with Retry-After; the request stops before Portcullis and the handler (no audit
// line). Small limits here. With TEST_REDIS_URL the per-minute suite also runs on the Redis storage.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import request from 'supertest';
import { DEFAULT_AUDIENCE } from '../../../src/config/app-config.js';
import { openDatabase } from '../../../src/database/open-database.js';
import type { OpenDatabase } from '../../../src/database/open-database.js';
import { LogCapture } from '../../support/log-capture.js';
import { PRINCIPALS } from '../../support/principals.js';
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
if (process.env.TEST_REDIS_URL) storages.push({ name: 'Redis storage (TEST_REDIS_URL)', redisUrl: process.env.TEST_REDIS_URL });

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
    expect(res.body).toEqual({ statusCode: 429, error: 'too_many_requests', code: 'ERR_RATE_LIMITED', message: 'Too many requests' });
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
    api = await startOrdersApi({ issuer: issuer.issuer, database: { kind: 'memory' }, openDatabase: database, logs, rateLimit: { perMinute: 1000, burst: 2 } });
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
