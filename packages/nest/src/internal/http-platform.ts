import type { AuditRequestInfo, HttpRequestLike } from '@portcullis/core';

/**
 * Platform-neutral access to the request and response objects of the Express and Fastify
 * adapters (Nest hands guards the framework's own objects: Express `req`/`res`, or
 * `FastifyRequest`/`FastifyReply`).
 */
interface RequestShape {
  headers?: Record<string, string | string[] | undefined>;
  rawHeaders?: string[];
  raw?: { rawHeaders?: string[]; url?: string };
  method?: string;
  url?: string;
  originalUrl?: string;
  query?: unknown;
  body?: unknown;
  params?: Record<string, unknown>;
  ip?: string;
  route?: { path?: unknown };
  routeOptions?: { url?: unknown };
  routerPath?: unknown;
}

function shape(request: unknown): RequestShape {
  return (typeof request === 'object' && request !== null ? request : {}) as RequestShape;
}

/** The request as core's `HttpRequestLike` (raw headers included, to catch duplicate `Authorization`). */
export function toHttpRequestLike(request: unknown): HttpRequestLike {
  const r = shape(request);
  const url = r.originalUrl ?? r.url ?? r.raw?.url;
  return {
    headers: r.headers ?? {},
    rawHeaders: r.rawHeaders ?? r.raw?.rawHeaders,
    method: r.method,
    url,
    // On Express 5 `query` is a getter that parses the query string again on every read. A request
    // target without `?` has no query a client could have put a token in, so the parsed query is
    // read only when there is one (core's extractor also reads `url` itself).
    query: typeof url === 'string' && url.indexOf('?') === -1 ? undefined : r.query,
    body: r.body,
  };
}

/** The matched route pattern (`/orders/:id`), never the raw URL (which may carry ids or a token). */
export function routePatternOf(request: unknown): string | undefined {
  const r = shape(request);
  const pattern = r.route?.path ?? r.routeOptions?.url ?? r.routerPath;
  return typeof pattern === 'string' ? pattern : undefined;
}

export function methodOf(request: unknown): string | undefined {
  return shape(request).method;
}

/** Method and route pattern, read once per request for the decision context and the audit event. */
export function requestInfo(request: unknown): AuditRequestInfo {
  return { method: methodOf(request), route: routePatternOf(request) };
}

export function ipOf(request: unknown): string | undefined {
  return shape(request).ip;
}

/** A route parameter as a string, or `undefined`. */
export function paramOf(request: unknown, name: string): string | undefined {
  const params = shape(request).params;
  if (!params || !Object.hasOwn(params, name)) return undefined;
  const value = params[name];
  return typeof value === 'string' ? value : undefined;
}

/** Sets headers on an Express `res` or a Fastify `reply` (or a plain Node `ServerResponse`). */
export function setResponseHeaders(response: unknown, headers: Readonly<Record<string, string>>): void {
  if (typeof response !== 'object' || response === null) return;
  const res = response as {
    header?: (name: string, value: string) => unknown;
    setHeader?: (name: string, value: string) => unknown;
    headersSent?: boolean;
    sent?: boolean;
  };
  if (res.headersSent === true || res.sent === true) return;
  for (const [name, value] of Object.entries(headers)) {
    if (typeof res.header === 'function') res.header(name, value);
    else if (typeof res.setHeader === 'function') res.setHeader(name, value);
  }
}
