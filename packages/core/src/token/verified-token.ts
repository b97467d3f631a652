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
  /** `true` when the signature check was skipped thanks to the verified-token cache. */
  readonly cached: boolean;
}
