import type { Portcullis, Principal } from '@portcullis/nest';
import type { RateLimitSubjectResolver } from '../throttling/rate-limit.constants.js';

interface RequestShape {
  headers?: Record<string, string | string[] | undefined>;
  rawHeaders?: string[];
  method?: string;
  url?: string;
  originalUrl?: string;
  query?: unknown;
  body?: unknown;
  portcullis?: { principal?: Principal };
}

/** Rate-limit identity of a principal: issuer, subject and client id. */
export function principalKey(principal: Principal): string {
  return `${principal.issuer}\n${principal.subject}\n${principal.clientId ?? ''}`;
}

/**
 * Names the caller for rate limiting. If the Portcullis guard already authenticated the request,
 * its principal is used; otherwise a request with an `Authorization` header is authenticated
 * here (the verifier's verified-token cache makes the guard's second check cheap). A missing or
 * failing token yields `undefined`: the request is then counted against its IP address.
 */
export function rateLimitSubject(portcullis: Pick<Portcullis, 'authenticate'>): RateLimitSubjectResolver {
  return async (request: object) => {
    const req = request as RequestShape;
    const known = req.portcullis?.principal;
    if (known) return principalKey(known);
    if (req.headers?.authorization === undefined) return undefined;
    try {
      const { principal } = await portcullis.authenticate({
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        method: req.method,
        url: req.originalUrl ?? req.url,
        query: req.query,
        body: req.body,
      });
      return principalKey(principal);
    } catch {
      return undefined;
    }
  };
}
