/**
 * protectedResourceMetadata(): the RFC 9728 document over real HTTP on 127.0.0.1, mounted as the
 * README says (on the app, before the gate) in front of a gate and a deny-by-default router, with
 * tokens minted by @portcullis/testing.
 *
 * Truth table of the gated app (metadata middleware → gate → portcullisRouter → error handler):
 *
 * | request                                                   | token                 | answer                 |
 * | --------------------------------------------------------- | --------------------- | ---------------------- |
 * | GET / HEAD `metadata.path` (any query)                    | none / bad / valid    | 200, the document      |
 * | POST / PUT `metadata.path`                                | none                  | 401 from the gate      |
 * | POST / PUT `metadata.path`                                | valid                 | 404 (no such route)    |
 * | GET another path (sibling, prefix, trailing slash, case…) | none                  | 401 from the gate      |
 */
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import express4 from 'express4';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import {
  PortcullisError,
  createPortcullis,
  createProtectedResourceMetadata,
  portcullis,
  portcullisErrorHandler,
  portcullisRouter,
  protectedResourceMetadata,
  requireScopes,
} from '@portcullis/express';
import type { AuditEvent, ProtectedResourceMetadata } from '@portcullis/express';
import { send } from './support/http.js';
import type { Answer } from './support/http.js';
import { appFactory } from './support/test-app.js';

let issuer: TestIssuer;
let metadata: ProtectedResourceMetadata;
const apps = appFactory();

beforeAll(async () => {
  issuer = await createTestIssuer();
  metadata = createProtectedResourceMetadata({
    resource: issuer.audience,
    authorizationServers: [issuer.issuer],
    scopesSupported: ['orders:read', 'orders:write'],
    resourceName: 'Orders API — “café” edition', // non-ASCII: content-length counts bytes, not characters
  });
});
afterEach(() => apps.closeAll());
afterAll(() => issuer?.close());

/** The README's layout: metadata middleware, gate (advertising the document), deny-by-default router, error handler. */
async function gatedApp(): Promise<{ url: string; events: AuditEvent[] }> {
  const events: AuditEvent[] = [];
  const server = await apps.start((app) => {
    app.use(protectedResourceMetadata(metadata));
    app.use(
      portcullis({
        ...issuer.verifierOptions(),
        realm: 'orders',
        resourceMetadata: metadata.url,
        audit: (e) => events.push(e),
      }),
    );
    const api = portcullisRouter();
    api.get('/orders', requireScopes('orders:read'), (_req, res) => void res.json([]));
    app.use(api);
    app.use(portcullisErrorHandler());
  });
  return { url: server.url, events };
}

/** Whether an answer is the metadata document, byte for byte, with every header of `metadata.headers`. */
function expectDocument(res: Answer, { head = false } = {}): void {
  expect(res.status).toBe(200);
  expect(res.text).toBe(head ? '' : metadata.body);
  if (!head) expect(res.body).toEqual(metadata.document);
  for (const [name, value] of Object.entries(metadata.headers))
    expect([name, res.headers.get(name)]).toEqual([name, value]);
  expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(metadata.body, 'utf8')));
}

describe('protectedResourceMetadata() in front of the gate', () => {
  it('answers GET with 200, the document byte for byte and exactly its headers (no charset appended)', async () => {
    const { url, events } = await gatedApp();
    const res = await send(`${url}${metadata.path}`);
    expectDocument(res);
    expect(res.body).toEqual({
      resource: issuer.audience,
      authorization_servers: [issuer.issuer],
      scopes_supported: ['orders:read', 'orders:write'],
      bearer_methods_supported: ['header'],
      resource_name: 'Orders API — “café” edition',
    });
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    // Answered before the gate: no authentication, no audit event.
    expect(events).toEqual([]);
  });

  it('answers HEAD with the same status and headers (content-length included) and no body', async () => {
    const { url } = await gatedApp();
    const res = await send(`${url}${metadata.path}`, { method: 'HEAD' });
    expectDocument(res, { head: true });
    const raw = await rawHead(`${url}${metadata.path}`);
    expect(raw.status).toBe(200);
    expect(raw.bytes).toBe(0);
    expect(raw.headers['content-length']).toBe(String(Buffer.byteLength(metadata.body, 'utf8')));
  });

  it('ignores the query string', async () => {
    const { url } = await gatedApp();
    for (const query of ['?', '?x=1', '?access_token=abc&y'])
      expectDocument(await send(`${url}${metadata.path}${query}`));
  });

  it('gives callers without a token, with a bad token and with a valid token the same document, without authenticating', async () => {
    const { url, events } = await gatedApp();
    const tokens = [
      undefined,
      'not-a-jwt',
      await issuer.badToken('expired'),
      await issuer.badToken('wrong-issuer'),
      await issuer.token({ scope: 'orders:read' }),
    ];
    const answers = await Promise.all(tokens.map((token) => send(`${url}${metadata.path}`, { token })));
    for (const res of answers) {
      expectDocument(res);
      expect([...res.headers.entries()].filter(([name]) => name !== 'date')).toEqual(
        [...answers[0]!.headers.entries()].filter(([name]) => name !== 'date'),
      );
      expect(res.headers.get('www-authenticate')).toBeNull();
    }
    expect(events).toEqual([]);
    // The same bad token elsewhere is refused: the gate is there, the document is simply in front of it.
    const refused = await send(`${url}/orders`, { token: 'not-a-jwt' });
    expect([refused.status, refused.body.code]).toEqual([401, 'ERR_MALFORMED_TOKEN']);
  });

  it('lets other methods on the path fall through: the gate answers 401 without a token, the app 404 with one', async () => {
    const { url, events } = await gatedApp();
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const anonymous = await send(`${url}${metadata.path}`, {
        method,
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      expect([method, anonymous.status, anonymous.body?.code]).toEqual([method, 401, 'ERR_MISSING_TOKEN']);
      expect(anonymous.headers.get('www-authenticate')).toBe(
        `Bearer realm="orders", resource_metadata="${metadata.url}"`,
      );
      expect(anonymous.text).not.toBe(metadata.body);

      const withToken = await send(`${url}${metadata.path}`, {
        method,
        token: await issuer.token({ scope: 'orders:read' }),
      });
      // Authenticated, then no route of the router matches: Express's own 404, not the document.
      expect([method, withToken.status]).toEqual([method, 404]);
      expect(withToken.text).not.toBe(metadata.body);
      expect(withToken.headers.get('access-control-allow-origin')).toBeNull();
    }
    // Every one of them went through the gate.
    expect(events.filter((e) => e.decision === 'deny')).toHaveLength(4);
  });

  it.each([
    ['a sibling resource', '/.well-known/oauth-protected-resource/other'],
    ['the bare well-known prefix', '/.well-known/oauth-protected-resource'],
    ['a longer segment', '/.well-known/oauth-protected-resource/orders-archive'],
    ['a trailing slash', '/.well-known/oauth-protected-resource/orders/'],
    ['a sub-path', '/.well-known/oauth-protected-resource/orders/x'],
    ['another case', '/.well-known/OAuth-Protected-Resource/orders'],
    ['a percent-encoded spelling', '/.well-known/oauth-protected-resource/%6Frders'],
    ['a fragment sent raw', '/.well-known/oauth-protected-resource/orders#x'],
    ['the resource itself', '/orders'],
  ])('does not answer %s (%s): the request goes on to the gate', async (_name, path) => {
    const { url } = await gatedApp();
    const res = path.includes('#') ? await rawGet(`${url}`, path) : await send(`${url}${path}`);
    expect([path, res.status]).toEqual([path, 401]);
    expect(res.text).not.toBe(metadata.body);
  });

  it('serves an absolute-form request target by its path, as Express routes it (RFC 9112 §3.2.2)', async () => {
    const { url } = await gatedApp();
    const served = await rawGet(url, `${url}${metadata.path}?x=1`);
    expect([served.status, served.text]).toEqual([200, metadata.body]);
    const other = await rawGet(url, `${url}/.well-known/oauth-protected-resource/other`);
    expect(other.status).toBe(401);
  });
});

describe('challenges point at the document (RFC 9728 §5)', () => {
  /** Listens first, so the resource identifier can name this very server; the app is attached afterwards. */
  async function listenFirst(): Promise<{ origin: string; server: Server; close: () => Promise<void> }> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
      origin,
      server,
      close: () =>
        new Promise<void>((resolve, reject) => {
          server.closeAllConnections();
          server.close((error) => (error ? reject(error) : resolve()));
        }),
    };
  }

  it('a client follows resource_metadata from a 401 to the document and finds the resource it called (§3.3)', async () => {
    const running = await listenFirst();
    try {
      const resource = `${running.origin}/orders`;
      const served = createProtectedResourceMetadata({
        resource,
        authorizationServers: [issuer.issuer],
        scopesSupported: ['orders:read'],
      });
      const app = express();
      app.use(protectedResourceMetadata(served));
      app.use(
        portcullis({
          ...issuer.verifierOptions(),
          audience: served.resource,
          realm: 'orders',
          resourceMetadata: served.url,
        }),
      );
      const api = portcullisRouter();
      api.get(
        '/orders',
        requireScopes('orders:read'),
        (req, res) => void res.json({ subject: req.auth!.principal.subject }),
      );
      app.use(api, portcullisErrorHandler());
      running.server.on('request', app);

      // 1. The client calls the API without a token and reads the challenge.
      const refused = await send(resource);
      expect(refused.status).toBe(401);
      const challenge = refused.headers.get('www-authenticate')!;
      const advertised = /resource_metadata="([^"]*)"/.exec(challenge)?.[1];
      expect(advertised).toBe(served.url);

      // 2. It fetches the advertised document, on the same server, and checks `resource` (§3.3).
      const metadataUrl = new URL(advertised!);
      expect(metadataUrl.origin).toBe(running.origin);
      const discovered = await send(metadataUrl.href);
      expect(discovered.status).toBe(200);
      expect(discovered.body.resource).toBe(resource); // the URL the client called, byte for byte

      // 3. It asks the listed authorization server for a token for that resource, and gets in.
      expect(discovered.body.authorization_servers).toEqual([issuer.issuer]);
      const token = await issuer.token({
        sub: 'alice',
        aud: discovered.body.resource,
        scope: discovered.body.scopes_supported.join(' '),
      });
      const admitted = await send(resource, { token });
      expect([admitted.status, admitted.body]).toEqual([200, { subject: 'alice' }]);
    } finally {
      await running.close();
    }
  });

  it('the error handler’s challenge option advertises it for errors raised where no instance is known', async () => {
    const { url } = await apps.start((app) => {
      app.use(protectedResourceMetadata(metadata));
      app.use('/early', (_req: Request, _res: Response, next: NextFunction) =>
        next(new PortcullisError('ERR_MISSING_TOKEN')),
      );
      app.use(portcullisErrorHandler({ challenge: { realm: 'orders', resourceMetadata: metadata.url } }));
    });
    const res = await send(`${url}/early`);
    expect([res.status, res.headers.get('www-authenticate')]).toEqual([
      401,
      `Bearer realm="orders", resource_metadata="${metadata.url}"`,
    ]);
    expectDocument(await send(`${url}${metadata.path}`));
  });
});

describe('where it is mounted', () => {
  it('compares the whole original path: a mount path that prefixes it serves the same document, another never does', async () => {
    const { url } = await apps.start((app) => {
      app.use('/.well-known', protectedResourceMetadata(metadata));
      app.use('/api', protectedResourceMetadata(metadata));
    });
    expectDocument(await send(`${url}${metadata.path}?q`));
    // Under /api the document is not moved to /api/.well-known/…: the request goes on (Express's 404).
    const moved = await send(`${url}/api${metadata.path}`);
    expect(moved.status).toBe(404);
    expect(moved.text).not.toBe(metadata.body);
  });

  it('answers anonymous callers from inside a self-authenticating deny-by-default router, and opens nothing else', async () => {
    const { url } = await apps.start((app) => {
      const api = portcullisRouter({ portcullis: createPortcullis({ ...issuer.verifierOptions(), realm: 'orders' }) });
      api.use(protectedResourceMetadata(metadata));
      api.get('/orders', requireScopes('orders:read'), (_req, res) => void res.json([]));
      api.get('/forgotten', (_req, res) => void res.json({ leaked: true }));
      app.use(api, portcullisErrorHandler());
    });
    expectDocument(await send(`${url}${metadata.path}`));
    expect((await send(`${url}/orders`)).status).toBe(401);
    const token = await issuer.token({ scope: 'orders:read' });
    expect((await send(`${url}/orders`, { token })).status).toBe(200);
    const forgotten = await send(`${url}/forgotten`, { token });
    expect([forgotten.status, forgotten.body.code]).toEqual([403, 'ERR_NO_RULE']);
  });

  it('behind the gate (the wrong place) it is never reached without a valid token', async () => {
    const { url } = await apps.start((app) => {
      app.use(portcullis({ ...issuer.verifierOptions(), realm: 'orders' }));
      app.use(protectedResourceMetadata(metadata));
      app.use(portcullisErrorHandler());
    });
    expect((await send(`${url}${metadata.path}`)).status).toBe(401);
    expectDocument(await send(`${url}${metadata.path}`, { token: await issuer.token({}) }));
  });

  it('works the same on Express 4', async () => {
    const app = express4();
    app.use('/.well-known', protectedResourceMetadata(metadata));
    app.use((_req, res) => void res.status(418).end());
    const server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)));
    });
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expectDocument(await send(`${url}${metadata.path}?x=1`));
      expectDocument(await send(`${url}${metadata.path}`, { method: 'HEAD' }), { head: true });
      expect((await send(`${url}${metadata.path}`, { method: 'POST' })).status).toBe(418);
      expect((await send(`${url}${metadata.path}/`)).status).toBe(418);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('protectedResourceMetadata(metadata) refuses what createProtectedResourceMetadata() would not give', () => {
  it('accepts a copy of a valid object (shape, not provenance)', () => {
    expect(typeof protectedResourceMetadata({ ...metadata })).toBe('function');
  });

  // The shape check is core's assertProtectedResourceMetadata (its spec has the full table); here:
  // that the middleware runs it at creation, under its own name.
  it.each<[string, () => unknown, RegExp]>([
    ['nothing', () => undefined, /the metadata must be an object/],
    ['the options instead of the result', () => ({ resource: 'https://api.example.test/orders' }), /'path' must be/],
    [
      'a header value with CRLF',
      () => ({ ...metadata, headers: { ...metadata.headers, 'content-type': 'application/json\r\nset-cookie: a=b' } }),
      /'headers.content-type' must be a valid header/,
    ],
  ])('refuses %s with a TypeError that names it', (_name, argument, message) => {
    const create = () => protectedResourceMetadata(argument() as ProtectedResourceMetadata);
    expect(create).toThrow(TypeError);
    expect(create).toThrow(/^protectedResourceMetadata: /);
    expect(create).toThrow(message);
    expect(create).toThrow(/pass the object createProtectedResourceMetadata\(\{ resource, … \}\) returns/);
  });
});

/** A HEAD request on node:http, counting the body bytes that actually arrive. */
function rawHead(url: string): Promise<{ status: number; headers: IncomingHttpHeaders; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'HEAD', timeout: 10_000 }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** GET with a raw request target (a fragment, an absolute-form URL), which fetch would rewrite. */
function rawGet(server: string, target: string): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(server);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path: target, method: 'GET', timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}
