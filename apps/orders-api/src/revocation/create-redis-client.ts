import { Redis } from 'ioredis';
import { ConfigError } from '../config/config-error.js';

/**
 * Connects to Redis for shared revocation and rate-limit state, and waits until it answers.
 * Commands fail fast while disconnected (no offline queue, 1 s command timeout), so a Redis
 * outage becomes a 503 quickly instead of requests piling up.
 *
 * @example
 * ```ts
 * const redis = await createRedisClient(config.redisUrl);
 * ```
 */
export async function createRedisClient(url: string): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 1000,
    connectTimeout: 3000,
    connectionName: 'portcullis-orders-api',
    // Keep reconnecting in the background, backing off up to 2 s.
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  // Without a listener, connection errors would be printed by ioredis as unhandled.
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    const code = (error as { code?: unknown }).code;
    const where = new URL(url);
    throw new ConfigError([`REDIS_URL: cannot connect to Redis at ${where.hostname}:${where.port || '6379'} (${typeof code === 'string' ? code : 'unreachable'})`]);
  }
  return redis;
}
