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
  let started = false;
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 1000,
    connectTimeout: 3000,
    connectionName: 'portcullis-orders-api',
    // Start-up fails at once; once connected, keep reconnecting in the background (up to 2 s apart).
    retryStrategy: (attempt) => (started ? Math.min(attempt * 200, 2000) : null),
  });
  // Without a listener, connection errors would be printed by ioredis as unhandled.
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    started = true;
  } catch (error) {
    // Already 'end' after a refused connection; disconnecting again would leave a 2 s timer behind.
    if (redis.status !== 'end') redis.disconnect();
    const code = (error as { code?: unknown }).code;
    const where = new URL(url);
    throw new ConfigError([`REDIS_URL: cannot connect to Redis at ${where.hostname}:${where.port || '6379'} (${typeof code === 'string' ? code : 'unreachable'})`]);
  }
  return redis;
}
