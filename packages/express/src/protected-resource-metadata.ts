import { assertProtectedResourceMetadata } from '@portcullis/core';
import type { ProtectedResourceMetadata } from '@portcullis/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { markMiddleware } from './internal/portcullis-middleware.js';

const QUESTION_MARK = 0x3f;
const SLASH = 0x2f;
/** `scheme://authority` of an absolute-form request target (RFC 9112 §3.2.2). */
const ABSOLUTE_FORM_PREFIX = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;

/**
 * Serves an API's OAuth 2.0 protected-resource metadata (RFC 9728) built by
 * `createProtectedResourceMetadata()`: a `GET` or `HEAD` whose path is exactly `metadata.path`
 * (the pathname of `req.originalUrl`: the query is ignored, and where the middleware is mounted
 * does not move the document) gets `200` with `metadata.headers` and
 * `metadata.body` (no body for `HEAD`). Every other request — another path, a trailing slash,
 * another method — goes on with `next()`, untouched. The argument is checked once, here; a value
 * that does not have the shape `createProtectedResourceMetadata()` gives throws a `TypeError`.
 *
 * **Where to mount it: on the app, before the `portcullis()` gate.** The document is public and
 * the same for every caller (RFC 9728 §3): it is answered before any token is read, so a request
 * without a token — or with an expired, forged or revoked one — still gets it, and the gate never
 * spends a verification on it. Behind the gate it would get the 401 that is meant to lead clients
 * to it. It is not a route of a deny-by-default router either: a `portcullisRouter()` leaves it
 * alone (it records no pass and opens nothing else), but anything in front of that router that
 * demands a token still does. Pass `metadata.url` as the gate's `resourceMetadata`, so every 401
 * challenge points clients at the document.
 *
 * The non-matching case is a method check and a string comparison, cheap enough to run on every
 * request; the answer reuses the headers built with the metadata. They are written as they are
 * (no `charset` is appended, no ETag computed), overriding same-named headers set before, such as
 * a CORS middleware's `access-control-allow-origin`: the document is public.
 *
 * @example
 * ```ts
 * const metadata = createProtectedResourceMetadata({
 *   resource: 'https://api.example.com/orders',
 *   authorizationServers: ['https://auth.example.com'],
 *   scopesSupported: ['orders:read', 'orders:write'],
 * });
 * app.use(protectedResourceMetadata(metadata)); // GET /.well-known/oauth-protected-resource/orders, no token
 * app.use(portcullis({ issuer, audience: metadata.resource, jwksUri, resourceMetadata: metadata.url }));
 * ```
 */
export function protectedResourceMetadata(metadata: ProtectedResourceMetadata): RequestHandler {
  assertProtectedResourceMetadata(metadata, 'protectedResourceMetadata');
  const { path, body, headers } = metadata;
  const length = path.length;

  const serve = function protectedResourceMetadataHandler(req: Request, res: Response, next: NextFunction): void {
    const method = req.method;
    if (method !== 'GET' && method !== 'HEAD') {
      next();
      return;
    }
    // `originalUrl`, not `url`: a mount path or router strips its prefix from `req.url` only.
    let target = req.originalUrl ?? req.url;
    // An absolute-form target (`GET https://api.example.com/.well-known/… HTTP/1.1`, which servers
    // must accept) is routed by Express on its path; compare that path too.
    if (target.charCodeAt(0) !== SLASH) target = target.replace(ABSOLUTE_FORM_PREFIX, '');
    if (!target.startsWith(path) || (target.length !== length && target.charCodeAt(length) !== QUESTION_MARK)) {
      next();
      return;
    }
    res.writeHead(200, headers);
    if (method === 'HEAD') res.end();
    else res.end(body);
  };
  // Marked as a Portcullis middleware so that a deny-by-default router does not wrap it in its
  // authentication; it records no pass, so it lets nothing else through.
  return markMiddleware(serve, { kind: 'metadata', description: 'RFC 9728 protected-resource metadata' });
}
