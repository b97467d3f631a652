// The orders API's whole access table (ARCHITECTURE.md "Reference app contract"), declared as data
// and run by @portcullis/testing's authorizationMatrix against the real app (createOrdersApi, as
// main.ts builds it) on 127.0.0.1: every route of the contract × every principal of the contract,
// each cell a real request with a fresh token from a local issuer (JWKS discovered from it). On
// embedded PGlite (memory://) and, when TEST_DATABASE_URL is set, on PostgreSQL. A final check
// against the OpenAPI document makes sure no route of the app is missing from the table.
//
// Truth table (a = acme, g = globex; RO = alice with `orders:read` only; fulfilment = the client
// credentials token, sub = client_id = fulfilment-service, scope orders:fulfil):
//   401  = ERR_MISSING_TOKEN, `WWW-Authenticate: Bearer realm="orders", resource_metadata="…"`
//   s:X  = 403 ERR_INSUFFICIENT_SCOPE, challenge `error="insufficient_scope" … scope="X"` (r/w/f = orders:read/write/fulfil)
//   F    = 403 ERR_FORBIDDEN (role or principal kind), no challenge
//   404  = ERR_NOT_FOUND, no challenge (identical for "not yours", "other org" and "absent")
//
// | row                                          | anon | alice | RO   | bob | carol(g) | sam supp. | ada admin | fulfilment |
// | -------------------------------------------- | ---- | ----- | ---- | --- | -------- | --------- | --------- | ---------- |
// | GET /health                                  | 200  | 200   | 200  | 200 | 200      | 200       | 200       | 200        |
// | GET /.well-known/oauth-protected-resource/…  | 200  | 200   | 200  | 200 | 200      | 200       | 200       | 200        |
// | GET /orders                                  | 401  | 200   | 200  | 200 | 200      | 200       | 200       | s:r        |
// | GET /orders/:id  alice's order (a)           | 401  | 200   | 200  | 404 | 404      | 200       | 200       | s:r        |
// | GET /orders/:id  carol's order (g)           | 401  | 404   | 404  | 404 | 200      | 404       | 404       | s:r        |
// | GET /orders/:id  absent                      | 401  | 404   | 404  | 404 | 404      | 404       | 404       | s:r        |
// | POST /orders                                 | 401  | 201   | s:w  | 201 | 201      | 201       | 201       | s:w        |
// | POST /orders/:id/cancel  alice's, pending  * | 401  | 200   | s:w  | 404 | 404      | 404       | 404       | s:w        |
// | POST /orders/:id/cancel  alice's, fulfilled  | 401  | 409   | s:w  | 404 | 404      | 404       | 404       | s:w        |
// | DELETE /orders/:id  bob's order (a)        * | 401  | F     | s:w  | F   | F        | F         | 204       | s:w        |
// | DELETE /orders/:id  carol's order (g)        | 401  | F     | s:w  | F   | F        | F         | 404       | s:w        |
// | GET /internal/orders/:id                     | 401  | s:f   | s:f  | s:f | s:f      | s:f       | s:f       | 200        |
// | POST /internal/orders/:id/fulfil  pending  * | 401  | s:f   | s:f  | s:f | s:f      | s:f       | s:f       | 200        |
// | POST /internal/orders/:id/fulfil  fulfilled  | 401  | s:f   | s:f  | s:f | s:f      | s:f       | s:f       | 409        |
// | POST /sessions/logout                      * | 401  | 204   | 204  | 204 | 204      | 204       | 204       | 204        |
// | POST /admin/users/:sub/revoke-tokens       * | 401  | F     | F    | F   | F        | F         | 204       | F          |
//
// * Mutating rows, and why no cell spoils another. Each cell gets a fresh token (own jti), so a
//   logout revokes only the token of its own cell. Each mutating row acts on a resource of its own,
//   made for it in beforeAll and read by no other row: a fresh pending order of alice (cancel), of
//   bob (delete) and of carol (fulfil), and a subject that is no column of the table (revoke-tokens:
//   revoking `bob` would also revoke every later bob cell minted in the same second). In each of
//   those four rows exactly one cell is allowed to change state; every other cell of the row is
//   denied by a rule that does not depend on that state (scope, role, principal kind, ownership,
//   tenant), so the column order does not matter. Cells run one at a time (concurrency 1), so
//   the table is deterministic; the state the allowed cells leave behind is checked after it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { asPrincipal, authorizationMatrix, createTestIssuer } from '@portcullis/testing';
import type { ExpectedOutcome, MatrixRoute, TestIssuer, TestPrincipal } from '@portcullis/testing';
import { DEFAULT_AUDIENCE } from '../../../src/config/app-config.js';
import { LogCapture } from '../../../../../test-support/log-capture.js';
import { PRINCIPALS } from '../../support/principals.js';
import { insufficientScopeChallenge, MISSING_TOKEN_CHALLENGE, RESOURCE_METADATA_URL } from '../../support/challenges.js';
import { startOrdersApi } from '../../support/start-orders-api.js';
import type { RunningApi } from '../../support/start-orders-api.js';
import { testDatabases } from '../../support/test-databases.js';

const REALM = MISSING_TOKEN_CHALLENGE;
/** The RFC 9728 document every challenge names, on the app's own origin: public, for every caller. */
const METADATA_PATH = new URL(RESOURCE_METADATA_URL).pathname;
const ANONYMOUS = { status: 401, code: 'ERR_MISSING_TOKEN', wwwAuthenticate: REALM } as const satisfies ExpectedOutcome;
const FORBIDDEN = { status: 403, code: 'ERR_FORBIDDEN', wwwAuthenticate: null } as const satisfies ExpectedOutcome;
const NOT_FOUND = { status: 404, code: 'ERR_NOT_FOUND', wwwAuthenticate: null } as const satisfies ExpectedOutcome;
const CONFLICT = '409 ERR_CONFLICT' as const satisfies ExpectedOutcome;
const missingScope = (scope: string) =>
  ({
    status: 403,
    code: 'ERR_INSUFFICIENT_SCOPE',
    wwwAuthenticate: insufficientScopeChallenge(scope),
  }) as const satisfies ExpectedOutcome;
const S_READ = missingScope('orders:read');
const S_WRITE = missingScope('orders:write');
const S_FULFIL = missingScope('orders:fulfil');

/** The columns: the contract's principals (claims as the local auth server issues them), a read-only alice, and nobody. */
const CALLERS = {
  anonymous: null,
  alice: PRINCIPALS.alice,
  aliceReadOnly: { ...PRINCIPALS.alice, scope: 'orders:read' },
  bob: PRINCIPALS.bob,
  carol: PRINCIPALS.carol,
  sam: PRINCIPALS.sam,
  ada: PRINCIPALS.ada,
  fulfilment: PRINCIPALS.fulfilment,
};
type Caller = keyof typeof CALLERS;
type Row = Partial<Record<Caller, ExpectedOutcome>>;

/** A row where every user gets `users` and the fulfilment client gets `fulfilment` (anonymous: 401). */
const sameForUsers = (users: ExpectedOutcome, fulfilment: ExpectedOutcome): Row => ({
  anonymous: ANONYMOUS,
  alice: users,
  aliceReadOnly: users,
  bob: users,
  carol: users,
  sam: users,
  ada: users,
  fulfilment,
});

/** A subject that is no column of the table: revoking its tokens cannot touch another cell. */
const REVOKED_SUBJECT = 'former-employee';
const ITEMS = [{ sku: 'MATRIX-1', qty: 1, priceCents: 500 }];

interface OrderJson {
  readonly id: string;
  readonly ownerId: string;
  readonly orgId: string;
  readonly status: string;
}

const logs = new LogCapture();
let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({ audience: DEFAULT_AUDIENCE });
});

afterAll(async () => {
  await issuer?.close();
});

describe.each(testDatabases())('access table of the orders API on $name', (target) => {
  let api: RunningApi;
  let dispose: () => Promise<void>;
  const as = {} as Record<Exclude<Caller, 'anonymous'>, TestPrincipal>;
  /** Ids of real orders, looked up (seeded) or created (fresh) through the API as their owners. */
  const ids = {} as Record<
    'alicePending' | 'aliceFulfilled' | 'bobAny' | 'carolSeeded' | 'cancelMe' | 'deleteMe' | 'fulfilMe',
    string
  >;

  const json = async <T>(res: Response, status: number): Promise<T> => {
    expect(res.status).toBe(status);
    return (await res.json()) as T;
  };
  const listOwnOrders = async (who: TestPrincipal): Promise<OrderJson[]> =>
    (await json<{ data: OrderJson[] }>(await who.fetch(`${api.url}/orders?limit=100`), 200)).data;
  const createOrder = async (who: TestPrincipal): Promise<string> =>
    (
      await json<OrderJson>(
        await who.fetch(`${api.url}/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ items: ITEMS }),
        }),
        201,
      )
    ).id;
  const findOrder = (orders: OrderJson[], owner: string, status?: string): string => {
    const order = orders.find((o) => o.ownerId === owner && (status === undefined || o.status === status));
    if (!order) throw new Error(`no ${status ?? ''} order of ${owner} in the database`);
    return order.id;
  };

  beforeAll(async () => {
    const created = await target.create();
    dispose = created.dispose;
    api = await startOrdersApi({
      issuer: issuer.issuer,
      database: created.config,
      logs,
      clock: () => issuer.clock.now(),
      // High limits: the table sends ~130 requests, the anonymous ones all from one IP.
      rateLimit: { perMinute: 1_000_000, burst: 1_000_000 },
    });
    for (const name of ['alice', 'aliceReadOnly', 'bob', 'carol', 'sam', 'ada', 'fulfilment'] as const) {
      as[name] = asPrincipal(issuer, CALLERS[name]);
    }
    // Seeded orders, looked up by their owners (never hard-coded ids).
    const alices = await listOwnOrders(as.alice);
    ids.alicePending = findOrder(alices, 'alice', 'pending');
    ids.aliceFulfilled = findOrder(alices, 'alice', 'fulfilled');
    ids.bobAny = findOrder(await listOwnOrders(as.bob), 'bob');
    ids.carolSeeded = findOrder(await listOwnOrders(as.carol), 'carol');
    // One fresh order per mutating row, created by its owner.
    ids.cancelMe = await createOrder(as.alice);
    ids.deleteMe = await createOrder(as.bob);
    ids.fulfilMe = await createOrder(as.carol);
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await dispose?.();
  });

  it('enforces the contract access table for every route and principal', async () => {
    const routes: MatrixRoute[] = [
      { method: 'GET', path: '/health' },
      { method: 'GET', path: METADATA_PATH },
      { method: 'GET', path: '/orders' },
      { name: "GET /orders/:id · alice's order", method: 'GET', path: '/orders/:id', params: { id: ids.alicePending } },
      {
        name: "GET /orders/:id · carol's order (globex)",
        method: 'GET',
        path: '/orders/:id',
        params: { id: ids.carolSeeded },
      },
      {
        name: 'GET /orders/:id · absent',
        method: 'GET',
        path: '/orders/:id',
        params: { id: 'ord_AAAAAAAAAAAAAAAAAAAAAA' },
      },
      { method: 'POST', path: '/orders', body: { items: ITEMS } },
      {
        name: 'POST /orders/:id/cancel · pending *',
        method: 'POST',
        path: '/orders/:id/cancel',
        params: { id: ids.cancelMe },
      },
      {
        name: 'POST /orders/:id/cancel · fulfilled',
        method: 'POST',
        path: '/orders/:id/cancel',
        params: { id: ids.aliceFulfilled },
      },
      {
        name: "DELETE /orders/:id · bob's order *",
        method: 'DELETE',
        path: '/orders/:id',
        params: { id: ids.deleteMe },
      },
      {
        name: "DELETE /orders/:id · carol's (globex)",
        method: 'DELETE',
        path: '/orders/:id',
        params: { id: ids.carolSeeded },
      },
      { method: 'GET', path: '/internal/orders/:id', params: { id: ids.bobAny } },
      {
        name: 'POST /internal/orders/:id/fulfil · pending *',
        method: 'POST',
        path: '/internal/orders/:id/fulfil',
        params: { id: ids.fulfilMe },
      },
      {
        name: 'POST /internal/orders/:id/fulfil · fulfilled',
        method: 'POST',
        path: '/internal/orders/:id/fulfil',
        params: { id: ids.aliceFulfilled },
      },
      { name: 'POST /sessions/logout *', method: 'POST', path: '/sessions/logout' },
      {
        name: 'POST /admin/users/:sub/revoke-tokens *',
        method: 'POST',
        path: '/admin/users/:sub/revoke-tokens',
        params: { sub: REVOKED_SUBJECT },
      },
    ];
    const expected: Record<string, Row> = {
      'GET /health': {
        anonymous: 200,
        alice: 200,
        aliceReadOnly: 200,
        bob: 200,
        carol: 200,
        sam: 200,
        ada: 200,
        fulfilment: 200,
      },
      [`GET ${METADATA_PATH}`]: {
        anonymous: 200,
        alice: 200,
        aliceReadOnly: 200,
        bob: 200,
        carol: 200,
        sam: 200,
        ada: 200,
        fulfilment: 200,
      },
      'GET /orders': sameForUsers(200, S_READ),
      "GET /orders/:id · alice's order": {
        ...sameForUsers(NOT_FOUND, S_READ),
        alice: 200,
        aliceReadOnly: 200,
        sam: 200,
        ada: 200,
      },
      "GET /orders/:id · carol's order (globex)": { ...sameForUsers(NOT_FOUND, S_READ), carol: 200 },
      'GET /orders/:id · absent': sameForUsers(NOT_FOUND, S_READ),
      'POST /orders': { ...sameForUsers(201, S_WRITE), aliceReadOnly: S_WRITE },
      'POST /orders/:id/cancel · pending *': {
        ...sameForUsers(NOT_FOUND, S_WRITE),
        alice: 200,
        aliceReadOnly: S_WRITE,
      },
      'POST /orders/:id/cancel · fulfilled': {
        ...sameForUsers(NOT_FOUND, S_WRITE),
        alice: CONFLICT,
        aliceReadOnly: S_WRITE,
      },
      "DELETE /orders/:id · bob's order *": { ...sameForUsers(FORBIDDEN, S_WRITE), aliceReadOnly: S_WRITE, ada: 204 },
      "DELETE /orders/:id · carol's (globex)": {
        ...sameForUsers(FORBIDDEN, S_WRITE),
        aliceReadOnly: S_WRITE,
        ada: NOT_FOUND,
      },
      'GET /internal/orders/:id': sameForUsers(S_FULFIL, 200),
      'POST /internal/orders/:id/fulfil · pending *': sameForUsers(S_FULFIL, 200),
      'POST /internal/orders/:id/fulfil · fulfilled': sameForUsers(S_FULFIL, CONFLICT),
      'POST /sessions/logout *': sameForUsers(204, 204),
      'POST /admin/users/:sub/revoke-tokens *': { ...sameForUsers(FORBIDDEN, FORBIDDEN), ada: 204 },
    };

    const result = await authorizationMatrix({
      baseUrl: api.url,
      issuer,
      principals: CALLERS,
      routes,
      expect: expected,
      concurrency: 1,
      // Generous per-request limit: the machine running the suite may be busy (2 cores, PGlite).
      timeout: 15_000,
    });
    expect(result.ok).toBe(true);
    expect(result.cells).toHaveLength(routes.length * Object.keys(CALLERS).length);

    // The state the allowed mutating cells left behind, and nothing else changed.
    const order = async (who: TestPrincipal, id: string) =>
      (await who.fetch(`${api.url}/orders/${id}`)).json() as Promise<OrderJson>;
    expect(await order(as.alice, ids.cancelMe)).toMatchObject({ id: ids.cancelMe, status: 'cancelled' });
    expect((await as.bob.fetch(`${api.url}/orders/${ids.deleteMe}`)).status).toBe(404);
    expect((await as.sam.fetch(`${api.url}/orders/${ids.deleteMe}`)).status).toBe(404);
    expect(await order(as.carol, ids.fulfilMe)).toMatchObject({ id: ids.fulfilMe, status: 'fulfilled' });
    expect(await order(as.alice, ids.alicePending)).toMatchObject({ status: 'pending' });
    expect(await order(as.carol, ids.carolSeeded)).toMatchObject({ ownerId: 'carol', orgId: 'globex' });
    expect(await order(as.bob, ids.bobAny)).toMatchObject({ ownerId: 'bob' });

    // Every operation the app documents has at least one row: a new route without a row fails here.
    const doc = (await (await fetch(`${api.url}/docs-json`, { signal: AbortSignal.timeout(5000) })).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const covered = new Set(routes.map((r) => `${r.method} ${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`));
    expect(documented.length).toBeGreaterThanOrEqual(10);
    expect(documented.filter((operation) => !covered.has(operation))).toEqual([]);
    expect([...covered].filter((operation) => !documented.includes(operation))).toEqual([]);

    // ~130 requests with as many tokens, and not one of them in the logs.
    expect(logs.entries().some((e) => e.msg === 'portcullis.decision')).toBe(true);
    expect(logs.text()).not.toMatch(/eyJ[A-Za-z0-9_-]+\.eyJ/);
  }, 120_000);
});
