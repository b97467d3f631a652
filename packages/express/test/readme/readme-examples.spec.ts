/**
 * The README's examples, run as written — so the docs cannot rot silently.
 *
 * Every ```ts block of packages/express/README.md is copied here between `// readme: <name>` and
 * `// readme-end` markers. The first tests check that each README block is, apart from its import
 * declarations and its layout (see readme-source.ts), exactly one of these regions, that no region
 * is stale, and that every name a README block imports is imported by this file from the same
 * module. The other tests mount the regions in Express apps on 127.0.0.1 and call them over real
 * HTTP with tokens minted by @portcullis/testing: status codes, challenges, `req.auth`, and which
 * handlers ran.
 *
 * The README's key set URL (https://auth.example.com/jwks) is answered without any network by
 * test-support/key-set-fetch.ts. The rate-limiting recipe runs on the real `express-rate-limit` (an exact
 * devDependency of this package).
 *
 * The README's tables (middleware, options, errors) are compared with the code in
 * readme-tables.spec.ts.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import express from 'express';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer, TokenClaims } from '@portcullis/testing';
import {
  InMemoryRevocationStore,
  anyOf,
  authenticateRequest,
  createPortcullis,
  createProtectedResourceMetadata,
  portcullis,
  portcullisErrorHandler,
  portcullisRouter,
  protectedResourceMetadata,
  publicRoute,
  requireAuthentication,
  requireOwnership,
  requireRoles,
  requireRule,
  requireScopes,
  scopeQuery,
} from '@portcullis/express';
import type {
  AuditEvent,
  AuthenticatedRequest,
  OwnershipMiddleware,
  PortcullisMiddlewareOptions,
} from '@portcullis/express';
import { CountingRevocationStore } from '../../../../test-support/counting-revocation-store.js';
import { listen } from '../e2e/scenario-app.js';
import type { RunningServer } from '../e2e/scenario-app.js';
import { rawRequest, send } from '../support/http.js';
import cors from 'cors';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { ORDER_ROWS, createHandlers, createOrders } from './readme-fixtures.js';
import type { Order } from './readme-fixtures.js';
import { keySetFetch } from '../../../../test-support/key-set-fetch.js';
import { codeTokens, importedNames, regions, typescriptBlocks } from './readme-source.js';

const README_PATH = new URL('../../README.md', import.meta.url);
const SPEC_PATH = new URL(import.meta.url);

// ---------------------------------------------------------------------------------------------
// What the README's recipes take for granted: the API's identifiers, the gate's options, an app.

const issuer = 'https://auth.example.com';
const audience = 'https://api.example.com/orders';
const jwksUri = 'https://auth.example.com/jwks';
const options: PortcullisMiddlewareOptions = {
  issuer,
  audience,
  jwksUri,
  realm: 'orders',
  roleHierarchy: { admin: ['support'] },
};

const CHALLENGE = 'Bearer realm="orders"';
const invalidToken = (description: string, realm = 'orders') =>
  `Bearer realm="${realm}", error="invalid_token", error_description="${description}"`;
const insufficientScope = (scope: string) =>
  `Bearer realm="orders", error="insufficient_scope", error_description="The access token lacks a required scope", scope="${scope}"`;
const INVALID_REQUEST = 'Bearer realm="orders", error="invalid_request", error_description="The request is malformed"';

let authServer: TestIssuer;
const keyServer = keySetFetch();
const servers: RunningServer[] = [];

/** Listens on 127.0.0.1 until the end of this file. */
async function serve(app: express.Express): Promise<string> {
  const server = await listen(app);
  servers.push(server);
  return server.url;
}

/** A token of the README's authorization server: a customer of acme with `orders:read` unless told otherwise. */
const tokenOf = (sub: string, claims: TokenClaims = {}) =>
  authServer.token({ sub, org_id: 'acme', roles: ['customer'], scope: 'orders:read', ...claims });

beforeAll(async () => {
  authServer = await createTestIssuer({ issuer, audience, serve: 'none' });
  keyServer.serve(jwksUri, () => authServer.jwks);
  keyServer.install();
});
afterAll(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  keyServer.uninstall();
  await authServer.close();
});

// ---------------------------------------------------------------------------------------------

describe('the README and this file agree', () => {
  const readme = readFileSync(README_PATH, 'utf8');
  const spec = readFileSync(SPEC_PATH, 'utf8');
  const blocks = typescriptBlocks(readme);
  const specRegions = regions(spec);
  const specImports = importedNames(spec);

  it('finds the README blocks and as many regions, with distinct names', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(14);
    expect(specRegions.length).toBe(blocks.length);
    expect(new Set(specRegions.map((r) => r.name)).size).toBe(specRegions.length);
  });

  it.each(blocks.map((block, index) => [index + 1, block] as const))(
    'README ts block %i is a region of this file, and its imports are imported here',
    (_index, block) => {
      const tokens = codeTokens(block);
      // The region sharing the longest run of leading tokens: on a mismatch, the diff shows where they part.
      const shared = (other: string[]) => {
        let n = 0;
        while (n < tokens.length && other[n] === tokens[n]) n++;
        return n;
      };
      const closest = specRegions
        .map((region) => ({ region: region.name, tokens: codeTokens(region.body) }))
        .reduce((best, next) => (shared(next.tokens) > shared(best.tokens) ? next : best));
      expect(closest).toEqual({ region: closest.region, tokens });
      for (const { module, name } of importedNames(block)) {
        const imported = specImports.some((i) => i.module === module && i.name === name);
        expect([module, name, imported]).toEqual([module, name, true]);
      }
    },
  );

  it('has no region the README does not show', () => {
    const shown = blocks.map((block) => JSON.stringify(codeTokens(block)));
    for (const region of specRegions) {
      expect([region.name, shown.includes(JSON.stringify(codeTokens(region.body)))]).toEqual([region.name, true]);
    }
  });
});

// ---------------------------------------------------------------------------------------------

/** Getting started, steps 1–3, as one app. */
function gettingStarted(handlers: ReturnType<typeof createHandlers>, orders: ReturnType<typeof createOrders>) {
  const { listOrdersFor } = handlers;
  const deleteOrder = handlers.named('deleteOrder');
  const handler = handlers.named('handler');

  // readme: getting-started-register
  const app = express();
  app.use(
    portcullis({
      issuer: 'https://auth.example.com', // exact `iss`
      audience: 'https://api.example.com/orders', // this API
      jwksUri: 'https://auth.example.com/jwks',
      claims: { tenant: 'org_id' }, // or a preset: 'auth0', 'keycloak', …
      roleHierarchy: { admin: ['support'] },
      realm: 'orders',
      publicPaths: ['/health'], // the only paths that need no token
    }),
  );

  const api = portcullisRouter(); // deny by default
  // … routes (steps 2 and 3) …
  app.use(api);
  app.use(portcullisErrorHandler()); // after the routes, before your own error handler
  // readme-end

  // readme: getting-started-protect
  api.get('/health', publicRoute(), (req, res) => res.json({ ok: true }));
  api.get('/orders', requireScopes('orders:read'), (req, res) => {
    res.json(listOrdersFor(req.auth!.principal));
  });
  api.delete('/orders/:id', requireRoles('admin'), requireScopes('orders:write'), deleteOrder);
  api.get('/forgotten', handler); // 403 ERR_NO_RULE: no rule, not public
  // readme-end

  // readme: getting-started-ownership
  const ownOrder = requireOwnership<Order>({
    load: (req) => orders.findById(String(req.params.id)), // once per request; undefined when absent
    ownerOf: (order) => order.ownerId,
    tenantOf: (order) => order.orgId, // nobody crosses tenants
    allowRoles: ['support'], // support (and admin) see their org's orders
  });

  api.get('/orders/:id', requireScopes('orders:read'), ownOrder, (req, res) => {
    res.json(ownOrder.resource(req)); // typed Order, also on req.auth.resource
  });
  // readme-end

  return { app, ownOrder };
}

describe('Getting started', () => {
  const handlers = createHandlers();
  const orders = createOrders();
  let url: string;

  beforeAll(async () => {
    url = await serve(gettingStarted(handlers, orders).app);
  });
  beforeEach(() => handlers.reset());

  describe('1. the gate and the error handler', () => {
    it('answers a request without a token with 401 and the realm’s challenge; nothing after the gate runs', async () => {
      for (const path of ['/orders', '/forgotten', '/orders/o1', '/nowhere']) {
        const res = await send(`${url}${path}`);
        expect([path, res.status, res.headers.get('www-authenticate')]).toEqual([path, 401, CHALLENGE]);
        expect(res.headers.get('cache-control')).toBe('no-store');
        expect(res.body).toEqual({
          statusCode: 401,
          error: 'unauthorized',
          code: 'ERR_MISSING_TOKEN',
          message: 'Authentication required',
        });
      }
      expect(handlers.ran()).toEqual([]);
      expect(orders.loads()).toBe(0);
    });

    it('answers a bad token with 401 invalid_token and a malformed request with 400', async () => {
      const expired = await send(`${url}/orders`, { token: await authServer.badToken('expired') });
      expect(expired.status).toBe(401);
      expect(expired.headers.get('www-authenticate')).toBe(invalidToken('The access token expired'));
      expect(expired.body.code).toBe('ERR_TOKEN_EXPIRED');

      const otherIssuer = await send(`${url}/orders`, { token: await tokenOf('alice', { iss: `${issuer}/` }) });
      expect([otherIssuer.status, otherIssuer.body.code]).toEqual([401, 'ERR_CLAIM_INVALID']); // exact `iss`

      const alice = await tokenOf('alice');
      const twice = await rawRequest(`${url}/orders`, {
        headers: { authorization: [`Bearer ${alice}`, `Bearer ${alice}`] },
      });
      expect([twice.status, twice.headers['www-authenticate'], twice.body.code]).toEqual([
        400,
        INVALID_REQUEST,
        'ERR_INVALID_REQUEST',
      ]);
      const inQuery = await send(`${url}/orders?access_token=${alice}`);
      expect([inQuery.status, inQuery.body.code]).toEqual([400, 'ERR_INVALID_REQUEST']);
      expect(handlers.ran()).toEqual([]);
    });

    it('answers 503 with Retry-After while the key server cannot answer', async () => {
      keyServer.down = true;
      try {
        const fresh = await serve(gettingStarted(createHandlers(), createOrders()).app);
        const res = await send(`${fresh}/orders`, { token: await tokenOf('alice') });
        expect([res.status, res.body.code]).toEqual([503, 'ERR_KEYS_UNAVAILABLE']);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(res.headers.get('www-authenticate')).toBeNull();
      } finally {
        keyServer.down = false;
      }
    });

    it('sets req.auth to { principal, token }; publicPaths need no token', async () => {
      const ada = await tokenOf('ada', { roles: ['admin'], scope: 'orders:write' });
      const res = await send(`${url}/orders/o1`, { method: 'DELETE', token: ada });
      expect(res.status).toBe(200);
      expect(handlers.runs).toEqual([
        expect.objectContaining({ name: 'deleteOrder', subject: 'ada', authKeys: ['principal', 'token'] }),
      ]);

      const health = await send(`${url}/health`);
      expect([health.status, health.body]).toEqual([200, { ok: true }]);
    });
  });

  describe('2. protect a route', () => {
    it('lets a caller with the scope list their orders', async () => {
      const res = await send(`${url}/orders`, { token: await tokenOf('alice') });
      expect([res.status, res.body]).toEqual([200, [ORDER_ROWS[0]]]);
      expect(handlers.ran()).toEqual(['listOrdersFor']);
    });

    it('refuses a caller without the scope with 403 insufficient_scope, naming the scope', async () => {
      const res = await send(`${url}/orders`, { token: await tokenOf('alice', { scope: 'profile' }) });
      expect([res.status, res.body.code]).toEqual([403, 'ERR_INSUFFICIENT_SCOPE']);
      expect(res.headers.get('www-authenticate')).toBe(insufficientScope('orders:read'));
      expect(handlers.ran()).toEqual([]);
    });

    it('deletes only for an admin with orders:write: a role denial has no challenge, a scope denial has one', async () => {
      const customer = await send(`${url}/orders/o1`, {
        method: 'DELETE',
        token: await tokenOf('alice', { scope: 'orders:write' }),
      });
      expect([customer.status, customer.body.code, customer.headers.get('www-authenticate')]).toEqual([
        403,
        'ERR_FORBIDDEN',
        null,
      ]);
      const readOnlyAdmin = await send(`${url}/orders/o1`, {
        method: 'DELETE',
        token: await tokenOf('ada', { roles: ['admin'] }),
      });
      expect([readOnlyAdmin.status, readOnlyAdmin.headers.get('www-authenticate')]).toEqual([
        403,
        insufficientScope('orders:write'),
      ]);
      expect(handlers.ran()).toEqual([]);
    });

    it('refuses a route without a rule with 403 ERR_NO_RULE (401 first without a token)', async () => {
      const res = await send(`${url}/forgotten`, {
        token: await tokenOf('ada', { roles: ['admin'], scope: 'orders:read orders:write' }),
      });
      expect([res.status, res.body.code, res.headers.get('www-authenticate')]).toEqual([403, 'ERR_NO_RULE', null]);
      expect((await send(`${url}/forgotten`)).status).toBe(401);
      expect(handlers.ran()).toEqual([]);
    });
  });

  describe('3. check ownership', () => {
    it('gives the owner their order, loaded once', async () => {
      const loads = orders.loads();
      const res = await send(`${url}/orders/o1`, { token: await tokenOf('alice') });
      expect([res.status, res.body]).toEqual([200, ORDER_ROWS[0]]);
      expect(orders.loads()).toBe(loads + 1);
    });

    it('answers another user’s, another org’s and a missing order with the same 404', async () => {
      const alice = await tokenOf('alice');
      const answers = await Promise.all(
        ['o2', 'o3', 'nope'].map((id) => send(`${url}/orders/${id}`, { token: alice })),
      );
      for (const res of answers) {
        expect(res.status).toBe(404);
        expect(res.text).toBe(answers[0]!.text);
      }
      expect(answers[0]!.body.code).toBe('ERR_NOT_FOUND');
    });

    it('lets support (and admin, through the hierarchy) see their org’s orders, never another org’s', async () => {
      for (const [sub, roles] of [
        ['sam', ['support']],
        ['ada', ['admin']],
      ] as const) {
        const token = await tokenOf(sub, { roles: [...roles] });
        expect((await send(`${url}/orders/o2`, { token })).body).toEqual(ORDER_ROWS[1]);
        expect((await send(`${url}/orders/o3`, { token })).status).toBe(404);
      }
    });

    it('checks the scope before loading anything', async () => {
      const loads = orders.loads();
      const res = await send(`${url}/orders/o1`, { token: await tokenOf('alice', { scope: 'profile' }) });
      expect([res.status, res.body.code]).toEqual([403, 'ERR_INSUFFICIENT_SCOPE']);
      expect(orders.loads()).toBe(loads);
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('Recipes', () => {
  const handlers = createHandlers();
  const orders = createOrders();
  beforeEach(() => handlers.reset());

  it('public routes without a gate: a self-authenticating router', async () => {
    const app = express();
    const health = handlers.named('health');
    const list = handlers.named('list');
    const hook = handlers.named('hook');
    // readme: recipe-self-authenticating-router
    const portcullisInstance = createPortcullis({ issuer, audience, jwksUri, realm: 'orders' });
    const api = portcullisRouter({ portcullis: portcullisInstance });
    api.get('/health', publicRoute(), health); // no token needed, no publicPaths
    api.get('/orders', requireScopes('orders:read'), list);
    app.use(api, portcullisErrorHandler());
    // readme-end
    api.post('/hooks', publicRoute(), express.json(), hook); // the prose below the recipe
    const url = await serve(app);

    expect((await send(`${url}/health`)).status).toBe(200);
    const anonymous = await send(`${url}/orders`);
    expect([anonymous.status, anonymous.headers.get('www-authenticate')]).toEqual([401, CHALLENGE]);
    expect((await send(`${url}/orders`, { token: await tokenOf('alice', { scope: 'profile' }) })).status).toBe(403);
    expect((await send(`${url}/orders`, { token: await tokenOf('alice') })).status).toBe(200);
    const hooked = await send(`${url}/hooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"event":"paid"}',
    });
    expect(hooked.status).toBe(200);
    expect(handlers.runs).toEqual([
      expect.objectContaining({ name: 'health', subject: null }),
      expect.objectContaining({ name: 'list', subject: 'alice' }),
      expect.objectContaining({ name: 'hook', subject: null, body: { event: 'paid' } }),
    ]);
  });

  it('CORS: the preflight is answered before the gate; the challenge is exposed to the browser', async () => {
    const app = express();
    // readme: recipe-cors
    app.use(cors({ origin: 'https://app.example.com' }));
    app.use(portcullis(options));
    // readme-end
    app.get('/orders', requireScopes('orders:read'), handlers.named('orders'));
    app.use(portcullisErrorHandler());
    const url = await serve(app);
    const origin = { origin: 'https://app.example.com' };

    const preflight = await send(`${url}/orders`, {
      method: 'OPTIONS',
      headers: { ...origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization');

    const anonymous = await send(`${url}/orders`, { headers: origin });
    expect([anonymous.status, anonymous.headers.get('www-authenticate')]).toEqual([401, CHALLENGE]);
    expect(anonymous.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(anonymous.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate');

    expect((await send(`${url}/orders`, { headers: origin, token: await tokenOf('alice') })).status).toBe(200);
    expect(handlers.ran()).toEqual(['orders']);
  });

  it('protected-resource metadata: public before the gate, advertised in every 401 (RFC 9728)', async () => {
    const listOrders = handlers.named('listOrders');
    // readme: recipe-protected-resource-metadata
    const metadata = createProtectedResourceMetadata({
      resource: 'https://api.example.com/orders', // this API: the `aud` of its tokens
      authorizationServers: ['https://auth.example.com'],
      scopesSupported: ['orders:read', 'orders:write'],
    });
    // metadata.path: '/.well-known/oauth-protected-resource/orders'

    const app = express();
    app.use(protectedResourceMetadata(metadata)); // public: before the gate, no token needed
    app.use(
      portcullis({
        issuer: 'https://auth.example.com',
        audience: metadata.resource,
        jwksUri: 'https://auth.example.com/jwks',
        realm: 'orders',
        resourceMetadata: metadata.url, // every 401 points clients at the document
      }),
    );
    const api = portcullisRouter();
    api.get('/orders', requireScopes('orders:read'), listOrders);
    app.use(api);
    app.use(portcullisErrorHandler({ challenge: { realm: 'orders', resourceMetadata: metadata.url } }));
    // readme-end
    const url = await serve(app);
    const documentUrl = 'https://api.example.com/.well-known/oauth-protected-resource/orders';
    expect([metadata.path, metadata.url]).toEqual(['/.well-known/oauth-protected-resource/orders', documentUrl]);

    // The challenge the prose quotes, for a caller without a token and for a bad token.
    const anonymous = await send(`${url}/orders`);
    expect([anonymous.status, anonymous.headers.get('www-authenticate')]).toEqual([
      401,
      `Bearer realm="orders", resource_metadata="${documentUrl}"`,
    ]);
    const expired = await send(`${url}/orders`, { token: await authServer.badToken('expired') });
    expect(expired.headers.get('www-authenticate')).toBe(
      `${invalidToken('The access token expired')}, resource_metadata="${documentUrl}"`,
    );

    // The document, to anyone, with the headers the prose lists; HEAD without a body.
    const document = {
      resource: 'https://api.example.com/orders',
      authorization_servers: ['https://auth.example.com'],
      scopes_supported: ['orders:read', 'orders:write'],
      bearer_methods_supported: ['header'],
    };
    for (const token of [undefined, await authServer.badToken('expired'), await tokenOf('alice')]) {
      const res = await send(`${url}${new URL(documentUrl).pathname}`, { token });
      expect([res.status, res.body]).toEqual([200, document]);
      expect([
        res.headers.get('content-type'),
        res.headers.get('cache-control'),
        res.headers.get('access-control-allow-origin'),
        res.headers.get('x-content-type-options'),
      ]).toEqual(['application/json', 'public, max-age=3600', '*', 'nosniff']);
    }
    const head = await send(`${url}${metadata.path}`, { method: 'HEAD' });
    expect([head.status, head.text, head.headers.get('content-length')]).toEqual([
      200,
      '',
      String(Buffer.byteLength(metadata.body)),
    ]);
    // Other methods go on to the gate.
    expect((await send(`${url}${metadata.path}`, { method: 'POST' })).status).toBe(401);

    expect(handlers.ran()).toEqual([]);
    expect((await send(`${url}/orders`, { token: await tokenOf('alice') })).status).toBe(200);
    expect(handlers.ran()).toEqual(['listOrders']);
  });

  it('a rate limiter before the gate, keyed on the verified caller; the gate reuses the outcome', async () => {
    const store = new CountingRevocationStore('async');
    const events: AuditEvent[] = [];
    const app = express();
    {
      const options: PortcullisMiddlewareOptions = {
        issuer,
        audience,
        jwksUri,
        realm: 'orders',
        revocation: store,
        audit: (event) => void events.push(event),
      };
      // readme: recipe-rate-limit
      const gate = portcullis(options);
      app.use(
        rateLimit({
          windowMs: 60_000,
          limit: 100,
          keyGenerator: async (req) => {
            const ip = `ip:${ipKeyGenerator(req.ip ?? '')}`;
            if (req.headers.authorization === undefined) return ip;
            try {
              const { principal } = await authenticateRequest(gate, req);
              return `principal:${principal.issuer}:${principal.subject}`;
            } catch {
              return ip; // the gate answers this request with the same error
            }
          },
        }),
      );
      app.use(gate);
      // readme-end
    }
    app.get('/orders', requireScopes('orders:read'), handlers.named('orders'));
    app.use(portcullisErrorHandler());
    const url = await serve(app);
    const alice = await tokenOf('alice');

    // One verification and one revocation lookup per request, though the limiter and the gate both ask.
    expect((await send(`${url}/orders`, { token: alice })).status).toBe(200);
    expect(store.lookups).toBe(1);
    for (let i = 2; i <= 100; i++) expect((await send(`${url}/orders`, { token: alice })).status).toBe(200);
    expect(store.lookups).toBe(100);
    expect(handlers.runs.every((r) => r.subject === 'alice')).toBe(true);

    // The 101st request of alice is refused; bob, from the same IP address, is not.
    expect((await send(`${url}/orders`, { token: alice })).status).toBe(429);
    expect(handlers.ran()).toHaveLength(100);
    expect((await send(`${url}/orders`, { token: await tokenOf('bob') })).status).toBe(200);

    // Without a token, or with a bad one, the caller is keyed on the IP address and the gate
    // answers with the error authenticateRequest saw — audited once.
    const anonymous = await send(`${url}/orders`);
    expect([anonymous.status, anonymous.headers.get('www-authenticate')]).toEqual([401, CHALLENGE]);
    const expired = await send(`${url}/orders`, { token: await authServer.badToken('expired') });
    expect([expired.status, expired.headers.get('www-authenticate')]).toEqual([
      401,
      invalidToken('The access token expired'),
    ]);
    expect(events.filter((e) => e.reason === 'ERR_TOKEN_EXPIRED')).toHaveLength(1);
  });

  describe('behind the gate', () => {
    /** The README's `app` and `api`: the gate in front of a deny-by-default router. */
    async function gated(register: (api: ReturnType<typeof portcullisRouter>) => void): Promise<string> {
      const app = express();
      const api = portcullisRouter();
      app.use(portcullis(options));
      register(api);
      app.use(api, portcullisErrorHandler());
      return serve(app);
    }

    it('a router-level rule covers every route below it, nested routers included', async () => {
      const listAllOrders = handlers.named('listAllOrders');
      const url = await gated((api) => {
        // readme: recipe-router-level-rule
        const admin = portcullisRouter();
        admin.use(requireRoles('admin')); // covers every route below, and nested routers
        admin.get('/orders', listAllOrders);
        api.use('/admin', admin);
        // readme-end
        const reports = portcullisRouter();
        reports.get('/daily', handlers.named('daily'));
        admin.use('/reports', reports);
      });
      const ada = await tokenOf('ada', { roles: ['admin'] });
      const sam = await tokenOf('sam', { roles: ['support'] });
      expect((await send(`${url}/admin/orders`, { token: ada })).status).toBe(200);
      expect((await send(`${url}/admin/reports/daily`, { token: ada })).status).toBe(200);
      for (const path of ['/admin/orders', '/admin/reports/daily']) {
        const res = await send(`${url}${path}`, { token: sam });
        expect([path, res.status, res.body.code]).toEqual([path, 403, 'ERR_FORBIDDEN']);
      }
      expect((await send(`${url}/admin/orders`)).status).toBe(401);
      expect(handlers.ran()).toEqual(['listAllOrders', 'daily']);
    });

    it('lists only what the caller may see', async () => {
      const url = await gated((api) => {
        // readme: recipe-lists
        api.get('/orders', requireScopes('orders:read'), async (req, res) => {
          const where = scopeQuery(req.auth!.principal, {
            owner: 'ownerId',
            tenant: 'orgId',
            unrestrictedRoles: ['support'],
          });
          res.json(await orders.findMany(where)); // customers: own orders; support: their org's
        });
        // readme-end
      });
      const list = async (sub: string, claims: TokenClaims) =>
        (await send(`${url}/orders`, { token: await tokenOf(sub, claims) })).body;
      expect(await list('alice', {})).toEqual([ORDER_ROWS[0]]);
      expect(await list('sam', { roles: ['support'] })).toEqual([ORDER_ROWS[0], ORDER_ROWS[1]]);
      expect(await list('ada', { roles: ['admin'] })).toEqual([ORDER_ROWS[0], ORDER_ROWS[1]]);
      expect(await list('carol', { org_id: 'globex' })).toEqual([ORDER_ROWS[2]]);
    });

    it('alternatives: an admin, or a client holding orders:admin', async () => {
      const stats = handlers.named('stats');
      const url = await gated((api) => {
        // readme: recipe-alternatives
        api.get('/stats', requireRule(anyOf(requireRoles('admin').rule, requireScopes('orders:admin').rule)), stats);
        // readme-end
      });
      const ada = await tokenOf('ada', { roles: ['admin'] });
      const client = await authServer.token({ sub: 'reporting', client_id: 'reporting', scope: 'orders:admin' });
      expect((await send(`${url}/stats`, { token: ada })).status).toBe(200);
      expect((await send(`${url}/stats`, { token: client })).status).toBe(200);
      const alice = await send(`${url}/stats`, { token: await tokenOf('alice') });
      expect([alice.status, alice.headers.get('www-authenticate')]).toEqual([403, insufficientScope('orders:admin')]);
      expect(handlers.runs.map((r) => [r.name, r.subject])).toEqual([
        ['stats', 'ada'],
        ['stats', 'reporting'],
      ]);
    });

    it('typed handlers: the principal and the loaded resource from req.auth', async () => {
      const ownOrder: OwnershipMiddleware<Order> = gettingStarted(createHandlers(), orders).ownOrder;
      const url = await gated((api) => {
        // readme: recipe-typed-handlers
        api.get('/orders/:id', requireScopes('orders:read'), ownOrder, (req, res) => {
          const { principal, resource } = (req as AuthenticatedRequest<Order>).auth;
          res.json({ viewer: principal.subject, order: resource });
        });
        // readme-end
      });
      const alice = await tokenOf('alice');
      const res = await send(`${url}/orders/o1`, { token: alice });
      expect([res.status, res.body]).toEqual([200, { viewer: 'alice', order: ORDER_ROWS[0] }]);
      expect((await send(`${url}/orders/o2`, { token: alice })).status).toBe(404);
    });
  });

  it('logout: the presented token stops working at once; other tokens do not', async () => {
    const app = express();
    const api = portcullisRouter();
    api.get('/me', requireAuthentication(), handlers.named('me'));
    // readme: recipe-logout
    const revocation = new InMemoryRevocationStore();
    const gate = portcullis({ issuer, audience, jwksUri, revocation });
    api.post('/sessions/logout', requireAuthentication(), async (req, res) => {
      const { principal } = req.auth!;
      await revocation.revokeToken(principal.tokenId!, principal.expiresAt!);
      res.status(204).end();
    });
    // readme-end
    app.use(gate, api, portcullisErrorHandler());
    const url = await serve(app);
    const token = await tokenOf('alice');
    const other = await tokenOf('alice');

    expect((await send(`${url}/me`, { token })).status).toBe(200);
    expect((await send(`${url}/sessions/logout`, { method: 'POST', token })).status).toBe(204);
    const after = await send(`${url}/me`, { token });
    expect([after.status, after.body.code]).toEqual([401, 'ERR_TOKEN_REVOKED']);
    expect(after.headers.get('www-authenticate')).toBe(invalidToken('The access token was revoked', 'api'));
    expect((await send(`${url}/sessions/logout`, { method: 'POST', token })).status).toBe(401);
    expect((await send(`${url}/me`, { token: other })).status).toBe(200);
    expect(handlers.ran()).toEqual(['me', 'me']);
  });

  it('tests: real tokens from @portcullis/testing against a real server', async () => {
    // The README's `app` is mounted in a served app whose /orders route comes after it.
    const app = express();
    const served = express();
    served.use(app);
    served.get('/orders', requireScopes('orders:read'), handlers.named('orders'));
    served.use(portcullisErrorHandler());
    const url = await serve(served);
    // readme: recipe-tests
    const issuer = await createTestIssuer();
    app.use(portcullis({ ...issuer.verifierOptions(), realm: 'orders' }));
    const token = await issuer.token({ sub: 'alice', scope: 'orders:read' });
    const res = await fetch(`${url}/orders`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    await issuer.close();
    // readme-end
    expect(handlers.runs).toEqual([expect.objectContaining({ name: 'orders', subject: 'alice' })]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('Migrating', () => {
  const handlers = createHandlers();
  const orders = createOrders();
  beforeEach(() => handlers.reset());

  it('from express-jwt: the same API, deny by default, with RFC 6750 answers', async () => {
    const app = express();
    const { list } = handlers;
    // readme: migrating-express-jwt
    app.use(
      portcullis({
        jwksUri: 'https://auth.example.com/jwks', // cached, single-flight, stale-if-error

        audience: 'https://api.example.com/orders',
        issuer: 'https://auth.example.com/',
        // asymmetric algorithms only by default; typ at+jwt enforced
        revocation: new InMemoryRevocationStore(), // or a Redis-backed store

        publicPaths: ['/health'],
      }),
    );
    const api = portcullisRouter(); // routes without a rule: 403
    api.get(
      '/orders',
      requireScopes('orders:read'), // 403 + insufficient_scope challenge
      (req, res) => res.json(list(req.auth!.principal.subject)),
    );
    app.use(api);

    app.use(portcullisErrorHandler()); // 400/401/403/404/503 per RFC 6750
    // readme-end
    const url = await serve(app);
    const iss = 'https://auth.example.com/';

    const ok = await send(`${url}/orders`, { token: await tokenOf('alice', { iss }) });
    expect([ok.status, ok.body]).toEqual([200, [ORDER_ROWS[0]]]);
    const noScope = await send(`${url}/orders`, { token: await tokenOf('alice', { iss, scope: 'profile' }) });
    expect([noScope.status, noScope.headers.get('www-authenticate')]).toEqual([
      403,
      'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a required scope", scope="orders:read"',
    ]);
    const notAtJwt = await authServer.token({ iss, sub: 'alice', scope: 'orders:read' }, { typ: 'JWT' });
    expect((await send(`${url}/orders`, { token: notAtJwt })).body.code).toBe('ERR_INVALID_TOKEN_TYPE');
    expect((await send(`${url}/orders`, { token: await tokenOf('alice') })).status).toBe(401); // iss without the slash
    expect((await send(`${url}/orders`)).status).toBe(401);
    expect((await send(`${url}/health`)).status).toBe(404); // public: no 401, and no route here
    expect(handlers.ran()).toEqual(['list']);
  });

  it('from express-oauth2-jwt-bearer: scopes, roles and ownership', async () => {
    const app = express();
    const { list } = handlers;
    const health = handlers.named('health');
    const listAll = handlers.named('listAll');
    // readme: migrating-express-oauth2-jwt-bearer
    app.use(
      portcullis({
        issuer: 'https://auth.example.com', // exact iss
        jwksUri: 'https://auth.example.com/jwks',
        audience: 'https://api.example.com/orders',
        publicPaths: ['/health'],
      }),
    );
    const api = portcullisRouter();
    api.get('/health', publicRoute(), health);
    api.get('/orders', requireScopes('orders:read'), (req, res) => res.json(list(req.auth!.principal.subject)));
    api.get(
      '/admin/orders',
      requireRoles('admin'), // with the role hierarchy
      listAll,
    );
    const own = requireOwnership<Order>({
      load: (req) => orders.find(String(req.params.id)),
      ownerOf: (o) => o.ownerId,
    });
    api.get('/orders/:id', requireScopes('orders:read'), own, (req, res) => res.json(own.resource(req)));
    app.use(api, portcullisErrorHandler());
    // readme-end
    const url = await serve(app);
    const alice = await tokenOf('alice');

    expect((await send(`${url}/health`)).status).toBe(200);
    expect((await send(`${url}/orders`, { token: alice })).body).toEqual([ORDER_ROWS[0]]);
    expect((await send(`${url}/admin/orders`, { token: await tokenOf('ada', { roles: ['admin'] }) })).status).toBe(200);
    const customer = await send(`${url}/admin/orders`, { token: alice });
    expect([customer.status, customer.body.code]).toEqual([403, 'ERR_FORBIDDEN']);
    expect((await send(`${url}/orders/o1`, { token: alice })).body).toEqual(ORDER_ROWS[0]);
    for (const id of ['o2', 'nope']) expect((await send(`${url}/orders/${id}`, { token: alice })).status).toBe(404);
    expect(handlers.ran()).toEqual(['health', 'list', 'listAll']);
  });
});
