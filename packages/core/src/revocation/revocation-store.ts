import type { VerifiedToken } from '../token/verified-token.js';

/** What a revocation store is asked about one verified token. */
export interface RevocationQuery {
  /** `jti` claim. */
  readonly jti: string;
  /** `sub` claim. */
  readonly sub: string;
  /** `iat` claim, seconds since the epoch. */
  readonly iat: number;
  /** `iss` claim. */
  readonly iss: string;
  /**
   * The whole verified claims set (frozen), for a store that scopes revocations by more than the
   * subject — e.g. a multi-tenant API whose organisation admins may revoke only their own
   * organisation's tokens keys subject revocations by tenant claim and `sub`. The verifier always
   * sets it; it is optional so that code asking a store directly need not build one.
   */
  readonly claims?: VerifiedToken['claims'];
}

/**
 * Port for token revocation. Implementations may answer synchronously (in-memory) or return a
 * promise (Redis …). Any thrown error or rejected promise is treated as "cannot decide" → 503,
 * never as "not revoked".
 *
 * @example
 * ```ts
 * const store = new InMemoryRevocationStore();
 * await store.revokeToken('jti-1', Math.floor(Date.now() / 1000) + 900);
 * await store.isRevoked({ jti: 'jti-1', sub: 'alice', iat: 0, iss: 'https://as' }); // true
 * ```
 */
export interface RevocationStore {
  /**
   * Revoke one token by `jti` until `expiresAt` (seconds since the epoch), after which it expires
   * anyway. Keep the entry at least the verifier's `clockTolerance` past `expiresAt`: the verifier
   * still accepts the token that long after `exp`.
   */
  revokeToken(jti: string, expiresAt: number): void | Promise<void>;
  /**
   * Revoke every token of `sub` whose `iat` is at or before `issuedAtOrBefore` (seconds), compared
   * by whole second (`Math.floor(iat) <= issuedAtOrBefore`: `iat` may carry a fraction, and a token
   * issued in the revocation second is revoked too). `retainUntil` (seconds) lets the store forget
   * the entry once no such token can still be valid (plus the verifier's `clockTolerance`).
   */
  revokeSubject(sub: string, issuedAtOrBefore: number, retainUntil: number): void | Promise<void>;
  /** Whether the token is revoked. */
  isRevoked(query: RevocationQuery): boolean | Promise<boolean>;
  /**
   * Seconds the store keeps an entry past its expiry, when it has a fixed one. A verifier refuses
   * to start with a store whose `leeway` is below its `clockTolerance` (a revoked token would be
   * let through again in between); a store that wraps another should pass the inner store's on.
   * @default undefined (not checked)
   */
  readonly leeway?: number;
}

/** Injection token / symbol under which adapters look up the store. */
export const REVOCATION_STORE = Symbol.for('portcullis.RevocationStore');
