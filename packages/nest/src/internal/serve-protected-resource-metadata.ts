import type { HttpServer } from '@nestjs/common';
import { assertProtectedResourceMetadata } from '@portcullis/core';
import type { ProtectedResourceMetadata } from '@portcullis/core';

/**
 * Characters both routers take literally. Outside it, Express's path-to-regexp reads `:` `*` as
 * parameters and refuses `(` `)` `[` `]` `+` `!`, and Fastify's find-my-way reads `:` `*` and
 * decodes `%XX` in requests but not in routes — the route would match other paths, or none.
 */
const ROUTER_LITERAL = /^[A-Za-z0-9\-._~$&',;=@/]*$/;

/** The answer, prepared once: the metadata's headers, and the body as bytes. */
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

/**
 * Checks that `value` has the fields of a built `ProtectedResourceMetadata` (core's
 * `assertProtectedResourceMetadata`; its provenance is not checked) and that the module can serve
 * its path, then prepares the answer.
 *
 * @throws {TypeError} naming the field that is wrong and how to fix it.
 */
export function prepareProtectedResourceMetadata(value: unknown): PreparedMetadata {
  assertProtectedResourceMetadata(value, "PortcullisModule: 'protectedResourceMetadata'");
  const { path, body, headers } = value;
  if (!ROUTER_LITERAL.test(path)) {
    throw new TypeError(
      `PortcullisModule: cannot serve the protected-resource metadata at '${path}': Express and Fastify read ` +
        "some of its characters as route syntax or decode them (only letters, digits, '/' and -._~$&',;=@ are " +
        "served as written). Leave out 'protectedResourceMetadata', set 'resourceMetadata: metadata.url', and " +
        'answer GET metadata.path with metadata.headers and metadata.body yourself',
    );
  }
  return { path, body: Buffer.from(body, 'utf8'), headers };
}

function isNodeResponse(response: unknown): response is NodeResponse {
  const candidate = response as Partial<NodeResponse> | null;
  return typeof candidate?.writeHead === 'function' && typeof candidate.end === 'function';
}

/**
 * Serves an API's protected-resource metadata (RFC 9728) on the HTTP adapter: `GET` and `HEAD`
 * of `metadata.path` answer 200 with `metadata.headers` and `metadata.body`
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
