// @portcullis/nest on NestJS 11, one suite over [Express, Fastify] × [forRoot, forRootAsync with
// @nestjs/config], over real HTTP on 127.0.0.1 with tokens from @portcullis/testing: the global
// deny-by-default guard, @Scopes, @Roles with the hierarchy, ownership with @OwnedResource and
// @LoadedResource (anti-IDOR), a global guard that authenticates before PortcullisGuard, audit
// events. forRootAsync takes realm "compat-async" from the ConfigService, forRoot "compat".
//
// Truth table (orders: o-a1 alice/acme, o-b1 bob/acme, o-c1 carol/globex; "scope" = 403
// ERR_INSUFFICIENT_SCOPE with the challenge, 401 = ERR_MISSING_TOKEN with `Bearer realm`):
// | route              | anon | alice       | bob | carol | sam (support) | ada (admin) | dora (no org) | alice w/o scope | client "alice" | expired |
// | GET /health        | 200  | 200         |     |       |               |             |               |                 |                |         |
// | GET /me            | 401  | 200         |     |       |               |             |               | scope           |                | 401     |
// | GET /admin         |      | 403         |     |       | 403           | 200         |               |                 |                |         |
// | GET /support       |      | 403         |     |       | 200           | 200         |               |                 |                |         |
// | GET /no-rule       | 401  | 403 NO_RULE |     |       |               |             |               |                 |                |         |
// | GET /orders/o-a1   | 401  | 200         | 404 | 404   | 200           | 200         | 403           | scope           | 404            | 401     |
// | GET /orders/o-c1   |      |             |     | 200   | 404           | 404         |               |                 |                |         |
// | GET /orders/o-nope |      | 404         |     |       | 404           |             |               |                 |                |         |
// | GET /receipts/o-a1 | 401  | 200         | 404 |       | 404           | 404         | 404           | scope           |                |         |
// | GET /who-am-i      | 401  | 200         |     |       |               |             |               |                 |                | 401     |
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { AuditEvent } from '@portcullis/nest';
import { authorizationMatrix, createTestIssuer, listenForTest } from '@portcullis/testing/nest';
import type { ExpectedOutcome, TestIssuer, TestServer } from '@portcullis/testing/nest';
import { OrdersAppModule } from '../src/orders-app.module.js';
import type { Registration } from '../src/orders-app.module.js';
import { OrdersRepository } from '../src/orders.repository.js';
import { call, codeOf } from './support/http.js';
import { PRINCIPALS } from './support/principals.js';

const require = createRequire(import.meta.url);

type Platform = 'express' | 'fastify';
const VARIANTS = [
  { platform: 'express', registration: 'forRoot', realm: 'compat' },
  { platform: 'fastify', registration: 'forRoot', realm: 'compat' },
  { platform: 'express', registration: 'forRootAsync', realm: 'compat-async' },
  { platform: 'fastify', registration: 'forRootAsync', realm: 'compat-async' },
] as const satisfies readonly { platform: Platform; registration: Registration['kind']; realm: string }[];

let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(async () => {
  await issuer?.close();
});

describe.each(VARIANTS)('$platform, PortcullisModule.$registration', ({ platform, registration, realm }) => {
  let app: INestApplication;
  let server: TestServer;
  const events: AuditEvent[] = [];
  const audit = (event: AuditEvent): void => {
    events.push(event);
  };

  beforeAll(async () => {
    const { issuer: iss, audience, jwksUri, now } = issuer.verifierOptions();
    const module = OrdersAppModule.register(
      registration === 'forRoot'
        ? { kind: 'forRoot', options: { ...issuer.verifierOptions(), audit } }
        : {
            kind: 'forRootAsync',
            settings: { issuer: iss, audience, jwksUri: String(jwksUri), realm, tenantClaim: 'org_id' },
            code: { audit, now },
          },
    );
    const adapter = platform === 'express' ? new ExpressAdapter() : new FastifyAdapter();
    app = await NestFactory.create(module, adapter, { logger: false, abortOnError: false });
    server = await listenForTest(app);
  });
  afterAll(async () => {
    await server?.close();
  });

  const loads = () => app.get(OrdersRepository, { strict: false }).loads;

  it(`runs on the ${platform} adapter`, () => {
    const adapter = app.getHttpAdapter();
    expect(adapter.getType()).toBe(platform);
    if (platform === 'fastify') {
      // The Fastify the running server uses is the one @nestjs/platform-fastify 11 pins.
      const pinned = (require('@nestjs/platform-fastify/package.json') as { dependencies: Record<string, string> })
        .dependencies['fastify'];
      expect((adapter.getInstance() as { version: string }).version).toBe(pinned);
    }
  });

  it('answers the truth table', async () => {
    const challenge = `Bearer realm="${realm}"`;
    const anonymous: ExpectedOutcome = { status: 401, code: 'ERR_MISSING_TOKEN', wwwAuthenticate: challenge };
    const scope: ExpectedOutcome = {
      status: 403,
      code: 'ERR_INSUFFICIENT_SCOPE',
      wwwAuthenticate: `${challenge}, error="insufficient_scope", error_description="The access token lacks a required scope", scope="orders:read"`,
    };
    const expired: ExpectedOutcome = { status: 401, code: 'ERR_TOKEN_EXPIRED' };
    const forbidden: ExpectedOutcome = { status: 403, code: 'ERR_FORBIDDEN', wwwAuthenticate: null };
    const notFound: ExpectedOutcome = { status: 404, code: 'ERR_NOT_FOUND', wwwAuthenticate: null };
    await authorizationMatrix({
      baseUrl: server.url,
      issuer,
      principals: {
        anonymous: null,
        ...PRINCIPALS,
        expired: () => issuer.badToken('expired', PRINCIPALS.alice),
      },
      routes: [
        'GET /health',
        'GET /me',
        'GET /admin',
        'GET /support',
        'GET /no-rule',
        { method: 'GET', path: '/orders/:id', params: { id: 'o-a1' } },
        { name: 'GET /orders/:id (other org)', method: 'GET', path: '/orders/o-c1' },
        { name: 'GET /orders/:id (missing)', method: 'GET', path: '/orders/o-nope' },
        { method: 'GET', path: '/receipts/:orderId', params: { orderId: 'o-a1' } },
        'GET /who-am-i',
      ],
      expect: {
        'GET /health': { anonymous: 200, alice: 200 },
        'GET /me': { anonymous, alice: 200, aliceWriteOnly: scope, expired },
        'GET /admin': { alice: forbidden, sam: forbidden, ada: 200 },
        'GET /support': { alice: forbidden, sam: 200, ada: 200 },
        'GET /no-rule': { anonymous, alice: { status: 403, code: 'ERR_NO_RULE', wwwAuthenticate: null } },
        'GET /orders/:id': {
          anonymous,
          alice: 200, // the owner
          bob: notFound, // another user's order, same org
          carol: notFound, // another org
          sam: 200, // support, same org
          ada: 200, // admin inherits support
          dora: forbidden, // tenant-bound and the token has no tenant
          aliceWriteOnly: scope,
          aliceClient: notFound, // a client never owns a user's order
          expired,
        },
        'GET /orders/:id (other org)': { carol: 200, sam: notFound, ada: notFound },
        'GET /orders/:id (missing)': { alice: notFound, sam: notFound },
        'GET /receipts/:orderId': {
          anonymous,
          alice: 200,
          bob: notFound,
          sam: notFound, // no allowRoles on this route
          ada: notFound,
          dora: notFound, // not tenant-bound: simply not the owner
          aliceWriteOnly: scope,
        },
        'GET /who-am-i': { anonymous, alice: 200, expired },
      },
    });
  });

  it('@LoadedResource() hands the handler the order the guard loaded, once', async () => {
    const before = loads();
    const own = await call(`${server.url}/orders/o-a1`, await issuer.token(PRINCIPALS.alice));
    expect(own.status).toBe(200);
    expect(await own.json()).toEqual({ id: 'o-a1', ownerId: 'alice', viewer: 'alice' });
    expect(loads() - before).toBe(1);
    const support = await call(`${server.url}/orders/o-b1`, await issuer.token(PRINCIPALS.sam));
    expect(await support.json()).toEqual({ id: 'o-b1', ownerId: 'bob', viewer: 'sam' });
    const receipt = await call(`${server.url}/receipts/o-a1`, await issuer.token(PRINCIPALS.alice));
    expect(await receipt.json()).toEqual({ id: 'o-a1', totalCents: 1250 });
  });

  it('a caller refused whatever the order is causes no load', async () => {
    for (const caller of ['aliceWriteOnly', 'dora', 'aliceClient'] as const) {
      const before = loads();
      const res = await call(`${server.url}/orders/o-a1`, await issuer.token(PRINCIPALS[caller]));
      expect([caller, res.status]).toEqual([caller, caller === 'aliceClient' ? 404 : 403]);
      expect([caller, loads() - before]).toEqual([caller, 0]);
    }
    const before = loads();
    expect((await call(`${server.url}/orders/o-a1`)).status).toBe(401);
    expect(loads() - before).toBe(0);
  });

  it('"not yours" and "does not exist" are the same answer', async () => {
    const notYours = await call(`${server.url}/orders/o-a1`, await issuer.token(PRINCIPALS.bob));
    const missing = await call(`${server.url}/orders/o-nope`, await issuer.token(PRINCIPALS.bob));
    expect([notYours.status, missing.status]).toEqual([404, 404]);
    expect(await notYours.text()).toBe(await missing.text());
  });

  it('a resolver that throws answers 500 ERR_INTERNAL, never an allow', async () => {
    const res = await call(`${server.url}/orders/o-broken`, await issuer.token(PRINCIPALS.ada));
    expect(res.status).toBe(500);
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe('ERR_INTERNAL');
    expect(JSON.stringify(body)).not.toContain('database');
  });

  it('the global guard of the root module authenticated first; PortcullisGuard reused its outcome', async () => {
    const res = await call(`${server.url}/who-am-i`, await issuer.token(PRINCIPALS.alice));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ subject: 'alice', preAuthenticated: true, samePrincipal: true });
    const expired = await call(`${server.url}/who-am-i`, await issuer.badToken('expired', PRINCIPALS.alice));
    expect(expired.status).toBe(401);
    expect(await codeOf(expired)).toBe('ERR_TOKEN_EXPIRED');
  });

  it('audits each decision with the route pattern, never the id in the URL nor the token', async () => {
    events.length = 0;
    const token = await issuer.token(PRINCIPALS.bob);
    expect((await call(`${server.url}/orders/o-a1`, token)).status).toBe(404);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'portcullis.decision',
        decision: 'deny',
        reason: 'ERR_NOT_FOUND',
        subject: 'bob',
        tenant: 'acme',
        method: 'GET',
        route: '/orders/:id',
      }),
    ]);
    expect(JSON.stringify(events)).not.toContain(token);
    expect(JSON.stringify(events)).not.toContain('o-a1');
  });
});
