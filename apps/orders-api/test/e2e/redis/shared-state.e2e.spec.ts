// With REDIS_URL, revocations and rate limits are shared by every instance of the API: two apps
// on one Redis (TEST_REDIS_URL) — what one revokes or counts, the other enforces.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
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

const redisUrl = process.env.TEST_REDIS_URL;

(redisUrl ? describe : describe.skip)('two instances sharing Redis (TEST_REDIS_URL)', () => {
  const logs = new LogCapture();
  const redisKeyPrefix = `portcullis-test:${randomUUID()}:`;
  let issuer: TestIssuer;
  let database: OpenDatabase;
  let one: RunningApi;
  let two: RunningApi;

  beforeAll(async () => {
    issuer = await createTestIssuer({ audience: DEFAULT_AUDIENCE });
    database = await openDatabase({ kind: 'memory' });
    const options = {
      issuer: issuer.issuer,
      database: { kind: 'memory' as const },
      openDatabase: database,
      logs,
      redisUrl,
      redisKeyPrefix,
      rateLimit: { perMinute: 6, burst: 1000 },
      clock: () => issuer.clock.now(),
    };
    one = await startOrdersApi(options);
    two = await startOrdersApi(options);
  }, 60_000);

  afterAll(async () => {
    await one?.close();
    await two?.close();
    await database?.close();
    await issuer?.close();
  });

  const get = (api: RunningApi, path: string, token: string) => request(api.url).get(path).set('authorization', `Bearer ${token}`);

  it('reports Redis in the health', async () => {
    const res = await request(one.url).get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', redis: { state: 'up' } });
  });

  it('a logout on one instance is enforced by the other', async () => {
    const session = await issuer.token(PRINCIPALS.alice);
    await get(one, '/orders', session).expect(200);
    await request(one.url).post('/sessions/logout').set('authorization', `Bearer ${session}`).expect(204);
    const res = await get(two, '/orders', session).expect(401);
    expect(res.headers['www-authenticate']).toBe(
      invalidTokenChallenge('The access token was revoked'),
    );
    await get(two, '/orders', await issuer.token(PRINCIPALS.alice)).expect(200);
  });

  it('a subject revocation on one instance is enforced by the other, inclusive of its second', async () => {
    issuer.clock.freeze(Math.floor(Date.now() / 1000) * 1000 + 100);
    try {
      const bob = await issuer.token(PRINCIPALS.bob);
      await request(two.url).post('/admin/users/bob/revoke-tokens').set('authorization', `Bearer ${await issuer.token(PRINCIPALS.ada)}`).expect(204);
      await get(one, '/orders', bob).expect(401);
      await get(one, '/orders', await issuer.token(PRINCIPALS.bob)).expect(401); // same second
      issuer.clock.advance(1);
      await get(one, '/orders', await issuer.token(PRINCIPALS.bob)).expect(200);
    } finally {
      issuer.clock.unfreeze();
    }
  });

  it('the per-principal budget is shared', async () => {
    const carol = await issuer.token(PRINCIPALS.carol);
    for (let i = 0; i < 6; i += 1) await get(i % 2 ? one : two, '/orders', carol).expect(200);
    const limited = await get(one, '/orders', carol).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    await get(two, '/orders', carol).expect(429);
  });
});
