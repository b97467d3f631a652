// Black-box end-to-end suite of the reference orders API: the real app (createOrdersApi, as
// main.ts builds it) on 127.0.0.1, tokens from a local issuer whose discovery document and JWKS
// are served on loopback (AUTH_ISSUER = the issuer, JWKS discovered), walked route by route with
// the contract's principals (asPrincipal from @portcullis/testing). The same suite runs on embedded
// PGlite (memory://) and, when TEST_DATABASE_URL is set, on PostgreSQL. The access table alone, as
// an authorizationMatrix, is in ../access-matrix.
//
// Truth table (ARCHITECTURE.md "Reference app contract"; a = acme, g = globex):
//
// | route                             | anon | alice (a) | bob (a) | carol (g) | sam support(a) | ada admin(a) | fulfilment |
// | --------------------------------- | ---- | --------- | ------- | --------- | -------------- | ------------ | ---------- |
// | GET /health                       | 200  | 200       | 200     | 200       | 200            | 200          | 200        |
// | GET /orders                       | 401  | own       | own     | own       | acme + intern. | acme + int.  | 403 scope  |
// | GET /orders/:id (alice's)         | 401  | 200       | 404     | 404       | 200 + internal | 200 + int.   | 403 scope  |
// | POST /orders                      | 401  | 201       | 201     | 201       | 201            | 201          | 403 scope  |
// | POST /orders/:id/cancel (alice's) | 401  | 200/409   | 404     | 404       | 404            | 404          | 403 scope  |
// | DELETE /orders/:id (acme order)   | 401  | 403 role  | 403     | 403       | 403 role       | 204          | 403 scope  |
// | DELETE /orders/:id (globex order) | 401  | 403       | 403     | 403       | 403            | 404          | 403 scope  |
// | GET /internal/orders/:id          | 401  | 403 scope | 403     | 403       | 403 scope      | 403 scope    | 200        |
// | POST /internal/orders/:id/fulfil  | 401  | 403 scope | 403     | 403       | 403 scope      | 403 scope    | 200/409    |
// | POST /sessions/logout             | 401  | 204       | 204     | 204       | 204            | 204          | 204        |
// | POST /admin/users/:sub/revoke-... | 401  | 403 role  | 403     | 403       | 403 role       | 204          | 403        |
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { asPrincipal, createTestIssuer } from '@portcullis/testing';
import type { TestIssuer, TestPrincipal, TokenClaims, TokenOptions } from '@portcullis/testing';
import request from 'supertest';
import { DEFAULT_AUDIENCE } from '../../../src/config/app-config.js';
import { seedOrderId } from '../../../src/database/seed.js';
import { LogCapture } from '../../../../../test-support/log-capture.js';
import { PRINCIPALS } from '../../support/principals.js';
import type { PrincipalName } from '../../support/principals.js';
import { insufficientScopeChallenge, invalidTokenChallenge, MISSING_TOKEN_CHALLENGE, RESOURCE_METADATA_URL } from '../../support/challenges.js';
import { startOrdersApi } from '../../support/start-orders-api.js';
import type { RunningApi } from '../../support/start-orders-api.js';
import { testDatabases } from '../../support/test-databases.js';

const REALM = MISSING_TOKEN_CHALLENGE;
const invalidToken = invalidTokenChallenge;
const insufficientScope = insufficientScopeChallenge;

const ALICE_1 = seedOrderId('alice', 1); // pending
const ALICE_2 = seedOrderId('alice', 2); // fulfilled
const BOB_1 = seedOrderId('bob', 1);
const CAROL_1 = seedOrderId('carol', 1);
const MISSING = 'ord_AAAAAAAAAAAAAAAAAAAAAA';

const logs = new LogCapture();
const minted: string[] = [];
let issuer: TestIssuer;
/** The contract's principals as callers (@portcullis/testing's asPrincipal): real tokens from the local issuer. */
const principals = {} as Record<PrincipalName, TestPrincipal>;

/** The issuer the principals mint through: every token is kept for the log grep at the end. */
const recordingIssuer = {
  async token(claims?: TokenClaims, options?: TokenOptions): Promise<string> {
    const token = await issuer.token(claims, options);
    minted.push(token);
    return token;
  },
};

beforeAll(async () => {
  issuer = await createTestIssuer({ audience: DEFAULT_AUDIENCE });
  for (const name of Object.keys(PRINCIPALS) as PrincipalName[]) principals[name] = asPrincipal(recordingIssuer, PRINCIPALS[name]);
});

afterAll(async () => {
  await issuer?.close();
});

describe.each(testDatabases())('orders API on $name', (target) => {
  let api: RunningApi;
  let dispose: () => Promise<void>;
  const tokens = {} as Record<PrincipalName, string>;

  const call = (method: 'get' | 'post' | 'delete', path: string, who?: PrincipalName | { token: string }) => {
    const req = request(api.url)[method](path);
    if (who === undefined) return req;
    return req.set('authorization', `Bearer ${typeof who === 'string' ? tokens[who] : who.token}`);
  };

  beforeAll(async () => {
    const created = await target.create();
    dispose = created.dispose;
    api = await startOrdersApi({ issuer: issuer.issuer, database: created.config, logs, clock: () => issuer.clock.now() });
    for (const name of Object.keys(PRINCIPALS) as PrincipalName[]) tokens[name] = await principals[name].token();
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await dispose?.();
  });

  describe('public and anonymous access', () => {
    it('GET /health is public and reports the key set and the database', async () => {
      const res = await call('get', '/health').expect(200);
      expect(res.body).toMatchObject({
        status: 'ok',
        keys: { state: 'fresh', keyCount: 3 },
        database: { engine: target.name.startsWith('PGlite') ? 'pglite' : 'postgres', state: 'up' },
      });
    });

    it('GET /.well-known/oauth-protected-resource/orders is public: the RFC 9728 document the challenges point to', async () => {
      const missing = await call('get', '/orders').expect(401);
      const advertised = /resource_metadata="([^"]+)"/.exec(missing.headers['www-authenticate'] ?? '')?.[1];
      expect(advertised).toBe(RESOURCE_METADATA_URL);
      // A client fetches the advertised path (here on the test server's origin) and checks `resource`
      // against the identifier it asked for (RFC 9728 §3.3): the audience of this API's tokens.
      for (const who of [undefined, 'alice', { token: 'not-a-token' }] as const) {
        const res = await call('get', new URL(advertised!).pathname, who).expect(200);
        expect(res.headers['content-type']).toBe('application/json');
        expect(res.headers['cache-control']).toBe('public, max-age=3600');
        expect(res.body).toEqual({
          resource: DEFAULT_AUDIENCE,
          authorization_servers: [issuer.issuer],
          scopes_supported: ['orders:read', 'orders:write', 'orders:fulfil'],
          bearer_methods_supported: ['header'],
          resource_name: 'Portcullis orders API',
        });
      }
      // Read-only: any other method is not the document.
      expect((await call('post', new URL(advertised!).pathname)).status).not.toBe(200);
    });

    it.each([
      ['get', '/orders'],
      ['get', `/orders/${ALICE_1}`],
      ['post', '/orders'],
      ['post', `/orders/${ALICE_1}/cancel`],
      ['delete', `/orders/${ALICE_1}`],
      ['get', `/internal/orders/${ALICE_1}`],
      ['post', `/internal/orders/${ALICE_1}/fulfil`],
      ['post', '/sessions/logout'],
      ['post', '/admin/users/bob/revoke-tokens'],
    ] as const)('%s %s without a token: 401 with a bare Bearer challenge', async (method, path) => {
      const res = await call(method, path).expect(401);
      expect(res.headers['www-authenticate']).toBe(REALM);
      expect(res.body).toEqual({ statusCode: 401, error: 'unauthorized', code: 'ERR_MISSING_TOKEN', message: 'Authentication required' });
    });

    it('refuses expired, tampered, foreign-audience and ID tokens with 401 invalid_token', async () => {
      const cases: [string, string][] = [
        [await issuer.badToken('expired', principals.alice.claims), 'The access token expired'],
        [await issuer.badToken('tampered-signature', principals.alice.claims), 'The access token signature is invalid'],
        [await issuer.badToken('wrong-audience', principals.alice.claims), 'The access token claims are invalid'],
        [await issuer.badToken('id-token', principals.alice.claims), 'The token is not an access token'],
      ];
      for (const [token, description] of cases) {
        minted.push(token);
        const res = await call('get', '/orders', { token }).expect(401);
        expect(res.headers['www-authenticate']).toBe(invalidToken(description));
      }
    });
  });

  describe('scopes and roles', () => {
    it('answers 403 insufficient_scope naming the missing scope', async () => {
      let res = await call('get', '/orders', 'fulfilment').expect(403);
      expect(res.headers['www-authenticate']).toBe(insufficientScope('orders:read'));
      expect(res.body.code).toBe('ERR_INSUFFICIENT_SCOPE');

      const readOnly = await principals.alice.with({ scope: 'orders:read' }).token();
      res = await call('post', '/orders', { token: readOnly }).send({ items: [{ sku: 'A-1', qty: 1, priceCents: 1 }] }).expect(403);
      expect(res.headers['www-authenticate']).toBe(insufficientScope('orders:write'));

      res = await call('get', `/internal/orders/${ALICE_1}`, 'alice').expect(403);
      expect(res.headers['www-authenticate']).toBe(insufficientScope('orders:fulfil'));

      const adaReadOnly = await principals.ada.with({ scope: 'orders:read' }).token();
      res = await call('delete', `/orders/${BOB_1}`, { token: adaReadOnly }).expect(403);
      expect(res.headers['www-authenticate']).toBe(insufficientScope('orders:write'));
    });

    it('answers 403 without a challenge when a role or the principal kind does not fit', async () => {
      for (const who of ['alice', 'sam'] as const) {
        const res = await call('delete', `/orders/${ALICE_1}`, who).expect(403);
        expect(res.body.code).toBe('ERR_FORBIDDEN');
        expect(res.headers['www-authenticate']).toBeUndefined();
        const revoke = await call('post', '/admin/users/carol/revoke-tokens', who).expect(403);
        expect(revoke.body.code).toBe('ERR_FORBIDDEN');
      }
      // A user token carrying orders:fulfil is still not the fulfilment service.
      const adaFulfil = await principals.ada.with({ scope: 'orders:fulfil' }).token();
      const res = await call('get', `/internal/orders/${ALICE_1}`, { token: adaFulfil }).expect(403);
      expect(res.body.code).toBe('ERR_FORBIDDEN');
      // A machine client with user scopes is not a user of an org.
      const client = await principals.fulfilment.with({ scope: 'orders:read orders:write' }).token();
      await call('get', '/orders', { token: client }).expect(403);
      await call('post', '/orders', { token: client }).send({ items: [{ sku: 'A-1', qty: 1, priceCents: 1 }] }).expect(403);
    });

    it('ignores role, scope and tenant claims smuggled in headers or the query', async () => {
      const res = await call('get', '/orders', 'alice')
        .set('x-roles', 'admin')
        .set('x-user-role', 'support')
        .set('x-tenant-id', 'globex')
        .set('x-scopes', 'orders:fulfil')
        .expect(200);
      expect(new Set(res.body.data.map((o: { ownerId: string }) => o.ownerId))).toEqual(new Set(['alice']));
      await call('delete', `/orders/${BOB_1}`, 'alice').set('x-roles', 'admin').expect(403);
    });
  });

  describe('list scoping (in the query)', () => {
    const ownersOf = (body: { data: { ownerId: string; orgId: string }[] }) => new Set(body.data.map((o) => `${o.orgId}/${o.ownerId}`));

    it('customers see their own orders only, without internal fields', async () => {
      for (const [who, expected] of [
        ['alice', 'acme/alice'],
        ['bob', 'acme/bob'],
        ['carol', 'globex/carol'],
      ] as const) {
        const res = await call('get', '/orders', who).expect(200);
        expect(ownersOf(res.body)).toEqual(new Set([expected]));
        for (const order of res.body.data) {
          expect(Object.keys(order).sort()).toEqual(['createdAt', 'id', 'items', 'orgId', 'ownerId', 'status', 'totalCents']);
        }
        expect(res.body).toHaveProperty('nextCursor', null);
      }
    });

    it('support and admin see every order of their own org, with internal fields', async () => {
      for (const who of ['sam', 'ada'] as const) {
        const res = await call('get', '/orders', who).expect(200);
        expect(ownersOf(res.body)).toEqual(new Set(['acme/alice', 'acme/bob']));
        const bob = res.body.data.find((o: { id: string }) => o.id === BOB_1);
        expect(bob).toMatchObject({ internalNote: 'Two chargebacks in 2025; verify address', riskScore: 78 });
      }
    });

    it('refuses filters and page sizes outside the contract (SPEC 109, 115)', async () => {
      for (const query of ['limit=1000000', 'limit=-1', 'limit=1e9', 'limit=0', 'limit=101', 'limit=abc', 'limit=1.5', 'limit=1&limit=2', 'ownerId=bob', 'orgId=globex', 'cursor=not-a-cursor']) {
        const res = await call('get', `/orders?${query}`, 'alice').expect(400);
        expect(res.body).toMatchObject({ statusCode: 400, code: 'ERR_VALIDATION' });
        expect(res.body.issues.length).toBeGreaterThan(0);
      }
    });

    it('paginates with an opaque cursor (limit default 20, max 100)', async () => {
      const all = (await call('get', '/orders?limit=100', 'sam').expect(200)).body.data.map((o: { id: string }) => o.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: request.Response = await call('get', `/orders?limit=1${cursor ? `&cursor=${cursor}` : ''}`, 'sam').expect(200);
        expect(res.body.data).toHaveLength(1);
        seen.push(res.body.data[0].id);
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all);
      // A cursor taken from sam's (org-wide) list does not widen alice's list.
      const samPage = await call('get', '/orders?limit=1', 'sam').expect(200);
      const alicePage = await call('get', `/orders?cursor=${samPage.body.nextCursor}`, 'alice').expect(200);
      expect(ownersOf(alicePage.body)).toEqual(new Set(alicePage.body.data.length ? ['acme/alice'] : []));
    });
  });

  describe('GET /orders/:id (ownership and tenant, IDOR)', () => {
    it('lets the owner read an order, without internal fields', async () => {
      const res = await call('get', `/orders/${ALICE_1}`, 'alice').expect(200);
      expect(res.body).toEqual({
        id: ALICE_1,
        orgId: 'acme',
        ownerId: 'alice',
        items: [{ sku: 'BOOK-001', qty: 2, priceCents: 1299 }],
        totalCents: 2598,
        status: expect.any(String),
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
    });

    it('lets support and admin of the same org read it, with internal fields', async () => {
      for (const who of ['sam', 'ada'] as const) {
        const res = await call('get', `/orders/${ALICE_1}`, who).expect(200);
        expect(res.body).toMatchObject({ id: ALICE_1, internalNote: 'Loyal customer since 2019', riskScore: 4 });
      }
    });

    it('answers 404 — identical to a missing order — across users and orgs', async () => {
      const missing = await call('get', `/orders/${MISSING}`, 'alice').expect(404);
      expect(missing.body).toEqual({ statusCode: 404, error: 'not_found', code: 'ERR_NOT_FOUND', message: 'Not found' });
      expect(missing.headers['www-authenticate']).toBeUndefined();
      const attempts: [PrincipalName, string][] = [
        ['alice', BOB_1],
        ['bob', ALICE_1],
        ['alice', CAROL_1],
        ['carol', ALICE_1],
        ['sam', CAROL_1],
        ['ada', CAROL_1],
        ['alice', 'not-an-order-id'],
        ['alice', "ord_' or '1'='1"],
      ];
      for (const [who, id] of attempts) {
        const res = await call('get', `/orders/${encodeURIComponent(id)}`, who).expect(404);
        expect(res.body).toEqual(missing.body);
        expect(res.headers['www-authenticate']).toBeUndefined();
      }
    });

    it('answers 403 insufficient_scope to the fulfilment client', async () => {
      const res = await call('get', `/orders/${ALICE_1}`, 'fulfilment').expect(403);
      expect(res.headers['www-authenticate']).toBe(insufficientScope('orders:read'));
    });
  });

  describe('POST /orders', () => {
    const valid = { items: [{ sku: 'BOOK-001', qty: 2, priceCents: 1299 }, { sku: 'PEN-9', qty: 3, priceCents: 150 }] };

    it('creates an order owned by the caller, in the caller\'s org', async () => {
      const res = await call('post', '/orders', 'carol').send(valid).expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^ord_[A-Za-z0-9_-]{22}$/),
        orgId: 'globex',
        ownerId: 'carol',
        items: valid.items,
        totalCents: 2 * 1299 + 3 * 150,
        status: 'pending',
        createdAt: expect.any(String),
      });
      const back = await call('get', `/orders/${res.body.id}`, 'carol').expect(200);
      expect(back.body).toEqual(res.body);
      await call('get', `/orders/${res.body.id}`, 'alice').expect(404);
    });

    it.each([
      ['ownerId', { ...valid, ownerId: 'bob' }],
      ['orgId', { ...valid, orgId: 'globex' }],
      ['status', { ...valid, status: 'fulfilled' }],
      ['totalCents', { ...valid, totalCents: 0 }],
      ['id', { ...valid, id: 'ord_AAAAAAAAAAAAAAAAAAAAAA' }],
      ['internalNote', { ...valid, internalNote: 'vip' }],
      ['items[0].ownerId', { items: [{ sku: 'A-1', qty: 1, priceCents: 1, ownerId: 'bob' }] }],
    ])('refuses mass assignment of %s with 400', async (field, body) => {
      const res = await call('post', '/orders', 'alice').send(body).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'ERR_VALIDATION' });
      expect(JSON.stringify(res.body.issues)).toContain(field.replace(/^items\[0\]\./, ''));
    });

    it.each([
      ['qty as a string', { items: [{ sku: 'A-1', qty: '2', priceCents: 1 }] }],
      ['zero qty', { items: [{ sku: 'A-1', qty: 0, priceCents: 1 }] }],
      ['negative qty', { items: [{ sku: 'A-1', qty: -1, priceCents: 1 }] }],
      ['fractional qty', { items: [{ sku: 'A-1', qty: 1.5, priceCents: 1 }] }],
      ['negative price', { items: [{ sku: 'A-1', qty: 1, priceCents: -1 }] }],
      ['huge price', { items: [{ sku: 'A-1', qty: 1, priceCents: 1e15 }] }],
      ['empty sku', { items: [{ sku: '', qty: 1, priceCents: 1 }] }],
      ['missing sku', { items: [{ qty: 1, priceCents: 1 }] }],
      ['no items', { items: [] }],
      ['no body fields', {}],
      ['an array body', [{ sku: 'A-1', qty: 1, priceCents: 1 }]],
    ])('refuses %s with 400', async (_label, body) => {
      const res = await call('post', '/orders', 'alice').send(body as object).expect(400);
      expect(res.body.code).toBe('ERR_VALIDATION');
    });

    it('refuses malformed JSON and non-JSON bodies with 400', async () => {
      let res = await call('post', '/orders', 'alice').set('content-type', 'application/json').send('{"items": [').expect(400);
      expect(res.body).toEqual({ statusCode: 400, error: 'bad_request', code: 'ERR_VALIDATION', message: 'The request is invalid' });
      res = await call('post', '/orders', 'alice').set('content-type', 'text/plain').send('items').expect(400);
      expect(res.body.code).toBe('ERR_VALIDATION');
    });

    it('refuses bodies over 16 KiB with 413', async () => {
      const items = Array.from({ length: 400 }, (_, i) => ({ sku: `SKU-${i}-${'x'.repeat(30)}`, qty: 1, priceCents: 1 }));
      expect(JSON.stringify({ items }).length).toBeGreaterThan(16 * 1024);
      const res = await call('post', '/orders', 'alice').send({ items }).expect(413);
      expect(res.body).toEqual({
        statusCode: 413,
        error: 'payload_too_large',
        code: 'ERR_PAYLOAD_TOO_LARGE',
        message: 'The request body is too large',
      });
    });
  });

  describe('POST /orders/:id/cancel', () => {
    it('lets the owner cancel a pending order once (then 409)', async () => {
      const created = await call('post', '/orders', 'bob').send({ items: [{ sku: 'CUP-1', qty: 1, priceCents: 500 }] }).expect(201);
      for (const who of ['alice', 'carol', 'sam', 'ada'] as const) {
        await call('post', `/orders/${created.body.id}/cancel`, who).expect(404);
      }
      const res = await call('post', `/orders/${created.body.id}/cancel`, 'bob').expect(200);
      expect(res.body).toMatchObject({ id: created.body.id, status: 'cancelled' });
      const again = await call('post', `/orders/${created.body.id}/cancel`, 'bob').expect(409);
      expect(again.body).toMatchObject({ statusCode: 409, error: 'conflict', code: 'ERR_CONFLICT' });
    });

    it('answers 409 for an order that is no longer pending, 404 for ids nobody may see', async () => {
      await call('post', `/orders/${ALICE_2}/cancel`, 'alice').expect(409);
      await call('post', `/orders/${MISSING}/cancel`, 'alice').expect(404);
      await call('post', `/orders/${CAROL_1}/cancel`, 'alice').expect(404);
    });
  });

  describe('DELETE /orders/:id', () => {
    it('lets an admin delete an order of the own org; other orgs get 404', async () => {
      const created = await call('post', '/orders', 'bob').send({ items: [{ sku: 'MUG-2', qty: 1, priceCents: 800 }] }).expect(201);
      await call('delete', `/orders/${CAROL_1}`, 'ada').expect(404);
      await call('delete', `/orders/${MISSING}`, 'ada').expect(404);
      await call('delete', `/orders/${created.body.id}`, 'ada').expect(204);
      await call('get', `/orders/${created.body.id}`, 'bob').expect(404);
      await call('delete', `/orders/${created.body.id}`, 'ada').expect(404);
      // The globex order is still there.
      await call('get', `/orders/${CAROL_1}`, 'carol').expect(200);
    });
  });

  describe('internal routes (fulfilment client)', () => {
    it('reads any order without internal fields and fulfils a pending one once', async () => {
      const created = await call('post', '/orders', 'carol').send({ items: [{ sku: 'INK-3', qty: 2, priceCents: 700 }] }).expect(201);
      const read = await call('get', `/internal/orders/${created.body.id}`, 'fulfilment').expect(200);
      expect(read.body).toEqual(created.body);
      const done = await call('post', `/internal/orders/${created.body.id}/fulfil`, 'fulfilment').expect(200);
      expect(done.body).toMatchObject({ id: created.body.id, status: 'fulfilled' });
      expect(done.body).not.toHaveProperty('internalNote');
      await call('post', `/internal/orders/${created.body.id}/fulfil`, 'fulfilment').expect(409);
      await call('post', `/orders/${created.body.id}/cancel`, 'carol').expect(409);
      await call('get', `/internal/orders/${MISSING}`, 'fulfilment').expect(404);
      await call('post', `/internal/orders/not-an-id/fulfil`, 'fulfilment').expect(404);
      const carolRead = await call('get', `/internal/orders/${BOB_1}`, 'carol').expect(403);
      expect(carolRead.headers['www-authenticate']).toBe(insufficientScope('orders:fulfil'));
    });
  });

  describe('revocation', () => {
    it('POST /sessions/logout revokes the presented token only', async () => {
      const session = await principals.alice.token();
      const other = await principals.alice.token();
      await call('get', '/orders', { token: session }).expect(200);
      await call('post', '/sessions/logout', { token: session }).expect(204);
      const res = await call('get', '/orders', { token: session }).expect(401);
      expect(res.headers['www-authenticate']).toBe(invalidToken('The access token was revoked'));
      expect(res.body.code).toBe('ERR_TOKEN_REVOKED');
      await call('post', '/sessions/logout', { token: session }).expect(401);
      await call('get', '/orders', { token: other }).expect(200);
      // Any valid token may log out, a machine client's too.
      const client = await principals.fulfilment.token();
      await call('post', '/sessions/logout', { token: client }).expect(204);
      await call('get', `/internal/orders/${BOB_1}`, { token: client }).expect(401);
    });

    it('POST /admin/users/:sub/revoke-tokens revokes every token issued up to this second, inclusive', async () => {
      issuer.clock.freeze(Math.floor(Date.now() / 1000) * 1000 + 200);
      try {
        const before = await principals.bob.token();
        await call('get', '/orders', { token: before }).expect(200);
        await call('post', '/admin/users/bob/revoke-tokens', 'ada').expect(204);
        const sameSecond = await principals.bob.token(); // iat = the revocation second
        for (const token of [before, sameSecond]) {
          const res = await call('get', '/orders', { token }).expect(401);
          expect(res.headers['www-authenticate']).toBe(invalidToken('The access token was revoked'));
        }
        await call('get', '/orders', 'alice').expect(200); // other subjects unaffected
        issuer.clock.advance(1);
        const after = await principals.bob.token();
        await call('get', '/orders', { token: after }).expect(200);
      } finally {
        issuer.clock.unfreeze();
      }
    });

    it("reaches only the admin's own organisation: another org's user keeps working", async () => {
      issuer.clock.freeze(Math.floor(Date.now() / 1000) * 1000 + 200);
      try {
        const carol = await principals.carol.token(); // globex
        const bobForGlobex = await principals.bob.with({ org_id: 'globex' }).token();
        // ada is acme's admin: the call succeeds (no user directory says who carol is) but cannot touch globex tokens.
        await call('post', '/admin/users/carol/revoke-tokens', 'ada').expect(204);
        await call('post', '/admin/users/bob/revoke-tokens', 'ada').expect(204);
        await call('get', '/orders', { token: carol }).expect(200);
        await call('get', '/orders', { token: await principals.carol.token() }).expect(200);
        await call('get', '/orders', { token: bobForGlobex }).expect(200);
        // The same call does revoke bob's acme tokens.
        const res = await call('get', '/orders', { token: await principals.bob.token() }).expect(401);
        expect(res.headers['www-authenticate']).toBe(invalidToken('The access token was revoked'));
      } finally {
        issuer.clock.unfreeze();
      }
    });

    it('cannot reach a principal without an organisation: the shared fulfilment service keeps working', async () => {
      issuer.clock.freeze(Math.floor(Date.now() / 1000) * 1000 + 200);
      try {
        const service = await principals.fulfilment.token(); // client credentials, no org_id
        // The service serves every organisation: an org admin knocking it out would disrupt them all.
        await call('post', '/admin/users/fulfilment-service/revoke-tokens', 'ada').expect(204);
        await call('get', `/internal/orders/${CAROL_1}`, { token: service }).expect(200);
        await call('get', `/internal/orders/${CAROL_1}`, { token: await principals.fulfilment.token() }).expect(200);
        // Nor a user token that carries no org_id (it is refused by the org routes, but logout still works).
        const orgless = await asPrincipal(recordingIssuer, { sub: 'dave', client_id: 'orders-web', scope: 'orders:read', roles: ['customer'] }).token();
        await call('post', '/admin/users/dave/revoke-tokens', 'ada').expect(204);
        await call('post', '/sessions/logout', { token: orgless }).expect(204);
      } finally {
        issuer.clock.unfreeze();
      }
    });

    it('validates the subject', async () => {
      const res = await call('post', `/admin/users/${encodeURIComponent('bob smith')}/revoke-tokens`, 'ada').expect(400);
      expect(res.body.code).toBe('ERR_VALIDATION');
    });
  });

  describe('HTTP hygiene', () => {
    it('sends helmet headers, no X-Powered-By, no-store, and no CORS headers by default', async () => {
      const res = await call('get', '/orders', 'alice').set('origin', 'https://evil.example').expect(200);
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      const preflight = await request(api.url)
        .options('/orders')
        .set('origin', 'https://evil.example')
        .set('access-control-request-method', 'GET');
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('sends the same headers on answers the body parser refuses (malformed JSON, 413)', async () => {
      const malformed = await call('post', '/orders', 'alice').set('content-type', 'application/json').send('{"items": [').expect(400);
      const tooLarge = await call('post', '/orders', 'alice')
        .set('content-type', 'application/json')
        .send(`{"items":"${'x'.repeat(17 * 1024)}"}`)
        .expect(413);
      for (const res of [malformed, tooLarge]) {
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['content-security-policy']).toContain("default-src 'self'");
        expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
        expect(res.headers['cache-control']).toBe('no-store');
      }
    });

    it('honours a well-formed X-Request-Id and replaces a malformed one', async () => {
      let res = await call('get', '/health').set('x-request-id', 'trace-0123456789').expect(200);
      expect(res.headers['x-request-id']).toBe('trace-0123456789');
      res = await call('get', '/health').set('x-request-id', 'bad id\twith spaces').expect(200);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('answers unknown routes with a fixed 404 body', async () => {
      const res = await call('get', '/nope/../../etc/passwd', 'alice').expect(404);
      expect(res.body).toEqual({ statusCode: 404, error: 'not_found', code: 'ERR_ROUTE_NOT_FOUND', message: 'No such route' });
    });

    it('writes exactly one audit line per decision, with who, what, decision and reason', async () => {
      const requestId = `audit-${Date.now()}`;
      await call('get', `/orders/${BOB_1}`, 'alice').set('x-request-id', requestId).expect(404);
      const lines = logs.entries().filter((e) => e.reqId === requestId && e.msg === 'portcullis.decision');
      expect(lines).toHaveLength(1);
      expect(lines[0]!.audit).toMatchObject({
        decision: 'deny',
        reason: 'ERR_NOT_FOUND',
        subject: 'alice',
        clientId: 'orders-web',
        tenant: 'acme',
        method: 'GET',
        route: '/orders/:id',
      });
    });
  });

  describe('OpenAPI', () => {
    it('serves the document with the security schemes, scopes per operation and 401/403/404/429', async () => {
      const { body: doc } = await call('get', '/docs-json').expect(200);
      expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['bearer', 'oauth2']);
      expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      const list = doc.paths['/orders'].get;
      expect(list.security).toEqual([{ oauth2: ['orders:read'] }]);
      expect(Object.keys(list.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '429']));
      expect(doc.paths['/orders/{id}'].get.responses).toHaveProperty('404');
      expect(doc.paths['/orders/{id}'].delete.security).toEqual([{ oauth2: ['orders:write'] }]);
      expect(doc.paths['/internal/orders/{id}/fulfil'].post.security).toEqual([{ oauth2: ['orders:fulfil'] }]);
      expect(doc.paths['/health'].get.security).toBeUndefined();
      // The RFC 9728 document is served outside Nest's routes; the OpenAPI document lists it as public.
      const metadata = doc.paths['/.well-known/oauth-protected-resource/orders'].get;
      expect(metadata.security).toEqual([]);
      expect(metadata.responses).not.toHaveProperty('429');
      expect(doc.info.description).toContain('GET /.well-known/oauth-protected-resource/orders');
      const ui = await call('get', '/docs').expect(200);
      expect(ui.headers['content-type']).toContain('text/html');
    });
  });
});

describe('logs of the whole run', () => {
  it('contain request lines and audit lines but no token', () => {
    const text = logs.text();
    expect(minted.length).toBeGreaterThan(10);
    expect(logs.entries().some((e) => e.msg === 'portcullis.decision')).toBe(true);
    for (const token of minted) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(token.split('.')[2]);
    }
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]+\.eyJ/);
    expect(text.toLowerCase()).not.toContain('bearer ey');
  });
});
