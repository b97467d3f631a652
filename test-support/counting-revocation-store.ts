import { InMemoryRevocationStore } from '@portcullis/core';
import type { RevocationStore } from '@portcullis/core';

type RevocationQuery = Parameters<RevocationStore['isRevoked']>[0];

/**
 * An `InMemoryRevocationStore` that counts `isRevoked` lookups — one per authentication, whatever
 * the verified-token cache saves. `answers: 'async'` answers with a promise, as a Redis store does.
 */
export class CountingRevocationStore implements RevocationStore {
  readonly inner = new InMemoryRevocationStore();
  lookups = 0;

  constructor(private readonly answers: 'sync' | 'async' = 'sync') {}

  revokeToken(jti: string, expiresAt: number): void {
    this.inner.revokeToken(jti, expiresAt);
  }

  revokeSubject(sub: string, issuedAtOrBefore: number, retainUntil: number): void {
    this.inner.revokeSubject(sub, issuedAtOrBefore, retainUntil);
  }

  isRevoked(query: RevocationQuery): boolean | Promise<boolean> {
    this.lookups += 1;
    const answer = this.inner.isRevoked(query);
    return this.answers === 'async' ? Promise.resolve(answer) : answer;
  }
}

/** The `jti` and `exp` of a token (payload decoded, not verified: tests only). */
export function jtiAndExp(token: string): { jti: string; exp: number } {
  const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as {
    jti: string;
    exp: number;
  };
  return { jti: payload.jti, exp: payload.exp };
}
