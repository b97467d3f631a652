import { describe, expect, it } from '@jest/globals';
import type { HttpServer } from '@nestjs/common';
import { createProtectedResourceMetadata } from '@portcullis/core';
import type { ProtectedResourceMetadata } from '@portcullis/core';
import {
  prepareProtectedResourceMetadata,
  serveProtectedResourceMetadata,
} from '../../src/internal/serve-protected-resource-metadata.js';

const metadata = createProtectedResourceMetadata({
  resource: 'https://api.example.test/orders',
  authorizationServers: ['https://id.example.test'],
  resourceName: 'Orders — API', // not ASCII: content-length counts bytes
});

/** The metadata with some fields replaced (a hand-made value, not what core builds). */
const altered = (fields: Record<string, unknown>) =>
  ({ ...metadata, ...fields }) as unknown as ProtectedResourceMetadata;

type Handler = (request: unknown, response: unknown) => void;

/** An adapter that records the routes registered on it and what a handler does through it. */
function recordingAdapter(fail?: Error) {
  const routes: [string, string, Handler][] = [];
  const calls: unknown[][] = [];
  const adapter = {
    head: (path: string, handler: Handler) => {
      if (fail) throw fail;
      routes.push(['HEAD', path, handler]);
    },
    get: (path: string, handler: Handler) => routes.push(['GET', path, handler]),
    status: (...args: unknown[]) => calls.push(['status', ...args.slice(1)]),
    setHeader: (...args: unknown[]) => calls.push(['setHeader', ...args.slice(1)]),
    reply: (...args: unknown[]) => calls.push(['reply', ...args.slice(1)]),
  };
  return { adapter: adapter as unknown as HttpServer, routes, calls };
}

describe('prepareProtectedResourceMetadata', () => {
  it('keeps path and headers (content-length in bytes, from core) and holds the body as bytes', () => {
    const prepared = prepareProtectedResourceMetadata(metadata);
    expect(prepared.path).toBe('/.well-known/oauth-protected-resource/orders');
    expect(prepared.body.toString('utf8')).toBe(metadata.body);
    expect(prepared.headers).toEqual(metadata.headers);
    expect(Number(prepared.headers['content-length'])).toBe(prepared.body.length);
    expect(Number(prepared.headers['content-length'])).toBeGreaterThan(metadata.body.length);
  });

  // The shape check is core's assertProtectedResourceMetadata (its spec has the full table); here:
  // that the module runs it, under its own name.
  it.each([
    ['a string', 'https://api.example.test/.well-known/oauth-protected-resource/orders', /the metadata must be an object/],
    ['the options, not the metadata', { resource: 'https://api.example.test/orders' }, /'path' must be/],
    ['a header with a line break', altered({ headers: { ...metadata.headers, 'x-a': 'a\r\nb' } }), /'headers.x-a' must be a valid header/],
  ])('refuses %s with a TypeError naming the option and the field', (_case, value, message) => {
    expect(() => prepareProtectedResourceMetadata(value)).toThrow(TypeError);
    expect(() => prepareProtectedResourceMetadata(value)).toThrow(message);
    expect(() => prepareProtectedResourceMetadata(value)).toThrow(/^PortcullisModule: 'protectedResourceMetadata': .*createProtectedResourceMetadata/);
  });

  // Express reads `:` and `*` as parameters and refuses `(` `)` `[` `]` `+` `!`; Fastify reads `:` `*`
  // and decodes `%XX` in requests only: registered as they are, these routes match other paths or none.
  it.each(['/v1:orders', '/orders*', '/orders(v1)', '/orders+', '/orders!', '/caf%C3%A9'])(
    'refuses a resource path the routers would not take literally (%s), saying how to serve it instead',
    (path) => {
      const routed = createProtectedResourceMetadata({ resource: `https://api.example.test${path}` });
      expect(() => prepareProtectedResourceMetadata(routed)).toThrow(TypeError);
      expect(() => prepareProtectedResourceMetadata(routed)).toThrow(/set 'resourceMetadata: metadata.url'/);
    },
  );

  it.each(['https://api.example.test', 'https://api.example.test/app/', "https://api.example.test/a-b.c_d~$&',;=@/v1"])(
    'accepts the resource %s',
    (resource) => {
      const built = createProtectedResourceMetadata({ resource });
      expect(prepareProtectedResourceMetadata(built).path).toBe(built.path);
    },
  );
});

describe('serveProtectedResourceMetadata', () => {
  it('serves nothing without an HTTP adapter', () => {
    expect(serveProtectedResourceMetadata(undefined, metadata)).toBe(false);
  });

  it('declares HEAD, then GET, at metadata.path, with one handler', () => {
    const { adapter, routes } = recordingAdapter();
    expect(serveProtectedResourceMetadata(adapter, metadata)).toBe(true);
    expect(routes.map(([method, path]) => [method, path])).toEqual([
      ['HEAD', metadata.path],
      ['GET', metadata.path],
    ]);
    expect(routes[0]![2]).toBe(routes[1]![2]);
  });

  it('names the path when the adapter refuses the route', () => {
    const refusal = new Error("Method 'HEAD' already declared for route");
    const { adapter } = recordingAdapter(refusal);
    const serving = () => serveProtectedResourceMetadata(adapter, metadata);
    expect(serving).toThrow(`cannot serve the protected-resource metadata at ${metadata.path}: ${refusal.message}`);
    try {
      serving();
    } catch (error) {
      expect((error as Error).cause).toBe(refusal);
    }
  });

  it('writes a Node response (Express) as built: status, headers and body; no body for HEAD', () => {
    const { adapter, routes, calls } = recordingAdapter();
    serveProtectedResourceMetadata(adapter, metadata);
    const handler = routes[1]![2];
    const { headers } = prepareProtectedResourceMetadata(metadata);
    for (const [method, body] of [
      ['GET', metadata.body],
      ['HEAD', undefined],
    ] as const) {
      const written: unknown[] = [];
      handler(
        { method },
        {
          writeHead: (status: number, sent: unknown) => written.push(status, sent),
          end: (sent?: Buffer) => written.push(sent?.toString('utf8')),
        },
      );
      expect(written).toEqual([200, headers, body]);
    }
    expect(calls).toEqual([]);
  });

  it('answers other responses (Fastify) through the adapter, with a Buffer body so the content type stays as set', () => {
    const { adapter, routes, calls } = recordingAdapter();
    serveProtectedResourceMetadata(adapter, metadata);
    routes[1]![2]({ method: 'GET' }, { code: () => undefined });
    const { headers } = prepareProtectedResourceMetadata(metadata);
    expect(calls.slice(0, -1)).toEqual([
      ['status', 200],
      ...Object.entries(headers).map(([name, value]) => ['setHeader', name, value]),
    ]);
    const [kind, body] = calls.at(-1)!;
    expect(kind).toBe('reply');
    expect(Buffer.isBuffer(body) && body.toString('utf8')).toBe(metadata.body);
  });
});
