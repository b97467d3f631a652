import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { HttpServer } from '@nestjs/common';
import type { ProtectedResourceMetadata } from '@portcullis/core';

const WELL_KNOWN = '/.well-known/oauth-protected-resource';
/**
 * Characters both routers take literally. Outside it, Express's path-to-regexp reads `:` `*` as
 * parameters and refuses `(` `)` `[` `]` `+` `!`, and Fastify's find-my-way reads `:` `*` and
 * decodes `%XX` in requests but not in routes — the route would match other paths, or none.
 */
const ROUTER_LITERAL = /^[A-Za-z0-9\-._~$&',;=@/]*$/;

/** The answer, prepared once: headers with `content-length`, and the body as bytes. */
interface PreparedMetadata {
  readonly path: string;
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

/** The parts of an Express `res` (Node's `ServerResponse`) the handler writes to. */
interface NodeResponse {
  writeHead(status: number, headers: Readonly<Record<string, string>>): unknown;
  end(body?: Buffer): unknown;
}

function fail(message: string): never {
  throw new TypeError(
    `PortcullisModule: 'protectedResourceMetadata' ${message}; pass what createProtectedResourceMetadata({ resource, … }) returns`,
  );
}

/**
 * Checks that `value` has the fields of a built `ProtectedResourceMetadata` (its provenance is not
 * checked) and that the module can serve its path, then prepares the answer.
 *
 * @throws {TypeError} naming the field that is wrong and how to fix it.
 */
export function prepareProtectedResourceMetadata(value: unknown): PreparedMetadata {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('must be an object');
  const { resource, path, url, document, body, headers } = value as Partial<
    Record<keyof ProtectedResourceMetadata, unknown>
  >;
  if (typeof resource !== 'string' || resource === '') fail("must have a non-empty string 'resource'");
  if (typeof path !== 'string' || (path !== WELL_KNOWN && !path.startsWith(`${WELL_KNOWN}/`))) {
    fail(`must have a 'path' that is '${WELL_KNOWN}' or starts with '${WELL_KNOWN}/' (RFC 9728 §3.1)`);
  }
  if (!ROUTER_LITERAL.test(path)) {
    throw new TypeError(
      `PortcullisModule: cannot serve the protected-resource metadata at '${path}': Express and Fastify read ` +
        "some of its characters as route syntax or decode them (only letters, digits, '/' and -._~$&',;=@ are " +
        "served as written). Leave out 'protectedResourceMetadata', set 'resourceMetadata: metadata.url', and " +
        'answer GET metadata.path with metadata.headers and metadata.body yourself',
    );
  }
  if (typeof url !== 'string' || !URL.canParse(url) || url !== new URL(url).origin + path) {
    fail("must have a 'url' that is the absolute URL of 'path' (the resource's origin followed by 'path')");
  }
  if (typeof document !== 'object' || document === null || (document as { resource?: unknown }).resource !== resource) {
    fail("must have a 'document' whose 'resource' equals 'resource'");
  }
  if (typeof body !== 'string' || body === '') fail("must have a 'body' (the serialised document)");
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    fail("must have 'headers' (an object of header names and string values)");
  }
  const answer: Record<string, string> = {};
  for (const [name, header] of Object.entries(headers)) {
    // Checked now: a bad header would otherwise make every request for the document fail.
    try {
      validateHeaderName(name);
      if (typeof header !== 'string') throw new TypeError('not a string');
      validateHeaderValue(name, header);
    } catch {
      fail(`has an invalid header '${name}' (header values are strings)`);
    }
    answer[name.toLowerCase()] = header;
  }
  if (answer['content-type'] === undefined) fail("must set 'content-type' in 'headers'");
  const bytes = Buffer.from(body, 'utf8');
  answer['content-length'] = String(bytes.length);
  return { path, body: bytes, headers: Object.freeze(answer) };
}

function isNodeResponse(response: unknown): response is NodeResponse {
  const candidate = response as Partial<NodeResponse> | null;
  return typeof candidate?.writeHead === 'function' && typeof candidate.end === 'function';
}

/**
 * Serves an API's protected-resource metadata (RFC 9728) on the HTTP adapter: `GET` and `HEAD`
 * of `metadata.path` answer 200 with `metadata.headers`, `content-length` and `metadata.body`
 * (none for `HEAD`). Registered on the adapter itself, not as a Nest route, on purpose:
 * - the document is public (RFC 9728 §3), so no guard, interceptor or pipe may run for it — the
 *   deny-by-default `PortcullisGuard` would otherwise answer it with the 401 meant to lead to it;
 * - it belongs at the origin's root (§3.1), never under a global prefix or a version;
 * - other routes pay nothing: a router matches it only for its own path.
 *
 * Call it while the application initialises, after Nest registered its routes and before it
 * registers the not-found handler and Fastify starts (`onModuleInit`). Without an HTTP adapter (an
 * application context, a testing module without `createNestApplication`) nothing is served.
 *
 * @returns whether the routes were registered.
 * @throws {Error} when the adapter refuses the route (e.g. Fastify, for a path a controller serves).
 */
export function serveProtectedResourceMetadata(
  adapter: HttpServer | undefined,
  metadata: ProtectedResourceMetadata,
): boolean {
  if (adapter === undefined || adapter === null) return false;
  const { path, body, headers } = prepareProtectedResourceMetadata(metadata);
  const entries = Object.entries(headers);

  const handler = (request: unknown, response: unknown): void => {
    if (isNodeResponse(response)) {
      // Express: written on Node's response, as built — `res.set`/`res.send` would append
      // `; charset=utf-8` to the content type and add an ETag.
      response.writeHead(200, headers);
      response.end((request as { method?: unknown } | null)?.method === 'HEAD' ? undefined : body);
      return;
    }
    // Fastify (and other adapters): through the adapter, so the platform's hooks still run. A
    // Buffer body keeps the content type as set (Fastify appends a charset to a string's).
    adapter.status(response, 200);
    for (const [name, value] of entries) adapter.setHeader(response, name, value);
    adapter.reply(response, body);
  };

  try {
    // HEAD first, explicitly: Fastify derives a HEAD route from a GET only when `exposeHeadRoutes`
    // is on, and skips it when HEAD is already declared; Express would answer HEAD from the GET.
    adapter.head(path, handler);
    adapter.get(path, handler);
  } catch (error) {
    throw new Error(
      `PortcullisModule: cannot serve the protected-resource metadata at ${path}: ${
        error instanceof Error ? error.message : String(error)
      }`,
      { cause: error },
    );
  }
  return true;
}
