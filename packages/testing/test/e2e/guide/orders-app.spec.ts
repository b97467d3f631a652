// The guide's Express example, test side (docs/guides/testing-your-api.md): the access table, then single requests.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import {
  asPrincipal,
  authorizationMatrix,
  createTestIssuer,
  listenForTest,
  portcullisTestingOptions,
} from '@portcullis/testing/express';
import type { TestIssuer, TestServer } from '@portcullis/testing/express';
import { AUTHORIZATION, createApp } from './orders-app.js';

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
  server = await listenForTest(createApp(portcullisTestingOptions(issuer, { ...AUTHORIZATION, audit: () => {} })));
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

it('takes the owner and the tenant from the token, never from the body', async () => {
  const alice = asPrincipal(issuer, CALLERS.alice);
  const res = await alice.fetch(`${server.url}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sku: 'Z-9', qty: 2, ownerId: 'bob', orgId: 'globex' }),
  });
  expect(res.status).toBe(201);
  expect(await res.json()).toMatchObject({ ownerId: 'alice', orgId: 'acme', sku: 'Z-9', qty: 2 });
});

it.each(['expired', 'wrong-audience', 'alg-none', 'tampered-signature'] as const)(
  'refuses a %s token',
  async (kind) => {
    const token = await issuer.badToken(kind, { sub: 'alice', scope: 'orders:read' });
    const res = await fetch(`${server.url}/orders`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(5000),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="orders", error="invalid_token"/);
  },
);
