import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PortcullisError } from '@portcullis/nest';
import { Redis } from 'ioredis';
import { ConfigError } from '../../src/config/config-error.js';
import { createRedisClient } from '../../src/revocation/create-redis-client.js';
import { RedisRevocationStore } from '../../src/revocation/redis-revocation-store.js';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('RedisRevocationStore without Redis', () => {
  it('fails closed: lookups reject with ERR_REVOCATION_UNAVAILABLE (503), never "not revoked"', async () => {
    const redis = new Redis(`redis://127.0.0.1:${await closedPort()}`, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    redis.on('error', () => undefined);
    const store = new RedisRevocationStore(redis);
    const error = await Promise.resolve(store.isRevoked({ jti: 'j', sub: 's', iat: 1, iss: 'i' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortcullisError);
    expect(error).toMatchObject({ code: 'ERR_REVOCATION_UNAVAILABLE', status: 503 });
    await expect(store.revokeToken('j', Date.now() / 1000 + 60)).rejects.toMatchObject({ code: 'ERR_REVOCATION_UNAVAILABLE' });
    redis.disconnect();
  });

  it('refuses to start when REDIS_URL does not answer, naming host and port only', async () => {
    const port = await closedPort();
    const error = await createRedisClient(`redis://user:hunter2@127.0.0.1:${port}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`REDIS_URL: cannot connect to Redis at 127.0.0.1:${port}`);
    expect((error as Error).message).not.toContain('hunter2');
  });
});

const url = process.env.TEST_REDIS_URL;
(url ? describe : describe.skip)('RedisRevocationStore on Redis (TEST_REDIS_URL)', () => {
  let redis: Redis;
  let nowMs = Date.parse('2030-01-01T00:00:00Z');
  let store: RedisRevocationStore;
  const prefix = `portcullis:test:${randomUUID()}:`;

  beforeAll(async () => {
    redis = await createRedisClient(url!);
    store = new RedisRevocationStore(redis, { prefix, now: () => nowMs, leeway: 60 });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  const query = (jti: string, sub: string, iat: number) => ({ jti, sub, iat, iss: 'https://as' });
  const nowS = () => Math.floor(nowMs / 1000);

  it('declares its leeway, which the verifier checks against its clock tolerance', () => {
    expect(store.leeway).toBe(60);
  });

  it('revokes a jti until exp plus leeway, with the documented key', async () => {
    await store.revokeToken('jti-1', nowS() + 300);
    expect(await store.isRevoked(query('jti-1', 'alice', nowS()))).toBe(true);
    expect(await store.isRevoked(query('jti-2', 'alice', nowS()))).toBe(false);
    const ttl = await redis.pttl(`${prefix}jti:jti-1`);
    expect(ttl).toBeGreaterThan(300_000);
    expect(ttl).toBeLessThanOrEqual(360_000);
  });

  it('ignores revocations of tokens that already expired', async () => {
    await store.revokeToken('old', nowS() - 3600);
    expect(await redis.exists(`${prefix}jti:old`)).toBe(0);
  });

  it('revokes every token of a subject issued at or before the second, never later ones', async () => {
    const t = nowS();
    await store.revokeSubject('bob', t, t + 86_400);
    expect(await store.isRevoked(query('a', 'bob', t - 10))).toBe(true);
    expect(await store.isRevoked(query('b', 'bob', t))).toBe(true);
    expect(await store.isRevoked(query('c', 'bob', t + 1))).toBe(false);
    expect(await store.isRevoked(query('d', 'carol', t - 10))).toBe(false);
    // RFC 7519 allows a fraction in iat: a token issued at t + 0.4 was issued in the revocation second.
    expect(await store.isRevoked(query('e', 'bob', t + 0.4))).toBe(true);
    expect(await store.isRevoked(query('f', 'bob', t + 1.2))).toBe(false);
    expect(await redis.get(`${prefix}sub:bob`)).toBe(String(t));
  });

  it('keeps the later of two subject revocations', async () => {
    const t = nowS();
    await store.revokeSubject('dave', t + 5, t + 86_400);
    await store.revokeSubject('dave', t, t + 86_400);
    expect(await redis.get(`${prefix}sub:dave`)).toBe(String(t + 5));
    nowMs += 1000;
  });

  it('treats a malformed entry as unavailable, not as "not revoked"', async () => {
    await redis.set(`${prefix}sub:eve`, 'garbage');
    await expect(store.isRevoked(query('x', 'eve', nowS()))).rejects.toMatchObject({ code: 'ERR_REVOCATION_UNAVAILABLE' });
  });
});
