import type { JWTPayload, ProtectedHeaderParameters } from 'jose';

/**
 * A token that passed every verification step.
 *
 * @example
 * ```ts
 * const { claims, tokenHash } = await verifier.verify(token);
 * ```
 */
export interface VerifiedToken {
  /** The protected header (`alg`, `kid`, `typ` …). */
  readonly header: Readonly<ProtectedHeaderParameters>;
  /** The verified claims set. Frozen. */
  readonly claims: Readonly<JWTPayload> & { readonly [claim: string]: unknown };
  /** Base64url SHA-256 of the raw token: safe to log and to use as a cache key. */
  readonly tokenHash: string;
  /**
   * `true` when this call skipped the key lookup and signature check: the token was in the
   * verified-token cache, or another call was verifying the same token at that moment and this one
   * waited for its result (single flight). Revocation and the clock were checked for this call either way.
   */
  readonly cached: boolean;
}
