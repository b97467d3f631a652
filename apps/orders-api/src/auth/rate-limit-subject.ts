import { authenticateRequest } from '@portcullis/nest';
import type { Portcullis, Principal } from '@portcullis/nest';
import type { RateLimitSubjectResolver } from '../throttling/rate-limit.constants.js';

/** Rate-limit identity of a principal: issuer, subject and client id. */
export function principalKey(principal: Principal): string {
  return `${principal.issuer}\n${principal.subject}\n${principal.clientId ?? ''}`;
}

/**
 * Names the caller for the principal throttlers (`burst`, `sustained`). Those run after the
 * per-IP `client-ip` throttler, which never calls this: a request over its IP's budget is refused
 * before it gets here. They run before the Portcullis guard, so a request
 * with an `Authorization` header is authenticated here with `authenticateRequest`, and the guard
 * reuses that outcome (success or failure) instead of authenticating again: one signature check and
 * one revocation lookup (a Redis round trip with `REDIS_URL`) per request. A missing or failing
 * token yields `undefined`: the request is then counted against its IP address, and the guard
 * answers it with the same error.
 *
 * Only a verified principal names the caller — never `request.portcullis`/`request.user` or an
 * unverified claim, which something other than Portcullis could have put there.
 */
export function rateLimitSubject(portcullis: Portcullis): RateLimitSubjectResolver {
  return async (request: object) => {
    if ((request as { headers?: Record<string, unknown> }).headers?.authorization === undefined) return undefined;
    try {
      const { principal } = await authenticateRequest(portcullis, request);
      return principalKey(principal);
    } catch {
      return undefined;
    }
  };
}
