/**
 * `protectedResourceMetadata`: the module serves the RFC 9728 document on the HTTP adapter and puts
 * its URL in every challenge. Over real HTTP on 127.0.0.1, on Express and Fastify, registered with
 * forRoot and forRootAsync, tokens from @portcullis/testing.
 *
 * | request                                           | answer                                              |
 * | GET  metadata.path, no / invalid / valid token    | 200, metadata.body, metadata.headers; no guard runs |
 * | HEAD metadata.path                                | 200, same headers, no body on the wire              |
 * | GET  /api + metadata.path (global prefix 'api')   | 404: the document stays at the origin's root        |
 * | GET  /orders, no token                            | 401, `resource_metadata="<metadata.url>"`           |
 * | GET  /no-rule, no token / valid token             | 401 / 403 ERR_NO_RULE (deny by default untouched)   |
 * | GET  metadata.path, option absent                 | 404                                                 |
 */
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import { PRINCIPALS } from '../../../../../test-support/adapter-cases.js';
import { createProtectedResourceMetadata, PORTCULLIS, PortcullisModule, Public } from '../../../src/index.js';
import type { AuditEvent, Portcullis, PortcullisModuleOptions, ProtectedResourceMetadata } from '../../../src/index.js';
import { HandlerCounter, portcullisImport, scenarioModule, SCENARIO_OPTIONS } from '../support/scenario-app.js';
import type { Registration } from '../support/scenario-app.js';
import { PLATFORMS, silentLogger, startApp } from '../support/start-app.js';
import type { Platform, StartedApp } from '../support/start-app.js';

let issuer: TestIssuer;
let metadata: ProtectedResourceMetadata;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  issuer = await createTestIssuer();
  metadata = createProtectedResourceMetadata({
    resource: issuer.verifierOptions().audience as string,
    authorizationServers: [issuer.issuer],
    scopesSupported: ['orders:read', 'orders:write'],
    resourceName: 'Orders API',
  });
  tokens.alice = await issuer.token(PRINCIPALS.alice);
  tokens.expired = await issuer.badToken('expired');
  tokens.forged = await issuer.badToken('tampered-signature');
});
afterAll(async () => {
  await issuer?.close();
});

/** Scenario options with the metadata and an audit sink that records every decision. */
function options(events: AuditEvent[], extra: Partial<PortcullisModuleOptions> = {}): PortcullisModuleOptions {
  return {
    ...issuer.verifierOptions(),
    ...SCENARIO_OPTIONS,
    audit: (event) => void events.push(event),
    protectedResourceMetadata: metadata,
    ...extra,
  };
}

const get = (url: string, token?: string, method = 'GET') =>
  fetch(url, {
    method,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(5_000),
  });

/** The raw bytes of an answer (status line, headers and everything after them), read until the server closes. */
function rawRequest(base: string, method: string, path: string): Promise<{ head: string; rest: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      socket.end(`${method} ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: close\r\n\r\n`);
    });
    const chunks: Buffer[] = [];
    socket.setTimeout(5_000, () => socket.destroy(new Error('timed out')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      resolve({ head: text.slice(0, end), rest: text.slice(end + 4) });
    });
  });
}

const VARIANTS = PLATFORMS.flatMap((platform) =>
  (['forRoot', 'forRootAsync'] as const).map((registration) => [platform, registration] as const),
);

describe.each(VARIANTS)('on %s with %s', (platform: Platform, registration: Registration) => {
  let started: StartedApp;
  const events: AuditEvent[] = [];

  beforeAll(async () => {
    started = await startApp(scenarioModule(portcullisImport(registration, options(events))), platform);
  });
  afterAll(async () => {
    await started?.close();
  });

  it('GET answers 200 with exactly metadata.body and every header of metadata.headers', async () => {
    const res = await get(started.url + metadata.path);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toBe(metadata.body);
    expect(JSON.parse(text)).toEqual(metadata.document);
    for (const [name, value] of Object.entries(metadata.headers)) {
      expect([name, res.headers.get(name)]).toEqual([name, value]);
    }
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(metadata.body)));
    expect(res.headers.get('www-authenticate')).toBeNull();
  });

  it('HEAD answers 200 with the same headers and no body on the wire', async () => {
    const { head, rest } = await rawRequest(started.url, 'HEAD', metadata.path);
    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    const headers = new Map(
      head
        .split('\r\n')
        .slice(1)
        .map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
    );
    for (const [name, value] of Object.entries(metadata.headers)) {
      expect([name, headers.get(name)]).toEqual([name, value]);
    }
    expect(rest).toBe('');
  });

  it('answers every caller alike — no token, an expired or forged token, a valid one — without the guard', async () => {
    events.length = 0;
    const handlerRuns = started.app.get(HandlerCounter).count;
    for (const token of [undefined, tokens.expired, tokens.forged, tokens.alice]) {
      const res = await get(started.url + metadata.path, token);
      expect([res.status, await res.text()]).toEqual([200, metadata.body]);
    }
    // No decision was made (the guard audits each one), and no controller ran.
    expect(events).toEqual([]);
    expect(started.app.get(HandlerCounter).count).toBe(handlerRuns);
  });

  it('a 401 challenge carries resource_metadata="<metadata.url>", and that URL leads to the document (RFC 9728 §3.3)', async () => {
    const res = await get(`${started.url}/orders`);
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate');
    expect(challenge).toBe(`Bearer realm="orders", resource_metadata="${metadata.url}"`);
    // A client reads the URL from the challenge and fetches it (here: its path, on this server).
    const advertised = new URL(/resource_metadata="([^"]+)"/.exec(challenge!)![1]!);
    const document = (await (await get(started.url + advertised.pathname)).json()) as { resource: string };
    expect(document.resource).toBe(metadata.resource);
    expect(document.resource).toBe(issuer.verifierOptions().audience);
  });

  it('403 insufficient_scope challenges carry it too', async () => {
    const token = await issuer.token({ ...PRINCIPALS.alice, scope: '' });
    const res = await get(`${started.url}/orders`, token);
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain(`resource_metadata="${metadata.url}"`);
  });

  it('leaves deny-by-default alone: a route without a rule still answers 401, then 403 ERR_NO_RULE', async () => {
    expect((await get(`${started.url}/no-rule`)).status).toBe(401);
    const denied = await get(`${started.url}/no-rule`, tokens.alice);
    expect([denied.status, ((await denied.json()) as { code: string }).code]).toEqual([403, 'ERR_NO_RULE']);
    // Guarded routes still work with a token.
    expect((await get(`${started.url}/orders`, tokens.alice)).status).toBe(200);
  });

  it('serves nothing else: another method, or a path below the document, is not the document', async () => {
    const post = await get(started.url + metadata.path, undefined, 'POST');
    expect(post.status).toBe(404);
    expect((await get(`${started.url}${metadata.path}/x`)).status).toBe(404);
  });
});

describe.each(PLATFORMS)('on %s with a global prefix', (platform: Platform) => {
  let started: StartedApp;
  beforeAll(async () => {
    started = await startApp(scenarioModule(portcullisImport('forRoot', options([]))), platform, {
      configure: (app) => app.setGlobalPrefix('api'),
    });
  });
  afterAll(async () => {
    await started?.close();
  });

  it('serves the document at metadata.path on the origin, not under the prefix', async () => {
    const res = await get(started.url + metadata.path);
    expect([res.status, await res.text()]).toEqual([200, metadata.body]);
    expect((await get(`${started.url}/api${metadata.path}`)).status).toBe(404);
    // The controllers did move under the prefix.
    expect((await get(`${started.url}/orders`, tokens.alice)).status).toBe(404);
    expect((await get(`${started.url}/api/orders`, tokens.alice)).status).toBe(200);
  });
});

describe.each(PLATFORMS)('on %s, resource paths the routers take literally', (platform: Platform) => {
  // Every character the module accepts in a path (the others are refused at start-up, see
  // test/internal/serve-protected-resource-metadata.spec.ts), a bare origin and a trailing slash.
  it.each(['', '/app/', "/a-b.c_d~$&',;=@/v1"])('serves the document of https://api.example.test%s', async (path) => {
    const built = createProtectedResourceMetadata({ resource: `https://api.example.test${path}` });
    const module = PortcullisModule.forRoot({ ...options([]), protectedResourceMetadata: built });
    const started = await startApp(scenarioModule(module), platform);
    try {
      const res = await get(started.url + built.path);
      expect([built.path, res.status, await res.text()]).toEqual([built.path, 200, built.body]);
    } finally {
      await started.close();
    }
  });
});

describe.each(PLATFORMS)('on %s without the option', (platform: Platform) => {
  it('registers no route: the path answers 404, and challenges carry no resource_metadata', async () => {
    const { protectedResourceMetadata: _none, ...without } = options([]);
    const started = await startApp(scenarioModule(portcullisImport('forRoot', without)), platform);
    try {
      for (const token of [undefined, tokens.alice]) {
        expect([token, (await get(started.url + metadata.path, token)).status]).toEqual([token, 404]);
      }
      expect((await get(`${started.url}/orders`)).headers.get('www-authenticate')).toBe('Bearer realm="orders"');
    } finally {
      await started.close();
    }
  });
});

describe('HEAD without Fastify’s automatic HEAD routes', () => {
  it('still answers HEAD: the module declares it', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [scenarioModule(portcullisImport('forRoot', options([])))],
    })
      .setLogger(silentLogger)
      .compile();
    const app = moduleRef.createNestApplication(new FastifyAdapter({ exposeHeadRoutes: false }), { logger: false });
    await app.listen(0, '127.0.0.1');
    try {
      const url = `http://127.0.0.1:${(app.getHttpServer() as { address(): AddressInfo }).address().port}`;
      const head = await get(url + metadata.path, undefined, 'HEAD');
      expect([head.status, head.headers.get('content-type')]).toEqual([200, metadata.headers['content-type']]);
      expect((await get(url + metadata.path)).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('start-up', () => {
  it('`resourceMetadata` equal to metadata.url is accepted', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [PortcullisModule.forRoot(options([], { resourceMetadata: metadata.url }))],
    }).compile();
    expect(moduleRef.get<Portcullis>(PORTCULLIS).challenge.resourceMetadata).toBe(metadata.url);
    await moduleRef.close();
  });

  it.each(['forRoot', 'forRootAsync'] as const)(
    'a different `resourceMetadata` fails start-up (%s)',
    async (registration) => {
      const bad = options([], { resourceMetadata: 'https://api.example.test/.well-known/elsewhere' });
      await expect(
        Test.createTestingModule({ imports: [portcullisImport(registration, bad)] }).compile(),
      ).rejects.toThrow(
        /'resourceMetadata' \(https:\/\/api\.example\.test\/\.well-known\/elsewhere\) differs from 'protectedResourceMetadata\.url'/,
      );
    },
  );

  it('a value without the fields of a built metadata fails start-up with a TypeError', async () => {
    const bad = options([], {
      protectedResourceMetadata: { resource: metadata.resource } as unknown as ProtectedResourceMetadata,
    });
    const compiling = Test.createTestingModule({ imports: [PortcullisModule.forRoot(bad)] }).compile();
    await expect(compiling).rejects.toThrow(TypeError);
    await expect(Test.createTestingModule({ imports: [PortcullisModule.forRoot(bad)] }).compile()).rejects.toThrow(
      /'protectedResourceMetadata': 'path' must be/,
    );
  });

  it('without an HTTP adapter (a testing module that is only initialised), nothing is served and nothing fails', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [PortcullisModule.forRoot(options([]))],
    }).compile();
    await expect(moduleRef.init()).resolves.toBe(moduleRef);
    expect(moduleRef.get<Portcullis>(PORTCULLIS).challenge.resourceMetadata).toBe(metadata.url);
    await moduleRef.close();
  });

  it('on Fastify, a controller route at the same path fails start-up with a message naming the path', async () => {
    @Controller()
    class OwnDocumentController {
      @Get(metadata.path.slice(1))
      @Public()
      document() {
        return {};
      }
    }
    await expect(
      startApp(
        scenarioModule(portcullisImport('forRoot', options([])), { controllers: [OwnDocumentController] }),
        'fastify',
      ),
    ).rejects.toThrow(`cannot serve the protected-resource metadata at ${metadata.path}`);
  });
});
