// The whole application (AppModule, as main.ts starts it) with its PortcullisModule pointed at a
// local test issuer, and its access table checked over real HTTP.
import { afterAll, beforeAll, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { authorizationMatrix, createTestIssuer, listenForTest, overridePortcullis } from '@portcullis/testing/nest';
import type { TestIssuer, TestServer } from '@portcullis/testing/nest';
import { AppModule } from '../src/app.module.js';
import { AUTHORIZATION } from '../src/authorization.js';

const CALLERS = {
  alice: { sub: 'alice', scope: 'orders:read orders:write', roles: ['customer'], org_id: 'acme' },
  bob: { sub: 'bob', scope: 'orders:read', roles: ['customer'], org_id: 'acme' },
  sam: { sub: 'sam', scope: 'orders:read orders:write', roles: ['support'], org_id: 'acme' },
  ada: { sub: 'ada', scope: 'orders:read orders:write', roles: ['admin'], org_id: 'acme' },
  carol: { sub: 'carol', scope: 'orders:read orders:write', roles: ['admin'], org_id: 'globex' },
  anonymous: null,
};

let issuer: TestIssuer;
let server: TestServer;

beforeAll(async () => {
  issuer = await createTestIssuer();
  const testing = Test.createTestingModule({ imports: [AppModule] });
  const moduleRef = await overridePortcullis(testing, issuer, { ...AUTHORIZATION, audit: () => {} }).compile();
  server = await listenForTest(moduleRef.createNestApplication({ logger: false }));
});

afterAll(async () => {
  await server?.close();
  await issuer?.close();
});

it('enforces the access table', async () => {
  await authorizationMatrix({
    baseUrl: server.url,
    issuer,
    principals: CALLERS,
    // Cells run row by row, callers in the order above: ada deletes bob's order near the end.
    routes: [
      'GET /health',
      'GET /orders',
      { method: 'GET', path: '/orders/:id', params: { id: 'ord-bob-1' } },
      { method: 'POST', path: '/orders', body: { sku: 'A-1', qty: 1 } },
      { method: 'DELETE', path: '/orders/:id', params: { id: 'ord-bob-1' } },
    ],
    expect: {
      'GET /health': { alice: 200, anonymous: 200 },
      'GET /orders': {
        alice: 200,
        bob: 200,
        anonymous: { status: 401, code: 'ERR_MISSING_TOKEN', wwwAuthenticate: 'Bearer realm="orders"' },
      },
      'GET /orders/:id': { alice: '404 ERR_NOT_FOUND', bob: 200, sam: 200, ada: 200, carol: 404, anonymous: 401 },
      'POST /orders': { alice: 201, bob: '403 ERR_INSUFFICIENT_SCOPE', anonymous: 401 },
      'DELETE /orders/:id': { alice: 403, bob: 403, sam: '403 ERR_FORBIDDEN', ada: 200, carol: 404, anonymous: 401 },
    },
  });
});
