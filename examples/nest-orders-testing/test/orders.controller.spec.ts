// The orders controller alone in a testing module: PortcullisTestingModule registers the real
// guard, trusting a local test issuer; asPrincipal sends requests as a given caller.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { asPrincipal, createTestIssuer, listenForTest, PortcullisTestingModule } from '@portcullis/testing/nest';
import type { TestIssuer, TestServer } from '@portcullis/testing/nest';
import { AUTHORIZATION } from '../src/authorization.js';
import { OrderResolver } from '../src/order.resolver.js';
import { OrdersController } from '../src/orders.controller.js';
import { OrdersRepository } from '../src/orders.repository.js';

let issuer: TestIssuer;
let server: TestServer;

beforeAll(async () => {
  issuer = await createTestIssuer();
  const moduleRef = await Test.createTestingModule({
    imports: [PortcullisTestingModule.forIssuer(issuer, { ...AUTHORIZATION, audit: () => {} })],
    controllers: [OrdersController],
    providers: [OrdersRepository, OrderResolver],
  }).compile();
  server = await listenForTest(moduleRef.createNestApplication({ logger: false }));
});

afterAll(async () => {
  await server?.close();
  await issuer?.close();
});

const alice = () =>
  asPrincipal(issuer, { sub: 'alice', scope: 'orders:read orders:write', roles: ['customer'], org_id: 'acme' });

const postOrder = (body: object): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

it("lists only the caller's orders", async () => {
  const res = await alice().fetch(`${server.url}/orders`);
  expect(res.status).toBe(200);
  expect(((await res.json()) as { id: string }[]).map((order) => order.id)).toEqual(['ord-alice-1']);
});

it('takes the owner and the tenant from the token, never from the body', async () => {
  const res = await alice().fetch(
    `${server.url}/orders`,
    postOrder({ sku: 'Z-9', qty: 2, ownerId: 'bob', orgId: 'globex' }),
  );
  expect(res.status).toBe(201);
  expect(await res.json()).toMatchObject({ ownerId: 'alice', orgId: 'acme', sku: 'Z-9', qty: 2 });
});

it('refuses a read-only caller, naming the missing scope in the challenge', async () => {
  const res = await alice()
    .with({ scope: 'orders:read' })
    .fetch(`${server.url}/orders`, postOrder({ sku: 'A-1', qty: 1 }));
  expect(res.status).toBe(403);
  expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  expect(res.headers.get('www-authenticate')).toContain('scope="orders:write"');
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
