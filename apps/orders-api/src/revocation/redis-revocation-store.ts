import { PortcullisError } from '@portcullis/nest';
import type { RevocationQuery, RevocationStore } from '@portcullis/nest';
import type { Redis } from 'ioredis';

/** Options of {@link RedisRevocationStore}. */
export interface RedisRevocationStoreOptions {
  /** Key prefix. @default 'portcullis:revoked:' (keys `…jti:<jti>` and `…sub:<sub>`) */
  readonly prefix?: string;
  /**
   * Seconds an entry outlives the token's `exp` (or `retainUntil`): the verifier accepts a token
   * until `exp` plus its clock tolerance, so the revocation must last at least that long. @default 60
   */
  readonly leeway?: number;
  /** Clock in milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
}

// Keeps the later of the stored and the new "revoked at or before" second, and the later expiry.
//   KEYS[1] subject key; ARGV: issuedAtOrBefore (s), ttl (ms)
const REVOKE_SUBJECT_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '-1')
local value = math.max(current, tonumber(ARGV[1]))
local ttl = math.max(redis.call('PTTL', KEYS[1]), tonumber(ARGV[2]))
redis.call('SET', KEYS[1], tostring(value), 'PX', ttl)
return value
`;

/**
 * A {@link RevocationStore} on Redis, shared by every instance of the API:
 *
 * - `portcullis:revoked:jti:<jti>` = `1`, expiring when the token would have expired anyway;
 * - `portcullis:revoked:sub:<sub>` = the revocation second: every token of `sub` with
 *   `iat ≤` that second is revoked (whole seconds: a token issued in that very second too),
 *   kept for the longest token lifetime (`retainUntil`).
 *
 * Any Redis error, timeout or malformed value rejects with `ERR_REVOCATION_UNAVAILABLE` (503):
 * an unknown revocation state is never read as "not revoked".
 *
 * @example
 * ```ts
 * const store = new RedisRevocationStore(new Redis(process.env.REDIS_URL!));
 * createPortcullis({ issuer, audience, jwksUri, revocation: store });
 * ```
 */
export class RedisRevocationStore implements RevocationStore {
  private readonly prefix: string;
  /** Seconds an entry is kept past its expiry; the verifier checks it against its clock tolerance. */
  readonly leeway: number;
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    options: RedisRevocationStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? 'portcullis:revoked:';
    this.leeway = options.leeway ?? 60;
    this.now = options.now ?? Date.now;
    if (!Number.isFinite(this.leeway) || this.leeway < 0) throw new TypeError("RedisRevocationStore: 'leeway' must be seconds >= 0");
    this.redis.defineCommand('portcullisRevokeSubject', { numberOfKeys: 1, lua: REVOKE_SUBJECT_SCRIPT });
  }

  async revokeToken(jti: string, expiresAt: number): Promise<void> {
    if (typeof jti !== 'string' || jti === '') throw new TypeError("revokeToken: 'jti' must be a non-empty string");
    const ttlMs = this.ttlUntil(expiresAt);
    if (ttlMs <= 0) return; // already expired: it cannot be accepted anyway
    await this.call(() => this.redis.set(this.key('jti', jti), '1', 'PX', ttlMs));
  }

  async revokeSubject(sub: string, issuedAtOrBefore: number, retainUntil: number): Promise<void> {
    if (typeof sub !== 'string' || sub === '') throw new TypeError("revokeSubject: 'sub' must be a non-empty string");
    if (!Number.isSafeInteger(issuedAtOrBefore)) throw new TypeError("revokeSubject: 'issuedAtOrBefore' must be whole seconds");
    const ttlMs = this.ttlUntil(retainUntil);
    if (ttlMs <= 0) return;
    await this.call(() =>
      (this.redis as unknown as RevokeSubjectCommand).portcullisRevokeSubject(this.key('sub', sub), issuedAtOrBefore, ttlMs),
    );
  }

  async isRevoked(query: RevocationQuery): Promise<boolean> {
    const [jti, sub] = await this.call(() => this.redis.mget(this.key('jti', query.jti), this.key('sub', query.sub)));
    if (jti !== null && jti !== undefined) return true;
    if (sub === null || sub === undefined) return false;
    const revokedAtOrBefore = Number(sub);
    if (!Number.isSafeInteger(revokedAtOrBefore)) {
      throw new PortcullisError('ERR_REVOCATION_UNAVAILABLE', { reason: 'malformed subject revocation entry in Redis' });
    }
    // By whole second: `iat` may carry a fraction (RFC 7519 §2), and a token issued at T + 0.4 was
    // issued in the revocation second T as much as one whose `iat` says T.
    return Math.floor(query.iat) <= revokedAtOrBefore;
  }

  private key(kind: 'jti' | 'sub', id: string): string {
    return `${this.prefix}${kind}:${id}`;
  }

  /** Milliseconds from now until `seconds` + leeway. */
  private ttlUntil(seconds: number): number {
    return Math.ceil((seconds + this.leeway) * 1000 - this.now());
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (cause) {
      throw new PortcullisError('ERR_REVOCATION_UNAVAILABLE', { cause, reason: 'Redis revocation store failed' });
    }
  }
}

interface RevokeSubjectCommand {
  portcullisRevokeSubject(key: string, issuedAtOrBefore: number, ttlMs: number): Promise<unknown>;
}
