// Per-IP budget before any token work: the `client-ip` throttler counts every request by client IP
// without reading its token and is evaluated before the principal throttlers (which verify the
// token to key on the principal). So a flood of distinct forged tokens from one IP gets 429 past
// the IP budget with no signature check for the refused requests; other IPs are unaffected; the
// per-principal limits work as before. With TEST_REDIS_URL it also runs on the Redis storage.
//
// The counter is the signature check itself: node:crypto's `verify`, which the verifier calls
// once per signature (RS256 here), wrapped to count and delegate. Nothing else is mocked.
import { request as httpRequest } from 'node:http';
import * as realCrypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { TestIssuer } from '@portcullis/testing';
import type { RunningApi } from '../../support/start-orders-api.js';

let verifications = 0;
const realVerify = realCrypto.verify as (...args: unknown[]) => unknown;
const countingVerify = (...args: unknown[]): unknown => {
  verifications += 1;
  return realVerify(...args);
};
jest.unstable_mockModule('node:crypto', () => ({
  ...realCrypto,
  default: { ...realCrypto, verify: countingVerify },
  verify: countingVerify,
}));

// Imported after the wrapper is in place, so the verifier's `import { verify } from 'node:crypto'` gets it.
const { createTestIssuer } = await import('@portcullis/testing');
const { DEFAULT_AUDIENCE } = await import('../../../src/config/app-config.js');
const { openDatabase } = await import('../../../src/database/open-database.js');
const { LogCapture } = await import('../../../../../test-support/log-capture.js');
const { PRINCIPALS } = await import('../../support/principals.js');
const { startOrdersApi } = await import('../../support/start-orders-api.js');

const IP_BURST = 5;
const PER_MINUTE = 3;
const logs = new LogCapture();
let issuer: TestIssuer;
let database: Awaited<ReturnType<typeof openDatabase>>;

beforeAll(async () => {
  issuer = await createTestIssuer({ audience: DEFAULT_AUDIENCE });
  database = await openDatabase({ kind: 'memory' });
}, 60_000);
afterAll(async () => {
  await database?.close();
  await issuer?.close();
});

interface Answer {
  readonly status: number;
  readonly retryAfter: string | undefined;
}

/**
 * GET `path` from the loopback address `from` (Linux routes all of 127/8 to `lo`, so the app sees
 * a distinct client IP per address). No connection reuse: each request is its own socket.
 */
function get(api: RunningApi, from: string, path: string, token?: string): Promise<Answer> {
  const url = new URL(path, api.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        localAddress: from,
        agent: false,
        timeout: 10_000,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

const storages: { name: string; redisUrl?: string }[] = [{ name: 'in-memory storage' }];
if (process.env.TEST_REDIS_URL)
  storages.push({ name: 'Redis storage (TEST_REDIS_URL)', redisUrl: process.env.TEST_REDIS_URL });

/** Starts an app for one describe block and closes it after. */
function appFor(redisUrl: string | undefined, perMinute: number): () => RunningApi {
  let api: RunningApi | undefined;
  beforeAll(async () => {
    api = await startOrdersApi({
      issuer: issuer.issuer,
      database: { kind: 'memory' },
      openDatabase: database,
      logs,
      redisUrl,
      rateLimit: { perMinute, burst: 1000, ipBurst: IP_BURST },
    });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });
  return () => {
    if (!api) throw new Error('the app did not start');
    return api;
  };
}

describe.each(storages)(`per-IP budget (${IP_BURST} / 1 s) before any token work, $name`, ({ redisUrl }) => {
  // Principal limits out of the way: here, every 429 comes from the per-IP budget.
  const app = appFor(redisUrl, 1000);

  it('counts one signature check per verified token (the counter works)', async () => {
    const before = verifications;
    expect((await get(app(), '127.0.0.9', '/orders', await issuer.token(PRINCIPALS.ada))).status).toBe(200);
    expect(verifications - before).toBe(1);
  });

  it('refuses forged tokens past the IP budget with 429 and no signature check, other IPs unaffected', async () => {
    const forged = await Promise.all(
      Array.from({ length: 30 }, () => issuer.badToken('tampered-signature', PRINCIPALS.sam)),
    );
    expect(new Set(forged).size).toBe(forged.length);
    const alice = await issuer.token(PRINCIPALS.alice);

    const before = verifications;
    // The flood from 127.0.0.1 and alice's requests from 127.0.0.2 interleave.
    const [flood, fromElsewhere] = await Promise.all([
      Promise.all(forged.map((token) => get(app(), '127.0.0.1', '/orders', token))),
      Promise.all(Array.from({ length: 3 }, () => get(app(), '127.0.0.2', '/orders', alice))),
    ]);
    const verified = flood.filter((a) => a.status === 401).length;
    const refused = flood.filter((a) => a.status === 429);
    expect(flood.filter((a) => a.status !== 401 && a.status !== 429)).toEqual([]);
    // At most the IP budget reached the verifier; everything else was refused before it.
    expect(verified).toBeGreaterThanOrEqual(1);
    expect(verified).toBeLessThanOrEqual(IP_BURST);
    expect(refused.length).toBe(forged.length - verified);
    for (const a of refused) expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(fromElsewhere.map((a) => a.status)).toEqual([200, 200, 200]);
    // One signature check per 401, none per 429, and one for alice's token (verified once, then cached).
    expect(verifications - before).toBe(verified + 1);

    // Once the budget is spent, more forged tokens cost nothing: each 429 adds no signature check
    // (and should the 1 s window have passed, a 401 adds exactly one).
    const more = await Promise.all(
      Array.from({ length: 5 }, () => issuer.badToken('tampered-signature', PRINCIPALS.sam)),
    );
    const statuses: number[] = [];
    for (const token of more) {
      const mark = verifications;
      const { status } = await get(app(), '127.0.0.1', '/orders', token);
      statuses.push(status);
      expect(verifications - mark).toBe(status === 401 ? 1 : 0);
    }
    expect(statuses).toContain(429);
  });
});

describe.each(storages)(`per-principal limit (${PER_MINUTE} / 60 s) under the per-IP budget, $name`, ({ redisUrl }) => {
  const app = appFor(redisUrl, PER_MINUTE);

  it('still limits per principal, wherever the principal connects from', async () => {
    const bob = await issuer.token(PRINCIPALS.bob);
    for (let i = 0; i < PER_MINUTE; i += 1) expect((await get(app(), '127.0.0.3', '/orders', bob)).status).toBe(200);
    const over = await get(app(), '127.0.0.3', '/orders', bob);
    expect(over.status).toBe(429);
    expect(Number(over.retryAfter)).toBeGreaterThanOrEqual(1);
    // Another IP with a budget left: bob is still over his own quota; carol is not.
    expect((await get(app(), '127.0.0.4', '/orders', await issuer.token(PRINCIPALS.bob))).status).toBe(429);
    expect((await get(app(), '127.0.0.4', '/orders', await issuer.token(PRINCIPALS.carol))).status).toBe(200);
  });
});
