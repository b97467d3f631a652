import { PortcullisError } from '../errors/portcullis-error.js';

/**
 * The same error, naming the refused credential by its hash (SPEC §0.3: audit events carry "the
 * jti/token hash, never the raw token"). An error that already names one is returned as it is;
 * anything that is not a `PortcullisError` too (the caller maps it first).
 *
 * @example
 * ```ts
 * throw withTokenHash(error, hashToken(token));
 * ```
 */
export function withTokenHash<E>(error: E, tokenHash: string): E | PortcullisError {
  if (!(error instanceof PortcullisError) || error.tokenHash !== undefined) return error;
  const cause = (error as { cause?: unknown }).cause;
  return new PortcullisError(error.code, {
    ...(error.requiredScopes === undefined ? {} : { requiredScopes: error.requiredScopes }),
    ...(error.claim === undefined ? {} : { claim: error.claim }),
    ...(error.retryAfter === undefined ? {} : { retryAfter: error.retryAfter }),
    ...(error.reason === undefined ? {} : { reason: error.reason }),
    ...(cause === undefined ? {} : { cause }),
    tokenHash,
  });
}
