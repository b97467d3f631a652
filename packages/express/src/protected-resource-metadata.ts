import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { ProtectedResourceMetadata } from '@portcullis/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { markMiddleware } from './internal/portcullis-middleware.js';

const WELL_KNOWN = '/.well-known/oauth-protected-resource';
const QUESTION_MARK = 0x3f;
const SLASH = 0x2f;
/** `scheme://authority` of an absolute-form request target (RFC 9112 §3.2.2). */
const ABSOLUTE_FORM_PREFIX = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;

function fail(message: string): never {
  throw new TypeError(
    `protectedResourceMetadata: ${message}; pass the object createProtectedResourceMetadata({ resource, … }) returns`,
  );
}

/** Checks the shape of the argument once; returns what every answer needs (headers with `content-length`). */
function prepare(metadata: unknown): {
  readonly path: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
} {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
    fail('the metadata must be an object');
  const { resource, path, url, document, body, headers } = metadata as Partial<
    Record<keyof ProtectedResourceMetadata, unknown>
  >;
  if (typeof resource !== 'string' || resource === '') fail("'resource' must be a non-empty string");
  if (typeof path !== 'string' || (path !== WELL_KNOWN && !path.startsWith(`${WELL_KNOWN}/`))) {
    fail(`'path' must be '${WELL_KNOWN}' or start with '${WELL_KNOWN}/' (RFC 9728 §3.1)`);
  }
  // The path is compared with the raw request target: a query, fragment or blank in it could never match.
  if (/[?#\s]/.test(path)) fail("'path' must not contain '?', '#' or white space");
  if (typeof url !== 'string' || !URL.canParse(url) || url !== new URL(url).origin + path) {
    fail("'url' must be the absolute URL of 'path' (the resource's origin followed by 'path')");
  }
  if (typeof document !== 'object' || document === null || (document as { resource?: unknown }).resource !== resource) {
    fail("'document' must be an object whose 'resource' equals 'resource'");
  }
  if (typeof body !== 'string' || body === '') fail("'body' must be the serialised document (a non-empty string)");
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers))
    fail("'headers' must be an object of header names and values");
  const answer: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    // Checked here, not by Node on each answer: a bad header would otherwise throw on every request.
    try {
      validateHeaderName(name);
      if (typeof value !== 'string') throw new TypeError('not a string');
      validateHeaderValue(name, value);
    } catch {
      fail(`'headers.${name}' must be a valid header with a string value`);
    }
    answer[name.toLowerCase()] = value;
  }
  if (answer['content-type'] === undefined) fail("'headers' must set 'content-type'");
  answer['content-length'] = String(Buffer.byteLength(body, 'utf8'));
  return { path, body, headers: Object.freeze(answer) };
}

/**
 * Serves an API's OAuth 2.0 protected-resource metadata (RFC 9728) built by
 * `createProtectedResourceMetadata()`: a `GET` or `HEAD` whose path is exactly `metadata.path`
 * (the pathname of `req.originalUrl`: the query is ignored, and where the middleware is mounted
 * does not move the document) gets `200` with `metadata.headers`, `content-length` and
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
 * request; the answer reuses headers prepared at creation. The headers are written as they are
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
  const { path, body, headers } = prepare(metadata);
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
