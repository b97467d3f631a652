// The API must start alone, with only the contract's env: when the authorization server is down
// at start-up it still starts, answers 401 (with the Bearer challenge) to requests without a
// token, fails closed with 503 for requests with one, and recovers once the issuer answers.
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
let database: OpenDatabase;

beforeAll(async () => {
  database = await openDatabase({ kind: 'memory' });
}, 60_000);
afterAll(async () => {
  await database?.close();
});

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
    expect(res.headers['www-authenticate']).toBe('Bearer realm="orders"');
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
