/** Longest accepted token lifetime (`exp − iat`), seconds; subject revocations are kept this long. */
export const MAX_TOKEN_LIFETIME_SECONDS = 86_400;

/** Claim naming the caller's organisation: the principal's tenant, and the scope of subject revocations. */
export const ORG_CLAIM = 'org_id';

/** Accepted clock skew for `exp`, `nbf` and `iat`, seconds. */
export const CLOCK_TOLERANCE_SECONDS = 5;

/** Injection token of the app clock (milliseconds since the epoch); tests freeze it. */
export const CLOCK = Symbol.for('orders-api.Clock');
export type Clock = () => number;
