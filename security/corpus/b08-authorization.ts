/** SPEC.md B8 — Authorization logic: BOLA, BOPLA, BFLA, tenant, escalation (cases 111–129). */
import { ANY_INVALID_TOKEN, allowed, either, forbidden, insufficientScope, invalidToken, notFound, other } from './expect.js';
import { action, bearer, everyRow, request } from './steps.js';
import { T1, T2 } from './world.js';
import type { CaseContext, CorpusCase, Expectation } from './types.js';

const APP_LEVEL =
  'n/a on the SPEC target app: field-level handling (body allowlists, internal fields) is application code, not Portcullis; checked on the orders API';
const SPEC_APP_ONLY = { 'nest-express': { pending: APP_LEVEL }, 'nest-fastify': { pending: APP_LEVEL }, express: { pending: APP_LEVEL } };

/** A request with a token. */
const withToken = (ctx: CaseContext, label: string, method: string, path: string, token: string, expect: Expectation, extra: { headers?: [string, string][]; body?: string } = {}) =>
  request(label, method, path, expect, { headers: [bearer(ctx.secret(token)), ...(extra.headers ?? [])], ...(extra.body === undefined ? {} : { body: extra.body }) });

/** A body check: no internal fields (SPEC 117 names internalNotes, costPrice, fraudScore; ours are internalNote, riskScore). */
const INTERNAL_FIELDS = ['internalNote', 'internalNotes', 'riskScore', 'costPrice', 'fraudScore'];

export const B8: readonly CorpusCase[] = [
  {
    id: 111,
    group: 'B8',
    title: 'alice → GET /orders/o-b1',
    expected: '404, nothing of the order in the body (owner-scoped lookup)',
    build: async (ctx) => ({
      steps: [withToken(ctx, "bob's order", 'GET', ctx.world.order(ctx.world.orders.b1), await ctx.token('alice'), { ...notFound(), check: (r) => (r.body.includes(ctx.world.orders.b1) ? 'body names the order' : undefined) })],
    }),
  },
  {
    id: 112,
    group: 'B8',
    title: 'alice → PATCH /orders/o-b1 {"note":"x"} (BOLA write)',
    expected: '404; row unchanged',
    mapping: 'Orders API (no PATCH route): its owner-only write, POST /orders/:id/cancel.',
    build: async (ctx) => {
      const op = ctx.world.ownerWrite(ctx.world.orders.b1);
      return { steps: [withToken(ctx, `${op.method} bob's order`, op.method, op.path, await ctx.token('alice'), notFound(), op.body === undefined ? {} : { body: op.body })] };
    },
  },
  {
    id: 113,
    group: 'B8',
    title: 'alice (orders:write) → DELETE /orders/o-b1',
    expected: '404 (or 403: delete needs the admin role, checked before any lookup); row still present',
    build: async (ctx) => ({ steps: [withToken(ctx, "delete bob's order", 'DELETE', ctx.world.order(ctx.world.orders.b1), await ctx.token('alice'), either(notFound(), forbidden()))] }),
  },
  {
    id: 114,
    group: 'B8',
    title: 'alice → GET /orders/o-doesnotexist vs GET /orders/o-b1',
    expected: 'byte-identical status, headers and body (no existence oracle)',
    mapping: 'Headers compared except Date, X-Request-Id and Content-Length-independent transport headers (Connection, Keep-Alive). Latency is not compared (no timed assertions).',
    build: async (ctx) => {
      const token = await ctx.token('alice');
      return {
        steps: [
          withToken(ctx, 'missing', 'GET', ctx.world.order(ctx.world.orders.missing), token, notFound()),
          withToken(ctx, 'not mine', 'GET', ctx.world.order(ctx.world.orders.b1), token, notFound()),
        ],
        verify: (results) => {
          const a = results.get('missing');
          const b = results.get('not mine');
          if (!a || !b) return 'missing results';
          if (a.status !== b.status || a.body !== b.body) return `answers differ: ${a.status} ${a.body} vs ${b.status} ${b.body}`;
          const ignore = new Set(['date', 'x-request-id', 'connection', 'keep-alive']);
          const headers = (h: Readonly<Record<string, string>>) => JSON.stringify(Object.entries(h).filter(([k]) => !ignore.has(k)).sort());
          return headers(a.headers) === headers(b.headers) ? undefined : `headers differ: ${headers(a.headers)} vs ${headers(b.headers)}`;
        },
      };
    },
  },
  {
    id: 115,
    group: 'B8',
    title: 'alice → POST /orders {"ownerId":"user-bob",…}; GET /orders?ownerId=user-bob',
    expected: 'owner = alice (server-assigned) or 400; the list returns alice\'s orders only',
    build: async (ctx) => {
      const token = await ctx.token('alice');
      const body = JSON.stringify({ ...JSON.parse(ctx.world.createBody), ownerId: 'bob' });
      const ownerIsAlice = (r: { json: unknown }) => ((r.json as { data?: { ownerId?: unknown }; ownerId?: unknown })?.data?.ownerId ?? (r.json as { ownerId?: unknown })?.ownerId) === 'alice' ? undefined : 'owner taken from the body';
      return {
        steps: [
          withToken(ctx, 'create with ownerId', 'POST', '/orders', token, either(other([400], { downstream: 'none' }), allowed(201, ownerIsAlice)), { body }),
          withToken(ctx, 'list ?ownerId=bob', 'GET', '/orders?ownerId=bob', token, either(other([400], { downstream: 'none' }), allowed(200, everyRow((row) => row['ownerId'] === 'alice', "alice's rows only")))),
        ],
      };
    },
  },
  {
    id: 116,
    group: 'B8',
    title: 'alice → PATCH /orders/o-a1 {"status":"refunded","total":0,"ownerId":"user-bob","tenantId":"t2"} (mass assignment)',
    expected: '400/403; fields unchanged',
    mapping: 'Orders API (no PATCH route): the same fields smuggled into POST /orders, which takes items only.',
    targets: SPEC_APP_ONLY,
    build: async (ctx) => {
      const body = JSON.stringify({ ...JSON.parse(ctx.world.createBody), status: 'refunded', totalCents: 0, ownerId: 'bob', orgId: T2, tenantId: T2 });
      return { steps: [withToken(ctx, 'mass assignment', 'POST', '/orders', await ctx.token('alice'), either(other([400], { downstream: 'none' }), forbidden()), { body })] };
    },
  },
  {
    id: 117,
    group: 'B8',
    title: 'alice → GET /orders/o-a1: no internal fields; the admin sees them',
    expected: 'no internal fields for the owner; the admin (dave → ada) sees them',
    targets: SPEC_APP_ONLY,
    build: async (ctx) => {
      const fieldsOf = (r: { json: unknown }) => Object.keys(((r.json as { data?: object })?.data ?? (r.json as object) ?? {}) as object);
      return {
        steps: [
          withToken(ctx, 'owner', 'GET', ctx.world.order(ctx.world.orders.a1), await ctx.token('alice'), allowed(200, (r) => {
            const leaked = fieldsOf(r).filter((f) => INTERNAL_FIELDS.includes(f));
            return leaked.length ? `internal fields shown to the owner: ${leaked.join(', ')}` : undefined;
          })),
          withToken(ctx, 'admin', 'GET', ctx.world.order(ctx.world.orders.a1), await ctx.token('ada'), allowed(200, (r) => (fieldsOf(r).includes('internalNote') ? undefined : 'the admin does not see internalNote'))),
        ],
      };
    },
  },
  {
    id: 118,
    group: 'B8',
    title: 'T0{scope "orders:read"} → DELETE /orders/o-a1',
    expected: '403 insufficient_scope, scope="orders:write" (exact challenge)',
    build: async (ctx) => ({ steps: [withToken(ctx, 'read-only delete', 'DELETE', ctx.world.order(ctx.world.orders.a1), await ctx.token('aliceRead'), insufficientScope('orders:write'))] }),
  },
  {
    id: 119,
    group: 'B8',
    title: 'Customer with every scope → GET /admin/orders',
    expected: '403, no data',
    build: async (ctx) => ({
      steps: [withToken(ctx, 'customer on admin', ctx.world.adminOp.method, ctx.world.adminOp.path, await ctx.token('alice', { scope: 'orders:read orders:write orders:fulfil orders:admin' }), forbidden())],
    }),
  },
  {
    id: 120,
    group: 'B8',
    title: 'T0 + X-User-Role: admin, X-Roles: admin, ?role=admin, body {"roles":["admin"]}',
    expected: '403; the inputs are ignored',
    build: async (ctx) => {
      const token = await ctx.token('alice');
      const { method, path } = ctx.world.adminOp;
      return {
        steps: [
          withToken(ctx, 'X-User-Role', method, path, token, forbidden(), { headers: [['X-User-Role', 'admin']] }),
          withToken(ctx, 'X-Roles', method, path, token, forbidden(), { headers: [['X-Roles', 'admin']] }),
          withToken(ctx, '?role=admin', method, `${path}?role=admin`, token, forbidden()),
          withToken(ctx, 'body roles', method, path, token, forbidden(), { body: JSON.stringify({ roles: ['admin'] }) }),
        ],
      };
    },
  },
  {
    id: 121,
    group: 'B8',
    title: 'T0{scope "orders:read"} + X-Scopes: orders:write orders:admin → DELETE',
    expected: '403 insufficient_scope',
    build: async (ctx) => ({
      steps: [withToken(ctx, 'X-Scopes', 'DELETE', ctx.world.order(ctx.world.orders.a1), await ctx.token('aliceRead'), insufficientScope('orders:write'), { headers: [['X-Scopes', 'orders:write orders:admin']] })],
    }),
  },
  {
    id: 122,
    group: 'B8',
    title: 'carol (t2) → GET /orders/o-a1; GET /orders; GET /orders + X-Tenant-ID: t1',
    expected: '404; only t2 rows; the header is ignored',
    build: async (ctx) => {
      const token = await ctx.token('carol');
      const onlyT2 = everyRow((row) => row['orgId'] === T2, 'globex rows only');
      return {
        steps: [
          withToken(ctx, 'other tenant order', 'GET', ctx.world.order(ctx.world.orders.a1), token, notFound()),
          withToken(ctx, 'list', 'GET', '/orders', token, allowed(200, onlyT2)),
          withToken(ctx, 'list + X-Tenant-ID', 'GET', '/orders', token, allowed(200, onlyT2), { headers: [['X-Tenant-ID', T1]] }),
        ],
      };
    },
  },
  {
    id: 123,
    group: 'B8',
    title: 'carol → GET /tenants/t1/orders',
    expected: '403 or 404 (path tenant must equal token tenant)',
    targets: { 'orders-api': { pending: 'n/a on the orders API: it has no route that names a tenant in the path' } },
    build: async (ctx) => ({ steps: [withToken(ctx, 'other tenant in path', 'GET', ctx.world.tenantOrders!(T1), await ctx.token('carol'), either(forbidden(), notFound()))] }),
  },
  {
    id: 124,
    group: 'B8',
    title: 'dave (admin, t1) → GET /orders/o-c1 (t2)',
    expected: '404 (admin is tenant-scoped)',
    build: async (ctx) => {
      const token = await ctx.token('ada');
      return {
        steps: [
          withToken(ctx, 'read other tenant', 'GET', ctx.world.order(ctx.world.orders.c1), token, notFound()),
          withToken(ctx, 'delete other tenant', 'DELETE', ctx.world.order(ctx.world.orders.c1), token, notFound()),
        ],
      };
    },
  },
  {
    id: 125,
    group: 'B8',
    title: 'Client-credentials token (sub = client_id = svc-reporting) → GET /me/orders',
    expected: '403 (a machine principal is not a user)',
    mapping: "Orders API: its user-only list GET /orders (policy org-user).",
    build: async (ctx) => ({ steps: [withToken(ctx, 'machine on user route', 'GET', ctx.world.meOrders, await ctx.token('svc'), forbidden())] }),
  },
  {
    id: 126,
    group: 'B8',
    title: 'Client-credentials token of a client registered as "user-alice" → GET /orders/o-a1',
    expected: '404/403 — must not resolve to alice',
    build: async (ctx) => ({ steps: [withToken(ctx, 'client id = alice', 'GET', ctx.world.order(ctx.world.orders.a1), await ctx.token('spoof'), either(notFound(), forbidden()))] }),
  },
  {
    id: 127,
    group: 'B8',
    title: 'Token from a second issuer with sub "alice"',
    expected: "no access to alice's orders",
    mapping: 'Targets trust one issuer: a token from another issuer (its own iss and key) is refused outright (401).',
    build: async (ctx) => {
      const token = await ctx.issuer.sign({ alg: 'ES256', typ: 'at+jwt', kid: 'second-issuer-k1' }, { ...ctx.claims('alice'), iss: 'https://second-issuer.example.test' }, { key: 'untrusted' });
      return { steps: [withToken(ctx, 'second issuer', 'GET', ctx.world.order(ctx.world.orders.a1), token, invalidToken(...ANY_INVALID_TOKEN))] };
    },
  },
  {
    id: 128,
    group: 'B8',
    title: "dave's admin role removed; dave's still-valid admin token → admin operation",
    expected: '403 (live check) or a compensating control that takes effect at once',
    mapping:
      'No user store in the targets: the role withdrawal is propagated the way the toolkit offers — revoking every token of the subject (orders API: POST /admin/users/dave/revoke-tokens by ada). The next call with the old token is refused at once (401 invalid_token, revoked).',
    build: async (ctx) => {
      const token = await ctx.token('dave');
      const { method, path } = ctx.world.adminOp;
      return {
        steps: [
          withToken(ctx, 'before withdrawal', method, path, token, allowed(ctx.world.family === 'spec' ? 200 : 204)),
          action('withdraw: revoke every token of dave', () => ctx.revocation.revokeSubject('dave')),
          withToken(ctx, 'after withdrawal', method, path, token, invalidToken('ERR_TOKEN_REVOKED')),
        ],
      };
    },
  },
  {
    id: 129,
    group: 'B8',
    title: 'RESTler fuzzing with two users (NamespaceRule, UseAfterFree)',
    expected: '0 findings',
    pending: 'RESTler (SPEC C.5) is an external tool, not part of this suite; the two-user BOLA checks above and the HTTP fuzzing cover the same ground in part',
  },
];
