import type { TestIssuer, TokenClaims } from '../test-issuer.js';

/**
 * The expected answer of one cell (route × principal):
 * - a status: `200`, `401`, `403`, `404` …;
 * - a status and the stable error `code` of the body: `'403 ERR_INSUFFICIENT_SCOPE'`;
 * - an object, to check the exact `WWW-Authenticate` header too (`null` = must be absent).
 *
 * @example
 * ```ts
 * const cells: Record<string, ExpectedOutcome> = {
 *   alice: 200,
 *   bob: '404 ERR_NOT_FOUND',
 *   anonymous: { status: 401, code: 'ERR_MISSING_TOKEN', wwwAuthenticate: 'Bearer realm="orders"' },
 * };
 * ```
 */
export type ExpectedOutcome =
  | number
  | `${number} ${string}`
  | {
      readonly status: number;
      /** The body's `code` (Portcullis error bodies carry one). @default not checked */
      readonly code?: string;
      /** The exact `WWW-Authenticate` header; `null` asserts it is absent. @default not checked */
      readonly wwwAuthenticate?: string | null;
    };

/**
 * Who calls, in a matrix column:
 * - token claims: each cell gets a fresh token for them from `issuer`;
 * - `null`: no `Authorization` header at all (anonymous);
 * - a function returning the token to send (a bad token, a token from elsewhere).
 *
 * @example
 * ```ts
 * const principals: Record<string, MatrixPrincipal> = {
 *   alice: { sub: 'alice', scope: 'orders:read', roles: ['customer'], org_id: 'acme' },
 *   anonymous: null,
 *   expired: () => issuer.badToken('expired', { sub: 'alice' }),
 * };
 * ```
 */
export type MatrixPrincipal = TokenClaims | null | (() => string | Promise<string>);

/**
 * A matrix row: one request. `path` may hold `:name` segments filled from `params` (URL-encoded),
 * so the row is named after the route pattern while it requests a concrete resource.
 *
 * @example
 * ```ts
 * const routes: MatrixRoute[] = [
 *   { method: 'GET', path: '/orders/:id', params: { id: aliceOrderId } },            // row 'GET /orders/:id'
 *   { name: 'GET /orders/:id (missing)', method: 'GET', path: '/orders/nope' },
 *   { method: 'POST', path: '/orders', body: { items: [{ sku: 'A-1', qty: 1, priceCents: 500 }] } },
 *   'GET /health',
 * ];
 * ```
 */
export interface MatrixRoute {
  /** HTTP method, e.g. `'GET'`. */
  readonly method: string;
  /** Path relative to `baseUrl` (with an optional query string), e.g. `/orders/:id`. */
  readonly path: string;
  /** Values of the `:name` segments of `path`. @default {} */
  readonly params?: Readonly<Record<string, string>>;
  /** The row's name, and its key in `expect`. @default `${method} ${path}` (before params are filled in) */
  readonly name?: string;
  /** Request body: a string is sent as is, anything else as JSON (with `content-type: application/json`). */
  readonly body?: unknown;
  /** Extra request headers of this row (not `Authorization`: the principal sets it). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Options of {@link authorizationMatrix}.
 *
 * @example
 * ```ts
 * const options: AuthorizationMatrixOptions<'alice' | 'bob' | 'anonymous'> = {
 *   baseUrl: server.url,
 *   issuer,
 *   principals: { alice: { sub: 'alice', scope: 'orders:read' }, bob: { sub: 'bob', scope: 'orders:read' }, anonymous: null },
 *   routes: [{ method: 'GET', path: '/orders/:id', params: { id: 'o-a1' } }],
 *   expect: { 'GET /orders/:id': { alice: 200, bob: 404, anonymous: 401 } },
 * };
 * ```
 */
export interface AuthorizationMatrixOptions<P extends string = string> {
  /** Where the application listens, e.g. `http://127.0.0.1:53123` (paths are appended to it). */
  readonly baseUrl: string | URL;
  /** Mints the tokens of principals given as claims (a test issuer). Required when any principal is claims. */
  readonly issuer?: Pick<TestIssuer, 'token'>;
  /** The columns: name → claims, `null` (anonymous) or a token function. Column order = key order. */
  readonly principals: Readonly<Record<P, MatrixPrincipal>>;
  /**
   * The rows, in order: objects, or `'METHOD /path'` strings. Every row needs an entry in
   * `expect`, and every key of `expect` must name a row (a typo fails with a `TypeError`).
   * @default one row per key of `expect`, each key read as `'METHOD /path'`
   */
  readonly routes?: readonly (MatrixRoute | string)[];
  /**
   * The expected outcomes: row name → principal → outcome. A principal left out of a row is not
   * requested for that row (shown as `·`), but every row needs at least one outcome. Principal
   * names are checked against `principals`, by the compiler and at run time.
   */
  readonly expect: Readonly<Record<string, Partial<Readonly<Record<NoInfer<P>, ExpectedOutcome>>>>>;
  /** Headers sent with every request (a row's `headers` win); not `Authorization`, which the principal sets. @default {} */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Time limit of each request, in milliseconds; a request that takes longer is a failed cell. A
   * principal function that gives no token within it makes the matrix throw. @default 5000
   */
  readonly timeout?: number;
  /**
   * How many requests run at once. Cells run row by row, principals in column order; keep `1`
   * when a request changes state that a later cell reads (a delete, a logout). @default 1
   */
  readonly concurrency?: number;
  /**
   * Throw an `AuthorizationMatrixError` (the grid plus one line per mismatch) when any cell
   * differs. `false` returns the result instead. @default true
   */
  readonly throwOnMismatch?: boolean;
  /** The `fetch` to use. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}
