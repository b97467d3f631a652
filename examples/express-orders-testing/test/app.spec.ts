// The whole application over real HTTP, its gate pointed at a local test issuer.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import {
  asPrincipal,
  authorizationMatrix,
  createTestIssuer,
  listenForTest,
  portcullisTestingOptions,
} from '@portcullis/testing/express';
import type { TestIssuer, TestServer } from '@portcullis/testing/express';
import { createApp } from '../src/app.js';
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
  server = await listenForTest(createApp(portcullisTestingOptions(issuer, { ...AUTHORIZATION, audit: () => {} })));
});

afterAll(async () => {
  await server?.close();
  await issuer?.close();
});

const postOrder = (body: object): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

it("lists only the caller's own orders", async () => {
  const res = await asPrincipal(issuer, CALLERS.alice).fetch(`${server.url}/orders`);
  expect(res.status).toBe(200);
  expect(((await res.json()) as { id: string }[]).map((order) => order.id)).toEqual(['ord-alice-1']);
});

it('takes the owner and the organisation from the token, never from the body', async () => {
  const res = await asPrincipal(issuer, CALLERS.alice).fetch(
    `${server.url}/orders`,
    postOrder({ sku: 'Z-9', qty: 2, ownerId: 'bob', orgId: 'globex' }),
  );
  expect(res.status).toBe(201);
  expect(await res.json()).toMatchObject({ ownerId: 'alice', orgId: 'acme', sku: 'Z-9', qty: 2 });
});

it('answers RFC 6750 challenges: no token, a bad token, a missing scope', async () => {
  const none = await fetch(`${server.url}/orders`);
  expect(none.status).toBe(401);
  expect(none.headers.get('www-authenticate')).toBe('Bearer realm="orders"');

  const expired = await fetch(`${server.url}/orders`, {
    headers: { authorization: `Bearer ${await issuer.badToken('expired')}` },
  });
  expect(expired.status).toBe(401);
  expect(expired.headers.get('www-authenticate')).toBe(
    'Bearer realm="orders", error="invalid_token", error_description="The access token expired"',
  );

  const readOnly = await asPrincipal(issuer, CALLERS.bob).fetch(
    `${server.url}/orders`,
    postOrder({ sku: 'A-1', qty: 1 }),
  );
  expect(readOnly.status).toBe(403);
  expect(readOnly.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  expect(readOnly.headers.get('www-authenticate')).toContain('scope="orders:write"');
});

it('refuses a route that has no rule, even for an admin', async () => {
  const res = await asPrincipal(issuer, CALLERS.ada).fetch(`${server.url}/reports`);
  expect(res.status).toBe(403);
  expect(await res.json()).toMatchObject({ code: 'ERR_NO_RULE' });
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
      // Another user's order and another org's order answer like a missing one.
      'GET /orders/:id': {
        alice: '404 ERR_NOT_FOUND',
        bob: 200,
        sam: 200,
        ada: 200,
        carol: '404 ERR_NOT_FOUND',
        anonymous: 401,
      },
      'POST /orders': { alice: 201, bob: '403 ERR_INSUFFICIENT_SCOPE', anonymous: 401 },
      'DELETE /orders/:id': { alice: 403, bob: 403, sam: '403 ERR_FORBIDDEN', carol: 404, ada: 204, anonymous: 401 },
    },
  });
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
