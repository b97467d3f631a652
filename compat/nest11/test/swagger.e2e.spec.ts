// @portcullis/nest's OpenAPI documentation with @nestjs/swagger 11 on NestJS 11: with the package
// installed, guarded routes are documented as the guard enforces them (security requirement,
// 401/403, 404 for owned resources; public routes untouched). The document is served by
// SwaggerModule.setup and read over real HTTP on 127.0.0.1, then held against the live answers.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { createTestIssuer, listenForTest } from '@portcullis/testing/nest';
import type { TestIssuer, TestServer } from '@portcullis/testing/nest';
import { OrdersAppModule } from '../src/orders-app.module.js';
import { ReportsAppModule } from '../src/reports-app.module.js';
import { call, codeOf } from './support/http.js';
import { PRINCIPALS } from './support/principals.js';

const require = createRequire(import.meta.url);

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;

let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(async () => {
  await issuer?.close();
});

it('runs on @nestjs/swagger 11', () => {
  expect((require('@nestjs/swagger/package.json') as { version: string }).version).toMatch(/^11\./);
});

describe('default bearer scheme (forRoot, Express)', () => {
  let server: TestServer;
  let doc: OpenAPIObject;
  const get = (path: string): Operation => {
    const operation = doc.paths[path]?.get;
    if (!operation) throw new Error(`no GET ${path} in the document`);
    return operation;
  };

  beforeAll(async () => {
    const app = await NestFactory.create(
      OrdersAppModule.register({ kind: 'forRoot', options: { ...issuer.verifierOptions(), audit: () => {} } }),
      { logger: false, abortOnError: false },
    );
    const config = new DocumentBuilder().setTitle('compat').addBearerAuth().build();
    SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, config));
    server = await listenForTest(app);
    const res = await call(`${server.url}/docs-json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as OpenAPIObject;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('documents guarded routes with bearer security, 401 and 403; a public route gets nothing', () => {
    expect(get('/me').security).toEqual([{ bearer: [] }]);
    expect(Object.keys(get('/me').responses)).toEqual(expect.arrayContaining(['401', '403']));
    expect(Object.keys(get('/me').responses)).not.toContain('404');
    expect(get('/admin').security).toEqual([{ bearer: [] }]);
    expect(get('/health').security).toBeUndefined();
    expect(Object.keys(get('/health').responses)).not.toEqual(expect.arrayContaining(['401']));
  });

  it('documents 404 on the ownership routes', () => {
    for (const path of ['/orders/{id}', '/receipts/{orderId}']) {
      expect([path, get(path).security]).toEqual([path, [{ bearer: [] }]]);
      expect([path, Object.keys(get(path).responses)]).toEqual([path, expect.arrayContaining(['401', '403', '404'])]);
    }
  });

  it('the document tells the truth: secured routes answer 401 without a token, the public one 200', async () => {
    const fill = (path: string) => path.replace(/\{[^}]+\}/g, 'o-a1');
    const paths = Object.entries(doc.paths).filter(([, item]) => item.get);
    expect(paths.length).toBeGreaterThanOrEqual(8);
    for (const [path, item] of paths) {
      const res = await call(`${server.url}${fill(path)}`);
      expect([path, res.status]).toEqual([path, item.get!.security ? 401 : 200]);
    }
    // The documented 403 and 404 of an owned order, as a caller sees them.
    const scope = await call(`${server.url}/orders/o-a1`, await issuer.token(PRINCIPALS.aliceWriteOnly));
    expect([scope.status, await codeOf(scope)]).toEqual([403, 'ERR_INSUFFICIENT_SCOPE']);
    const notYours = await call(`${server.url}/orders/o-a1`, await issuer.token(PRINCIPALS.bob));
    expect([notYours.status, await codeOf(notYours)]).toEqual([404, 'ERR_NOT_FOUND']);
  });
});

describe("swagger: { scheme: 'oauth2' } lists each route's scopes", () => {
  let server: TestServer;
  let doc: OpenAPIObject;

  beforeAll(async () => {
    const app = await NestFactory.create(
      ReportsAppModule.forRoot({ ...issuer.verifierOptions(), audit: () => {}, swagger: { scheme: 'oauth2' } }),
      { logger: false, abortOnError: false },
    );
    const config = new DocumentBuilder().addOAuth2().build();
    doc = SwaggerModule.createDocument(app, config);
    server = await listenForTest(app);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('documents the OAuth2 requirement with the scopes; the public route gets nothing', () => {
    expect(doc.paths['/reports']?.get?.security).toEqual([{ oauth2: ['reports:read', 'reports:list'] }]);
    expect(doc.paths['/reports/status']?.get?.security).toBeUndefined();
  });

  it('and the guard enforces those scopes: 401 without a token, 403 without one of them', async () => {
    const anonymous = await call(`${server.url}/reports`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="compat"');
    const partial = await call(`${server.url}/reports`, await issuer.token({ sub: 'alice', scope: 'reports:read' }));
    expect(partial.status).toBe(403);
    expect(partial.headers.get('www-authenticate')).toContain('scope="reports:read reports:list"');
    const both = await call(
      `${server.url}/reports`,
      await issuer.token({ sub: 'alice', scope: 'reports:list reports:read' }),
    );
    expect(both.status).toBe(200);
    expect((await call(`${server.url}/reports/status`)).status).toBe(200);
  });
});
