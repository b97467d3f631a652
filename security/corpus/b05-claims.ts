/** SPEC.md B5 — Claims (cases 69–93). */
import { allowed, either, forbidden, insufficientScope, invalidToken, notFound } from './expect.js';
import { everyRow, getWith, request, bearer } from './steps.js';
import { T1 } from './world.js';
import type { CaseContext, CorpusCase } from './types.js';

const CLAIM = 'ERR_CLAIM_INVALID';

const aliceGet = (ctx: CaseContext, label: string, token: string, expect = invalidToken(CLAIM)) =>
  getWith(label, ctx.world.order(ctx.world.orders.a1), ctx.secret(token), expect);

/** A token of alice whose claims were edited (overrides; `undefined` removes a claim). */
const aliceWith = (ctx: CaseContext, overrides: Record<string, unknown>) => ctx.token('alice', overrides);

/** The admin function with a token (SPEC's /admin/orders). */
const adminWith = (ctx: CaseContext, label: string, token: string, expect = forbidden()) =>
  request(label, ctx.world.adminOp.method, ctx.world.adminOp.path, expect, { headers: [bearer(ctx.secret(token))] });

export const B5: readonly CorpusCase[] = [
  {
    id: 69,
    group: 'B5',
    title: 'T0 without exp',
    expected: '401 invalid_token (jose does not require exp by default)',
    build: async (ctx) => ({ steps: [aliceGet(ctx, 'no exp', await ctx.issuer.badToken('missing-claim:exp', ctx.claims('alice')))] }),
  },
  {
    id: 70,
    group: 'B5',
    title: 'T0{exp = NOW−301}, leeway 60 s',
    expected: '401 invalid_token (expired)',
    mapping: 'Leeway is 60 s on the SPEC targets and 5 s on the orders API; NOW−301 is past both.',
    build: async (ctx) => {
      const now = ctx.nowSeconds();
      return { steps: [aliceGet(ctx, 'exp NOW−301', await aliceWith(ctx, { iat: now - 601, exp: now - 301 }), invalidToken('ERR_TOKEN_EXPIRED'))] };
    },
  },
  {
    id: 71,
    group: 'B5',
    title: 'T0{exp = NOW−30}, leeway 60 s',
    expected: '200 (positive leeway control)',
    mapping: 'exp = NOW − leeway/2: NOW−30 on the SPEC targets (60 s), NOW−2 on the orders API (5 s).',
    build: async (ctx) => {
      const now = ctx.nowSeconds();
      const exp = now - Math.floor(ctx.world.leewaySeconds / 2);
      return { steps: [aliceGet(ctx, `exp NOW−${now - exp}`, await aliceWith(ctx, { iat: exp - 300, exp }), allowed())] };
    },
  },
  {
    id: 72,
    group: 'B5',
    title: 'T0{"exp":"4102444800"} (string)',
    expected: '401 (NumericDate must be a number)',
    build: async (ctx) => ({ steps: [aliceGet(ctx, 'exp string', await aliceWith(ctx, { exp: '4102444800' }))] }),
  },
  {
    id: 73,
    group: 'B5',
    title: 'T0{exp = NOW+10 y}',
    expected: '401 (exp − iat over the configured maximum lifetime)',
    build: async (ctx) => ({ steps: [aliceGet(ctx, '10-year token', await ctx.issuer.badToken('long-lived', ctx.claims('alice')))] }),
  },
  {
    id: 74,
    group: 'B5',
    title: 'T0{nbf = NOW+600}',
    expected: '401',
    build: async (ctx) => ({ steps: [aliceGet(ctx, 'nbf NOW+600', await aliceWith(ctx, { nbf: ctx.nowSeconds() + 600 }), invalidToken('ERR_TOKEN_NOT_YET_VALID'))] }),
  },
  {
    id: 75,
    group: 'B5',
    title: 'T0{iat = NOW+600}',
    expected: '401 (jose checks it only with maxTokenAge)',
    build: async (ctx) => {
      const iat = ctx.nowSeconds() + 600;
      return { steps: [aliceGet(ctx, 'iat NOW+600', await aliceWith(ctx, { iat, exp: iat + 300 }), invalidToken('ERR_TOKEN_NOT_YET_VALID'))] };
    },
  },
  {
    id: 76,
    group: 'B5',
    title: 'T0 minus each of iat, jti, sub, client_id, iss, aud',
    expected: '401 each (RFC 9068 §2.2 required claims)',
    build: async (ctx) => ({
      steps: await Promise.all(
        ['iat', 'jti', 'sub', 'client_id', 'iss', 'aud'].map(async (claim) =>
          aliceGet(ctx, `no ${claim}`, await ctx.issuer.badToken(`missing-claim:${claim}`, ctx.claims('alice'))),
        ),
      ),
    }),
  },
  {
    id: 77,
    group: 'B5',
    title: 'T0{iss: issuer + "/"}',
    expected: '401 (exact match)',
    build: async (ctx) => ({ steps: [aliceGet(ctx, 'trailing slash', await aliceWith(ctx, { iss: `${ctx.issuer.issuer}/` }))] }),
  },
  {
    id: 78,
    group: 'B5',
    title: 'T0{iss: ["https://evil.test", issuer]}',
    expected: '401 (fast-jwt CVE-2025-30144)',
    build: async (ctx) => ({ steps: [aliceGet(ctx, 'iss array', await aliceWith(ctx, { iss: ['https://evil.test', ctx.issuer.issuer] }))] }),
  },
  {
    id: 79,
    group: 'B5',
    title: 'T0{iss: upper-cased issuer}',
    expected: '401 (code-point comparison)',
    build: async (ctx) => ({ steps: [aliceGet(ctx, 'upper case', await aliceWith(ctx, { iss: ctx.issuer.issuer.toUpperCase() }))] }),
  },
  {
    id: 80,
    group: 'B5',
    title: 'T0 without aud',
    expected: '401',
    build: async (ctx) => ({ steps: [aliceGet(ctx, 'no aud', await ctx.issuer.badToken('missing-claim:aud', ctx.claims('alice')))] }),
  },
  {
    id: 81,
    group: 'B5',
    title: 'T0{aud: "https://api.example.test/payments"}',
    expected: '401 (token redirect / substitution)',
    build: async (ctx) => ({ steps: [aliceGet(ctx, 'other API', await aliceWith(ctx, { aud: 'https://api.example.test/payments' }))] }),
  },
  {
    id: 82,
    group: 'B5',
    title: 'T0{aud: [payments, orders]}',
    expected: '200 (positive: contains ours)',
    build: async (ctx) => ({
      steps: [aliceGet(ctx, 'aud array', await aliceWith(ctx, { aud: ['https://api.example.test/payments', ctx.issuer.audience] }), allowed())],
    }),
  },
  {
    id: 83,
    group: 'B5',
    title: 'T0{aud: ours + "/"}',
    expected: '401 (exact string)',
    build: async (ctx) => ({ steps: [aliceGet(ctx, 'aud trailing slash', await aliceWith(ctx, { aud: `${ctx.issuer.audience}/` }))] }),
  },
  {
    id: 84,
    group: 'B5',
    title: 'T0{aud: "orders-web"} (client id, ID-token style)',
    expected: '401',
    build: async (ctx) => ({ steps: [aliceGet(ctx, 'aud = client id', await aliceWith(ctx, { aud: 'orders-web' }))] }),
  },
  {
    id: 85,
    group: 'B5',
    title: 'T0{sub: ""}, T0{sub: 123}, T0{sub: null}',
    expected: '401 each',
    build: async (ctx) => ({
      steps: await Promise.all(
        [['empty', ''], ['number', 123], ['null', null]].map(async ([label, sub]) => aliceGet(ctx, `sub ${String(label)}`, await aliceWith(ctx, { sub }))),
      ),
    }),
  },
  {
    id: 86,
    group: 'B5',
    title: 'T0{scope: ["orders:read","orders:write"]}',
    expected: '401 (fail closed on the wrong type)',
    build: async (ctx) => ({ steps: [aliceGet(ctx, 'scope array', await ctx.issuer.sign({ alg: 'ES256', typ: 'at+jwt', kid: 'es256-1' }, { ...ctx.claims('alice'), scope: ['orders:read', 'orders:write'] }))] }),
  },
  {
    id: 87,
    group: 'B5',
    title: 'T0{scope: "orders:readwrite"} → GET /orders',
    expected: '403 insufficient_scope, scope="orders:read" (no substring match)',
    build: async (ctx) => ({ steps: [getWith('orders:readwrite', '/orders', ctx.secret(await aliceWith(ctx, { scope: 'orders:readwrite' })), insufficientScope('orders:read'))] }),
  },
  {
    id: 88,
    group: 'B5',
    title: 'T0{scope: "ORDERS:READ"}',
    expected: '403 insufficient_scope (case-sensitive)',
    build: async (ctx) => ({ steps: [getWith('ORDERS:READ', '/orders', ctx.secret(await aliceWith(ctx, { scope: 'ORDERS:READ' })), insufficientScope('orders:read'))] }),
  },
  {
    id: 89,
    group: 'B5',
    title: 'T0{scope: "orders:read\\torders:write"} → DELETE /orders/o-b1',
    expected: '403 insufficient_scope, scope="orders:write" (tab is not a delimiter)',
    mapping: 'Sent by the admin ada (role admin, same org), so the scope is the only thing that can deny.',
    build: async (ctx) => {
      const token = ctx.secret(await ctx.token('ada', { scope: 'orders:read\torders:write' }));
      return { steps: [request('tab-separated scope', 'DELETE', ctx.world.order(ctx.world.orders.b1), insufficientScope('orders:write'), { headers: [bearer(token)] })] };
    },
  },
  {
    id: 90,
    group: 'B5',
    title: 'Claims with "__proto__":{"roles":["admin"]} → /admin/orders',
    expected: '403; roles stay ["customer"]; Object.prototype unchanged',
    build: async (ctx) => {
      const header = { alg: 'ES256', typ: 'at+jwt', kid: 'es256-1' };
      const withProto = (claims: Record<string, unknown>) => `${JSON.stringify(claims).slice(0, -1)},"__proto__":{"roles":["admin"],"scope":"orders:read orders:write"}}`;
      const customer = await ctx.issuer.sign(header, withProto(ctx.claims('alice')));
      const { roles: _roles, ...noRoles } = ctx.claims('alice');
      const roleless = await ctx.issuer.sign(header, withProto(noRoles));
      const prototypeClean = (): string | undefined =>
        'roles' in Object.prototype || 'scope' in Object.prototype ? 'Object.prototype was polluted' : undefined;
      return {
        steps: [
          adminWith(ctx, '__proto__ roles (own roles customer)', customer, { ...forbidden(), check: prototypeClean }),
          adminWith(ctx, '__proto__ roles (no own roles)', roleless, { ...forbidden(), check: prototypeClean }),
        ],
        verify: async () => prototypeClean(),
      };
    },
  },
  {
    id: 91,
    group: 'B5',
    title: 'T0{roles: "admin"} (string), ["Admin"], ["admin "] → /admin/orders',
    expected: '403 each (exact, type-checked roles)',
    mapping: 'A string where an array is expected fails the whole token (401 invalid_token, fail closed); accepted along with 403.',
    build: async (ctx) => ({
      steps: [
        adminWith(ctx, 'roles "admin"', await aliceWith(ctx, { roles: 'admin' }), either(forbidden(), invalidToken(CLAIM))),
        adminWith(ctx, 'roles ["Admin"]', await aliceWith(ctx, { roles: ['Admin'] })),
        adminWith(ctx, 'roles ["admin "]', await aliceWith(ctx, { roles: ['admin '] })),
      ],
    }),
  },
  {
    id: 92,
    group: 'B5',
    title: 'T0 without the tenant claim → tenant-scoped route',
    expected: '403 (deny by default)',
    mapping: 'Tenant claim is org_id. SPEC targets: GET /tenants/acme/orders; the orders API: GET /orders (org users only). Both: GET /orders/o-a1.',
    build: async (ctx) => {
      const token = ctx.secret(await aliceWith(ctx, { org_id: undefined }));
      const route = ctx.world.tenantOrders ? ctx.world.tenantOrders(T1) : '/orders';
      return { steps: [getWith('tenant route', route, token, forbidden()), getWith('own order', ctx.world.order(ctx.world.orders.a1), token, forbidden())] };
    },
  },
  {
    id: 93,
    group: 'B5',
    title: 'T0{tenant: look-alike with full-width characters ("ａｃｍｅ")}',
    expected: 'no t1 data (404 on o-a1; lists empty)',
    build: async (ctx) => {
      const token = ctx.secret(await ctx.token('alice', { org_id: 'ａｃｍｅ' }));
      return {
        steps: [
          getWith('own order', ctx.world.order(ctx.world.orders.a1), token, notFound()),
          getWith('list', '/orders', token, allowed(200, everyRow((row) => row['orgId'] !== T1, 'no acme rows'))),
        ],
      };
    },
  },
];
