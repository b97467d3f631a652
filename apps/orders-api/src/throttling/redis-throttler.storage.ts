import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import { ApiError } from '../http/api-error.js';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

// Fixed window per key, in one atomic script:
//   KEYS[1] hit counter, KEYS[2] block marker; ARGV: window ms, limit, block ms.
// While blocked, hits are not counted. Exceeding the limit starts a block of `block ms` and
// resets the window, like @nestjs/throttler's in-memory storage. Returns
// { hits, windowTtlMs, blocked (0/1), blockTtlMs }.
const INCREMENT_SCRIPT = `
local blockTtl = redis.call('PTTL', KEYS[2])
if blockTtl > 0 then
  local hits = tonumber(redis.call('GET', KEYS[1]) or '0')
  return { hits, math.max(redis.call('PTTL', KEYS[1]), 0), 1, blockTtl }
end
local window, limit, block = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], window)
  ttl = window
end
if hits > limit then
  if block > 0 then
    redis.call('SET', KEYS[2], '1', 'PX', block)
    redis.call('DEL', KEYS[1])
    return { hits, 0, 1, block }
  end
  return { hits, ttl, 1, ttl }
end
return { hits, ttl, 0, 0 }
`;

/** Options of {@link RedisThrottlerStorage}. */
export interface RedisThrottlerStorageOptions {
  /** Key prefix. @default 'portcullis:ratelimit:' */
  readonly prefix?: string;
}

/**
 * A `@nestjs/throttler` storage on Redis, so every instance of the API shares one budget per
 * caller. Fixed windows (INCR + PEXPIRE in a Lua script, atomic); the in-memory default of
 * `@nestjs/throttler` uses sliding windows instead — both enforce the limit per window.
 * A Redis failure answers 503 with `Retry-After` (fail closed), never "not limited".
 *
 * @example
 * ```ts
 * ThrottlerModule.forRoot({ throttlers, storage: new RedisThrottlerStorage(redis) });
 * ```
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    options: RedisThrottlerStorageOptions = {},
  ) {
    this.prefix = options.prefix ?? 'portcullis:ratelimit:';
    this.redis.defineCommand('portcullisThrottle', { numberOfKeys: 2, lua: INCREMENT_SCRIPT });
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const base = `${this.prefix}${throttlerName}:${key}`;
    let reply: unknown;
    try {
      reply = await (this.redis as unknown as ThrottleCommand).portcullisThrottle(
        `${base}:hits`,
        `${base}:block`,
        Math.max(1, Math.ceil(ttl)),
        limit,
        Math.max(0, Math.ceil(blockDuration)),
      );
    } catch {
      throw unavailable();
    }
    if (!Array.isArray(reply) || reply.length !== 4 || !reply.every((n) => typeof n === 'number')) throw unavailable();
    const [hits, windowMs, blocked, blockMs] = reply as [number, number, number, number];
    return {
      totalHits: hits,
      timeToExpire: Math.ceil(windowMs / 1000),
      isBlocked: blocked === 1,
      timeToBlockExpire: Math.ceil(blockMs / 1000),
    };
  }
}

interface ThrottleCommand {
  portcullisThrottle(hitsKey: string, blockKey: string, windowMs: number, limit: number, blockMs: number): Promise<unknown>;
}

function unavailable(): ApiError {
  return new ApiError(503, 'ERR_SERVICE_UNAVAILABLE', 'Rate limiting is temporarily unavailable', { headers: { 'retry-after': '5' } });
}
