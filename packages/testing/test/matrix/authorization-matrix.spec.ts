/**
 * authorizationMatrix against a small framework-free app (test/support/fixture-server.ts).
 *
 * Fixture app (who gets what):
 * | route                | anonymous                 | alice (write)  | bob (read only)               |
 * | GET  /health         | 200                       | 200            | 200                           |
 * | GET  /orders/o-a1    | 401 ERR_MISSING_TOKEN + ch | 200            | 404 ERR_NOT_FOUND             |
 * | POST /orders         | 401 ERR_MISSING_TOKEN + ch | 201            | 403 ERR_INSUFFICIENT_SCOPE + ch |
 * | GET  /leaky/:id      | 200 (the bug the matrix must catch)                                         |
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuthorizationMatrixError, authorizationMatrix, createTestIssuer } from '../../src/index.js';
import type { AuthorizationMatrixOptions, TestIssuer } from '../../src/index.js';
import { startFixtureServer } from '../support/fixture-server.js';
import type { FixtureAnswer, FixtureServer, RecordedRequest } from '../support/fixture-server.js';

const CHALLENGE = 'Bearer realm="t"';
const SCOPE_CHALLENGE = 'Bearer realm="t", error="insufficient_scope", scope="orders:write"';

function fixtureApp(req: RecordedRequest): FixtureAnswer {
  const path = req.url.split('?')[0]!;
  const route = `${req.method} ${path}`;
  if (route === 'GET /health') return { status: 200, body: { ok: true } };
  if (path.startsWith('/leaky/')) return { status: 200, body: { ok: true } };
  if (!req.claims)
    return { status: 401, body: { code: 'ERR_MISSING_TOKEN' }, headers: { 'www-authenticate': CHALLENGE } };
  const scopes = String(req.claims.scope ?? '').split(' ');
  if (route === 'GET /orders/o-a1') {
    return req.claims.sub === 'alice'
      ? { status: 200, body: { id: 'o-a1' } }
      : { status: 404, body: { code: 'ERR_NOT_FOUND' } };
  }
  if (route === 'POST /orders') {
    if (!scopes.includes('orders:write'))
      return {
        status: 403,
        body: { code: 'ERR_INSUFFICIENT_SCOPE' },
        headers: { 'www-authenticate': SCOPE_CHALLENGE },
      };
    return { status: 201, body: { ok: true } };
  }
  return { status: 404, body: 'not found' };
}

const PRINCIPALS = {
  alice: { sub: 'alice', scope: 'orders:read orders:write' },
  bob: { sub: 'bob', scope: 'orders:read' },
  anonymous: null,
} as const;

let issuer: TestIssuer;
let app: FixtureServer;

beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['ES256'] });
  app = await startFixtureServer(fixtureApp);
});
afterAll(async () => {
  await app?.close();
  await issuer?.close();
});

const base = (): Pick<AuthorizationMatrixOptions<keyof typeof PRINCIPALS>, 'baseUrl' | 'issuer' | 'principals'> => ({
  baseUrl: app.url,
  issuer,
  principals: PRINCIPALS,
});

describe('a table that matches', () => {
  it('requests every declared cell once, in table order, and reports all of them as matching', async () => {
    app.requests.length = 0;
    const result = await authorizationMatrix({
      ...base(),
      routes: [
        'GET /health',
        { method: 'GET', path: '/orders/:id', params: { id: 'o-a1' } },
        { method: 'POST', path: '/orders', body: { items: [] } },
      ],
      expect: {
        'GET /health': { anonymous: 200, alice: 200 },
        'GET /orders/:id': {
          alice: 200,
          bob: '404 ERR_NOT_FOUND',
          anonymous: { status: 401, code: 'ERR_MISSING_TOKEN', wwwAuthenticate: CHALLENGE },
        },
        'POST /orders': {
          alice: 201,
          bob: { status: 403, code: 'ERR_INSUFFICIENT_SCOPE', wwwAuthenticate: SCOPE_CHALLENGE },
          anonymous: 401,
        },
      },
    });

    expect(result.ok).toBe(true);
    expect(result.mismatches).toEqual([]);
    expect(result.routes).toEqual(['GET /health', 'GET /orders/:id', 'POST /orders']);
    expect(result.principals).toEqual(['alice', 'bob', 'anonymous']);
    // Row by row, principals in column order (not in the order of the expect row).
    expect(app.requests.map((r) => `${r.method} ${r.url} ${String(r.claims?.sub ?? 'anonymous')}`)).toEqual([
      'GET /health alice',
      'GET /health anonymous',
      'GET /orders/o-a1 alice',
      'GET /orders/o-a1 bob',
      'GET /orders/o-a1 anonymous',
      'POST /orders alice',
      'POST /orders bob',
      'POST /orders anonymous',
    ]);
    expect(result.cell('GET /orders/:id', 'bob')).toMatchObject({
      method: 'GET',
      url: `${app.url}/orders/o-a1`,
      expected: { status: 404, code: 'ERR_NOT_FOUND' },
      actual: { status: 404, code: 'ERR_NOT_FOUND', wwwAuthenticate: null },
      ok: true,
    });
    expect(result.cell('GET /health', 'bob')).toBeUndefined();
    expect(result.toString()).toBe(
      [
        'Authorization matrix: all 8 cells match',
        '',
        '                │ alice │ bob                          │ anonymous',
        '────────────────┼───────┼──────────────────────────────┼────────────────────────',
        'GET /health     │ ✓ 200 │ ·                            │ ✓ 200',
        'GET /orders/:id │ ✓ 200 │ ✓ 404 ERR_NOT_FOUND          │ ✓ 401 ERR_MISSING_TOKEN',
        'POST /orders    │ ✓ 201 │ ✓ 403 ERR_INSUFFICIENT_SCOPE │ ✓ 401',
      ].join('\n'),
    );
  });

  it('mints a fresh token per cell, sends none for anonymous, and sends the body as JSON', async () => {
    app.requests.length = 0;
    await authorizationMatrix({
      ...base(),
      headers: { 'x-suite': 'matrix' },
      routes: [
        { method: 'POST', path: '/orders', body: { items: [{ sku: 'A-1' }] }, headers: { 'x-row': 'create' } },
        'GET /health',
      ],
      expect: { 'POST /orders': { alice: 201, anonymous: 401 }, 'GET /health': { alice: 200 } },
    });
    const [create, anonymous, health] = app.requests;
    expect(create!.body).toBe('{"items":[{"sku":"A-1"}]}');
    expect(create!.headers['content-type']).toBe('application/json');
    expect(create!.headers['x-suite']).toBe('matrix');
    expect(create!.headers['x-row']).toBe('create');
    expect(anonymous!.headers.authorization).toBeUndefined();
    expect(health!.headers['x-row']).toBeUndefined();
    // Two cells of one principal carry two different tokens (own jti), both for alice.
    expect(create!.claims).toMatchObject({ sub: 'alice', scope: 'orders:read orders:write', iss: issuer.issuer });
    expect(health!.claims!.sub).toBe('alice');
    expect(health!.token).not.toBe(create!.token);
    expect(health!.claims!.jti).not.toBe(create!.claims!.jti);
  });

  it('reads the rows from the keys of expect when routes are omitted', async () => {
    const result = await authorizationMatrix({
      ...base(),
      expect: { 'GET /health': { bob: 200 }, 'get /orders/o-a1': { bob: 404, alice: 200 } },
    });
    expect(result.cells.map((c) => `${c.method} ${c.url.slice(app.url.length)} ${c.principal}`)).toEqual([
      'GET /health bob',
      'GET /orders/o-a1 alice',
      'GET /orders/o-a1 bob',
    ]);
  });

  it('uses a principal function for the token (e.g. a bad token) and URL-encodes params', async () => {
    app.requests.length = 0;
    const result = await authorizationMatrix({
      baseUrl: new URL(`${app.url}/`),
      principals: { expired: () => issuer.badToken('expired', { sub: 'alice' }) },
      routes: [{ method: 'GET', path: '/leaky/:id?x=1', params: { id: 'a b/c' } }],
      expect: { 'GET /leaky/:id?x=1': { expired: 200 } },
    });
    expect(result.ok).toBe(true);
    expect(app.requests[0]!.url).toBe('/leaky/a%20b%2Fc?x=1');
    expect(app.requests[0]!.claims!.exp).toBeLessThan(issuer.clock.now() / 1000);
  });

  it('with concurrency, still returns the cells in table order', async () => {
    const result = await authorizationMatrix({
      ...base(),
      concurrency: 4,
      expect: {
        'GET /health': { alice: 200, bob: 200, anonymous: 200 },
        'GET /orders/o-a1': { alice: 200, bob: 404, anonymous: 401 },
      },
    });
    expect(result.cells.map((c) => `${c.route} ${c.principal}`)).toEqual([
      'GET /health alice',
      'GET /health bob',
      'GET /health anonymous',
      'GET /orders/o-a1 alice',
      'GET /orders/o-a1 bob',
      'GET /orders/o-a1 anonymous',
    ]);
  });
});

describe('a table that does not match', () => {
  const wrong = (): AuthorizationMatrixOptions<keyof typeof PRINCIPALS> => ({
    ...base(),
    routes: [
      { method: 'GET', path: '/leaky/:id', params: { id: 'o-b1' } },
      'POST /orders',
      { name: 'GET /orders/:id (alice’s)', method: 'GET', path: '/orders/o-a1' },
    ],
    expect: {
      'GET /leaky/:id': { alice: 200, bob: '404 ERR_NOT_FOUND', anonymous: 401 },
      'POST /orders': {
        alice: 201,
        bob: '403 ERR_FORBIDDEN',
        anonymous: { status: 401, wwwAuthenticate: 'Bearer realm="other"' },
      },
      'GET /orders/:id (alice’s)': { alice: 200 },
    },
  });

  it('runs every cell, then throws one AuthorizationMatrixError with the whole grid and every mismatch', async () => {
    app.requests.length = 0;
    const error = await authorizationMatrix(wrong()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthorizationMatrixError);
    const { message, result } = error as AuthorizationMatrixError;
    expect(app.requests).toHaveLength(7);
    expect(result.ok).toBe(false);
    expect(result.mismatches.map((c) => `${c.route} × ${c.principal}`)).toEqual([
      'GET /leaky/:id × bob',
      'GET /leaky/:id × anonymous',
      'POST /orders × bob',
      'POST /orders × anonymous',
    ]);
    expect(message).toBe(
      [
        'Authorization matrix: 4 of 7 cells differ (✗ expected→actual)',
        '',
        '                          │ alice │ bob                                            │ anonymous',
        '──────────────────────────┼───────┼────────────────────────────────────────────────┼─────────────────────────────────',
        'GET /leaky/:id            │ ✓ 200 │ ✗ 404 ERR_NOT_FOUND→200                        │ ✗ 401→200',
        'POST /orders              │ ✓ 201 │ ✗ 403 ERR_FORBIDDEN→403 ERR_INSUFFICIENT_SCOPE │ ✗ 401 (WWW-Authenticate differs)',
        'GET /orders/:id (alice’s) │ ✓ 200 │ ·                                              │ ·',
        '',
        '✗ GET /leaky/:id × bob: expected 404 ERR_NOT_FOUND; got 200',
        '✗ GET /leaky/:id × anonymous: expected 401; got 200',
        '✗ POST /orders × bob: expected 403 ERR_FORBIDDEN; got 403 ERR_INSUFFICIENT_SCOPE',
        '✗ POST /orders × anonymous: expected 401, WWW-Authenticate "Bearer realm=\\"other\\""; got 401 ERR_MISSING_TOKEN, WWW-Authenticate "Bearer realm=\\"t\\""',
      ].join('\n'),
    );
    // Never a token in the report.
    for (const request of app.requests) if (request.token) expect(message).not.toContain(request.token);
  });

  it('throwOnMismatch: false returns the result; toMarkdown() renders the same cells', async () => {
    const result = await authorizationMatrix({ ...wrong(), throwOnMismatch: false });
    expect(result.ok).toBe(false);
    expect(result.toMarkdown()).toBe(
      [
        '| route | alice | bob | anonymous |',
        '| --- | :---: | :---: | :---: |',
        '| `GET /leaky/:id` | ✓ 200 | ✗ 404 ERR_NOT_FOUND→200 | ✗ 401→200 |',
        '| `POST /orders` | ✓ 201 | ✗ 403 ERR_FORBIDDEN→403 ERR_INSUFFICIENT_SCOPE | ✗ 401 (WWW-Authenticate differs) |',
        '| `GET /orders/:id (alice’s)` | ✓ 200 | · | · |',
      ].join('\n'),
    );
  });

  it('a principal function that never gives a token fails within the time limit instead of hanging', async () => {
    await expect(
      authorizationMatrix({
        baseUrl: app.url,
        principals: { stuck: () => new Promise<string>(() => {}) },
        expect: { 'GET /health': { stuck: 200 } },
        timeout: 200,
      }),
    ).rejects.toThrow(/principals\.stuck\(\) gave no token within 200 ms/);
  });

  it('a principal function that throws stops every worker before the matrix rejects (no request after it)', async () => {
    const before = app.requests.length;
    const rows = Array.from({ length: 6 }, (_, i) => `GET /health?row=${i}`);
    await expect(
      authorizationMatrix({
        baseUrl: app.url,
        principals: { anonymous: null, broken: () => Promise.reject(new Error('no token today')) },
        routes: rows.map((row) => ({ name: row, method: 'GET', path: row.slice(4) })),
        expect: Object.fromEntries(rows.map((row) => [row, { anonymous: 200, broken: 200 }])),
        concurrency: 2,
      }),
    ).rejects.toThrow('no token today');
    const atRejection = app.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(app.requests.length).toBe(atRejection);
    expect(atRejection - before).toBeLessThanOrEqual(2);
  });

  it('a request that gets no answer is a failed cell, not a crash', async () => {
    const closed = await startFixtureServer(() => ({ status: 200 }));
    await closed.close();
    const result = await authorizationMatrix({
      baseUrl: closed.url,
      principals: { anonymous: null },
      expect: { 'GET /health': { anonymous: 200 } },
      throwOnMismatch: false,
    });
    expect(result.cells[0]!.actual).toMatchObject({ status: 0, error: expect.stringMatching(/^TypeError/) });
    expect(result.toString()).toContain('✗ 200→error');
    expect(result.toString()).toContain('✗ GET /health × anonymous: expected 200; got no answer (TypeError');
  });
});

describe('options are validated (TypeError saying how to fix it)', () => {
  const valid = (): AuthorizationMatrixOptions<'alice' | 'anonymous'> => ({
    baseUrl: 'http://127.0.0.1:9',
    issuer,
    principals: { alice: { sub: 'alice' }, anonymous: null },
    routes: ['GET /health'],
    expect: { 'GET /health': { alice: 200 } },
  });

  it.each<[string, (o: AuthorizationMatrixOptions<'alice' | 'anonymous'>) => unknown, RegExp]>([
    [
      'a typo in a route key',
      (o) => ({ ...o, expect: { 'GET /helth': { alice: 200 } } }),
      /expect\["GET \/helth"\] names no route \(routes: "GET \/health"\)/,
    ],
    [
      'a typo in a principal',
      (o) => ({ ...o, expect: { 'GET /health': { alcie: 200 } } }),
      /expect\["GET \/health"\]\.alcie names no principal \(principals: alice, anonymous\)/,
    ],
    [
      'a route without expectations',
      (o) => ({ ...o, routes: ['GET /health', 'GET /orders'] }),
      /route "GET \/orders" has no expectations/,
    ],
    [
      'a missing param',
      (o) => ({ ...o, routes: ['GET /orders/:id'], expect: { 'GET /orders/:id': { alice: 200 } } }),
      /needs params\.id/,
    ],
    [
      'two rows with one name',
      (o) => ({ ...o, routes: ['GET /health', { method: 'GET', path: '/health' }] }),
      /two routes are named "GET \/health"/,
    ],
    [
      'a bad route string',
      (o) => ({ ...o, routes: ['/health'], expect: { '/health': { alice: 200 } } }),
      /must read 'METHOD \/path'/,
    ],
    [
      'a bad outcome',
      (o) => ({ ...o, expect: { 'GET /health': { alice: 'forbidden' } } }),
      /must read '<status> <code>'/,
    ],
    ['a status out of range', (o) => ({ ...o, expect: { 'GET /health': { alice: 42 } } }), /must be an HTTP status/],
    [
      'claims without an issuer',
      (o) => ({ ...o, issuer: undefined }),
      /principals\.alice is token claims, so 'issuer'/,
    ],
    ['no principals', (o) => ({ ...o, principals: {} }), /'principals' must name at least one caller/],
    ['a relative baseUrl', (o) => ({ ...o, baseUrl: '/api' }), /'baseUrl' must be an absolute URL/],
    ['a zero concurrency', (o) => ({ ...o, concurrency: 0 }), /'concurrency' must be an integer >= 1/],
    ['a zero timeout', (o) => ({ ...o, timeout: 0 }), /'timeout' must be a number of milliseconds > 0/],
    ['an empty expect', (o) => ({ ...o, expect: {} }), /'expect' must map at least one route/],
    [
      'a misspelt option (it would keep its default)',
      (o) => ({ ...o, timout: 100 }),
      /authorizationMatrix: unknown option 'timout'/,
    ],
    [
      'a misspelt route member',
      (o) => ({ ...o, routes: [{ method: 'GET', path: '/health', param: { id: '1' } }] }),
      /routes\[0\] has an unknown member 'param'/,
    ],
    [
      'an Authorization header of the table (anonymous would send it)',
      (o) => ({ ...o, headers: { Authorization: 'Bearer x' } }),
      /route "GET \/health" sets an Authorization header; the principal sets it/,
    ],
    [
      'an Authorization header of a row',
      (o) => ({ ...o, routes: [{ method: 'GET', path: '/health', headers: { authorization: 'Basic eA==' } }] }),
      /route "GET \/health" sets an Authorization header; the principal sets it/,
    ],
    [
      'a row that expects nothing (it would pass without a single request)',
      (o) => ({ ...o, expect: { 'GET /health': {} } }),
      /expect\["GET \/health"\] names no principal: give at least one outcome/,
    ],
    [
      'a row whose outcomes are all undefined',
      (o) => ({ ...o, expect: { 'GET /health': { alice: undefined } } }),
      /expect\["GET \/health"\] names no principal: give at least one outcome/,
    ],
  ])('%s', async (_name, change, message) => {
    await expect(
      authorizationMatrix(change(valid()) as AuthorizationMatrixOptions<'alice' | 'anonymous'>),
    ).rejects.toThrow(message);
    await expect(
      authorizationMatrix(change(valid()) as AuthorizationMatrixOptions<'alice' | 'anonymous'>),
    ).rejects.toBeInstanceOf(TypeError);
  });
});
