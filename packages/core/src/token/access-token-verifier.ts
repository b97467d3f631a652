import type { VerifiedToken } from './verified-token.js';

/** Health of the key source, for `/health` endpoints. */
export interface KeySetStatus {
  readonly source: 'remote' | 'local' | 'static' | 'secret';
  /** `fresh`: within max age; `stale`: past it but within `maxStale`; `unavailable`: no usable keys. */
  readonly state: 'fresh' | 'stale' | 'unavailable';
  readonly keyCount: number;
  /** Time of the last successful fetch (remote only), ms since the epoch. */
  readonly fetchedAt?: number;
}

/**
 * Verifies access tokens. Create once from options with `createAccessTokenVerifier`; call
 * {@link AccessTokenVerifier.verify} per request.
 *
 * @example
 * ```ts
 * const verifier = createAccessTokenVerifier({ issuer, audience, jwksUri });
 * const { claims } = await verifier.verify(token);
 * ```
 */
export interface AccessTokenVerifier {
  /**
   * Verify a compact JWS access token: size, format, algorithm allowlist, key, signature, `typ`,
   * required claims, issuer, audience, time claims, then revocation. Throws a `PortcullisError`.
   */
  verify(token: string): Promise<VerifiedToken>;
  /**
   * For adapters on the request path: the same checks as {@link AccessTokenVerifier.verify}, but
   * the result comes back synchronously when no I/O is needed — a verified-token cache hit whose
   * revocation store (if any) answers synchronously, as `InMemoryRevocationStore` does. Otherwise
   * it returns a promise. Failures are thrown synchronously or reject the promise; either way a
   * `PortcullisError`. Optional so that other implementations of this interface stay valid;
   * `createAccessTokenVerifier` always provides it.
   *
   * @example
   * ```ts
   * const result = verifier.verifyMaybeSync?.(token) ?? verifier.verify(token);
   * const verified = result instanceof Promise ? await result : result;
   * ```
   */
  verifyMaybeSync?(token: string): VerifiedToken | Promise<VerifiedToken>;
  /** Drop cached keys and verified tokens and refetch the key set now (e.g. after a key compromise). */
  reloadKeys(): Promise<void>;
  /** Key source health. */
  keySetStatus(): KeySetStatus;
}
