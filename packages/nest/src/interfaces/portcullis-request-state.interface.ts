import type { Principal, VerifiedToken } from '@portcullis/core';

/**
 * What the guard attaches to an authenticated request as `request.portcullis`. The guard also sets
 * `request.user` to the principal, for code written for passport.
 *
 * @example
 * ```ts
 * const { principal } = (request as { portcullis: PortcullisRequestState }).portcullis;
 * ```
 */
export interface PortcullisRequestState<R = unknown> {
  readonly principal: Principal;
  /** The verified token (claims, header, hash). Absent when the principal came from `request.user`. */
  readonly token?: VerifiedToken;
  /** The resource loaded by `@OwnedResource()`, once the ownership check passed. */
  readonly resource?: R;
}
