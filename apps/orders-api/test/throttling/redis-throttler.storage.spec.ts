import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ApiError } from '../../src/http/api-error.js';
import { createRedisClient } from '../../src/revocation/create-redis-client.js';
import { RedisThrottlerStorage } from '../../src/throttling/redis-throttler.storage.js';

const url = process.env.TEST_REDIS_URL;
(url ? describe : describe.skip)('RedisThrottlerStorage on Redis (TEST_REDIS_URL)', () => {
  let redis: Redis;
  let storage: RedisThrottlerStorage;
  const prefix = `portcullis:test:${randomUUID()}:`;

  beforeAll(async () => {
    redis = await createRedisClient(url!);
    storage = new RedisThrottlerStorage(redis, { prefix });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('counts hits in a window and blocks past the limit for the block duration', async () => {
    const results = [];
    for (let i = 0; i < 4; i += 1) results.push(await storage.increment('k1', 60_000, 3, 30_000, 'sustained'));
    expect(results.map((r) => r.totalHits)).toEqual([1, 2, 3, 4]);
    expect(results.map((r) => r.isBlocked)).toEqual([false, false, false, true]);
    expect(results[0]!.timeToExpire).toBe(60);
    expect(results[3]!.timeToBlockExpire).toBe(30);
    const stillBlocked = await storage.increment('k1', 60_000, 3, 30_000, 'sustained');
    expect(stillBlocked.isBlocked).toBe(true);
    expect(stillBlocked.timeToBlockExpire).toBeGreaterThan(0);
  });

  it('keeps throttlers and keys apart', async () => {
    await storage.increment('k2', 60_000, 1, 1000, 'burst');
    expect((await storage.increment('k2', 60_000, 1, 1000, 'sustained')).isBlocked).toBe(false);
    expect((await storage.increment('k3', 60_000, 1, 1000, 'burst')).isBlocked).toBe(false);
  });

  it('starts a new window after the block expires', async () => {
    await storage.increment('k4', 60_000, 1, 50, 'burst');
    expect((await storage.increment('k4', 60_000, 1, 50, 'burst')).isBlocked).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 80));
    const next = await storage.increment('k4', 60_000, 1, 50, 'burst');
    expect(next).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('answers 503 (fail closed) when Redis fails', async () => {
    const broken = new RedisThrottlerStorage(
      { defineCommand: () => undefined, portcullisThrottle: () => Promise.reject(new Error('down')) } as unknown as Redis,
    );
    const error = await broken.increment('k', 1000, 1, 1000, 'burst').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).getStatus()).toBe(503);
    expect((error as ApiError).headers).toEqual({ 'retry-after': '5' });
  });
});
