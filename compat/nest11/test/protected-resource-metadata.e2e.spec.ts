// PortcullisModule's `protectedResourceMetadata` on NestJS 11, Express and Fastify: the module
// registers GET and HEAD of the RFC 9728 document on the HTTP adapter in onModuleInit (after the
// controllers' routes, before Express's not-found handler and Fastify's ready()), outside the global
// prefix and the guard; challenges carry the document's URL.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { createProtectedResourceMetadata } from '@portcullis/nest';
import type { ProtectedResourceMetadata } from '@portcullis/nest';
import { createTestIssuer, listenForTest } from '@portcullis/testing/nest';
import type { TestIssuer, TestServer } from '@portcullis/testing/nest';
import { AppModule } from '../src/app.module.js';
import { call, codeOf } from './support/http.js';
import { PRINCIPALS } from './support/principals.js';

let issuer: TestIssuer;
let metadata: ProtectedResourceMetadata;

beforeAll(async () => {
  issuer = await createTestIssuer();
  metadata = createProtectedResourceMetadata({
    resource: issuer.verifierOptions().audience as string,
    authorizationServers: [issuer.issuer],
  });
});
afterAll(async () => {
  await issuer?.close();
});

describe.each(['express', 'fastify'] as const)('%s', (platform) => {
  let server: TestServer;
  beforeAll(async () => {
    const module = AppModule.forRoot({
      ...issuer.verifierOptions(),
      audit: () => {},
      protectedResourceMetadata: metadata,
    });
    const adapter = platform === 'express' ? new ExpressAdapter() : new FastifyAdapter();
    const app = await NestFactory.create(module, adapter, { logger: false, abortOnError: false });
    app.setGlobalPrefix('api');
    server = await listenForTest(app);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('serves the document at metadata.path (not under the prefix) to any caller, HEAD included', async () => {
    for (const token of [undefined, await issuer.badToken('expired'), await issuer.token(PRINCIPALS.alice)]) {
      const res = await call(server.url + metadata.path, token);
      expect([res.status, await res.text()]).toEqual([200, metadata.body]);
      for (const [name, value] of Object.entries(metadata.headers)) {
        expect([name, res.headers.get(name)]).toEqual([name, value]);
      }
    }
    const head = await fetch(server.url + metadata.path, { method: 'HEAD', signal: AbortSignal.timeout(5_000) });
    expect([head.status, head.headers.get('content-type')]).toEqual([200, metadata.headers['content-type']]);
    expect((await call(`${server.url}/api${metadata.path}`)).status).toBe(404);
  });

  it('challenges carry its URL; deny by default is untouched', async () => {
    const res = await call(`${server.url}/api/me`);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="compat", resource_metadata="${metadata.url}"`);
    const noRule = await call(`${server.url}/api/no-rule`, await issuer.token(PRINCIPALS.alice));
    expect([noRule.status, await codeOf(noRule)]).toEqual([403, 'ERR_NO_RULE']);
  });
});
