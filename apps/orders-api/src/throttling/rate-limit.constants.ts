/**
 * Name and window of the per-client-IP throttler. It is evaluated before the others and its
 * tracker never looks at the token, so it bounds how many tokens one IP can have verified per
 * second (see `PrincipalThrottlerGuard`).
 */
export const CLIENT_IP_THROTTLER = Object.freeze({ name: 'client-ip', ttlMs: 1000 });
/** Name and window of the short, burst-limiting throttler. */
export const BURST_THROTTLER = Object.freeze({ name: 'burst', ttlMs: 1000 });
/** Name and window of the per-minute throttler. */
export const SUSTAINED_THROTTLER = Object.freeze({ name: 'sustained', ttlMs: 60_000 });

/**
 * Injection token of the function that names the caller for rate limiting: a stable key for an
 * authenticated principal, `undefined` when the request carries no valid token.
 */
export const RATE_LIMIT_SUBJECT = Symbol.for('orders-api.RateLimitSubject');

/** See {@link RATE_LIMIT_SUBJECT}. */
export type RateLimitSubjectResolver = (request: object) => Promise<string | undefined>;
