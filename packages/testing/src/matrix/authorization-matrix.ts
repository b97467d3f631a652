import { markdownGrid, mismatchLine, textGrid } from '../internal/matrix-grid.js';
import { refuseUnknownKeys } from '../internal/unknown-keys.js';
import type { TokenClaims } from '../test-issuer.js';
import { AuthorizationMatrixError } from './authorization-matrix-error.js';
import type {
  AuthorizationMatrixOptions,
  ExpectedOutcome,
  MatrixPrincipal,
  MatrixRoute,
} from './authorization-matrix-options.js';
import type { AuthorizationMatrixResult, MatrixCell, ObservedOutcome } from './authorization-matrix-result.js';

const DEFAULT_TIMEOUT_MS = 5_000;
const MATRIX_OPTIONS = [
  'baseUrl',
  'issuer',
  'principals',
  'routes',
  'expect',
  'headers',
  'timeout',
  'concurrency',
  'throwOnMismatch',
  'fetch',
] as const;
const ROUTE_MEMBERS = ['method', 'path', 'params', 'name', 'body', 'headers'] as const;
const ROUTE_STRING = /^([A-Za-z]+) +(\/\S*)$/;
const PARAM_SEGMENT = /\/:([A-Za-z_][A-Za-z0-9_]*)/g;

type Expected = MatrixCell['expected'];

interface PlannedCell<P extends string> {
  readonly route: string;
  readonly principal: P;
  readonly method: string;
  readonly url: string;
  readonly body: string | undefined;
  readonly headers: Record<string, string>;
  readonly expected: Expected;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parseRouteString(text: string, where: string): MatrixRoute {
  const match = ROUTE_STRING.exec(text.trim());
  if (!match)
    throw new TypeError(
      `authorizationMatrix: ${where} ${JSON.stringify(text)} must read 'METHOD /path', e.g. 'GET /orders'`,
    );
  return { method: match[1]!.toUpperCase(), path: match[2]! };
}

function normaliseExpected(value: ExpectedOutcome, where: string): Expected {
  const isStatus = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 100 && (n as number) <= 599;
  if (typeof value === 'number') {
    if (!isStatus(value))
      throw new TypeError(`authorizationMatrix: ${where} must be an HTTP status (100-599), e.g. 403`);
    return { status: value };
  }
  if (typeof value === 'string') {
    const match = /^(\d{3}) +(\S+)$/.exec(value.trim());
    if (!match || !isStatus(Number(match[1])))
      throw new TypeError(
        `authorizationMatrix: ${where} must read '<status> <code>', e.g. '403 ERR_INSUFFICIENT_SCOPE'`,
      );
    return { status: Number(match[1]), code: match[2]! };
  }
  if (isRecord(value) && isStatus(value.status)) {
    const { status, code, wwwAuthenticate } = value;
    if (code !== undefined && typeof code !== 'string')
      throw new TypeError(`authorizationMatrix: ${where}.code must be a string`);
    if (wwwAuthenticate !== undefined && wwwAuthenticate !== null && typeof wwwAuthenticate !== 'string')
      throw new TypeError(`authorizationMatrix: ${where}.wwwAuthenticate must be a string, or null for "absent"`);
    return {
      status,
      ...(code !== undefined ? { code } : {}),
      ...(wwwAuthenticate !== undefined ? { wwwAuthenticate } : {}),
    };
  }
  throw new TypeError(
    `authorizationMatrix: ${where} must be a status (403), '<status> <code>' or { status, code?, wwwAuthenticate? }`,
  );
}

function fillParams(route: MatrixRoute, name: string): string {
  const params = route.params ?? {};
  return route.path.replace(PARAM_SEGMENT, (_segment, param: string) => {
    const value = params[param];
    if (typeof value !== 'string')
      throw new TypeError(
        `authorizationMatrix: route ${JSON.stringify(name)} needs params.${param} (a string) for :${param}`,
      );
    return `/${encodeURIComponent(value)}`;
  });
}

function validateOptions<P extends string>(options: AuthorizationMatrixOptions<P>): void {
  if (!isRecord(options)) throw new TypeError('authorizationMatrix(options): options must be an object');
  refuseUnknownKeys(options, MATRIX_OPTIONS, (key) => `authorizationMatrix: unknown option '${key}'; options are`);
  const { baseUrl, principals, expect, timeout, concurrency, issuer } = options;
  if (typeof baseUrl !== 'string' && !(isRecord(baseUrl) && typeof baseUrl.href === 'string'))
    throw new TypeError("authorizationMatrix: 'baseUrl' must be the app's URL, e.g. 'http://127.0.0.1:3000'");
  try {
    new URL(String(baseUrl));
  } catch {
    throw new TypeError("authorizationMatrix: 'baseUrl' must be an absolute URL, e.g. 'http://127.0.0.1:3000'");
  }
  if (!isRecord(principals) || Object.keys(principals).length === 0)
    throw new TypeError(
      "authorizationMatrix: 'principals' must name at least one caller: { alice: { sub: 'alice' }, anonymous: null }",
    );
  for (const [name, principal] of Object.entries<MatrixPrincipal>(principals)) {
    if (principal !== null && typeof principal !== 'function' && !isRecord(principal))
      throw new TypeError(
        `authorizationMatrix: principals.${name} must be token claims, null (anonymous) or a function returning a token`,
      );
    if (isRecord(principal) && (!isRecord(issuer) || typeof issuer.token !== 'function'))
      throw new TypeError(
        `authorizationMatrix: principals.${name} is token claims, so 'issuer' (a test issuer) is required`,
      );
  }
  if (!isRecord(expect) || Object.keys(expect).length === 0)
    throw new TypeError("authorizationMatrix: 'expect' must map at least one route to { principal: outcome }");
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0))
    throw new TypeError("authorizationMatrix: 'timeout' must be a number of milliseconds > 0");
  if (concurrency !== undefined && !(Number.isSafeInteger(concurrency) && concurrency >= 1))
    throw new TypeError("authorizationMatrix: 'concurrency' must be an integer >= 1");
  if (options.routes !== undefined && !Array.isArray(options.routes))
    throw new TypeError("authorizationMatrix: 'routes' must be an array of { method, path } or 'METHOD /path'");
}

/** Turns the options into the list of cells to request, rejecting any name that matches nothing. */
function plan<P extends string>(options: AuthorizationMatrixOptions<P>): { routes: string[]; cells: PlannedCell<P>[] } {
  const principalNames = Object.keys(options.principals) as P[];
  const known = new Set<string>(principalNames);
  const rawRoutes = options.routes ?? Object.keys(options.expect);
  const routes = rawRoutes.map((entry, i) => {
    if (typeof entry === 'string') return { name: entry.trim(), route: parseRouteString(entry, 'route') };
    if (
      !isRecord(entry) ||
      typeof entry.method !== 'string' ||
      typeof entry.path !== 'string' ||
      !entry.path.startsWith('/')
    )
      throw new TypeError(`authorizationMatrix: routes[${i}] must be { method, path: '/…' } or 'METHOD /path'`);
    refuseUnknownKeys(
      entry,
      ROUTE_MEMBERS,
      (key) => `authorizationMatrix: routes[${i}] has an unknown member '${key}'; members are`,
    );
    return { name: entry.name ?? `${entry.method.toUpperCase()} ${entry.path}`, route: entry };
  });

  const names = new Set<string>();
  for (const { name } of routes) {
    if (names.has(name))
      throw new TypeError(`authorizationMatrix: two routes are named ${JSON.stringify(name)}; give one a 'name'`);
    names.add(name);
  }
  for (const key of Object.keys(options.expect)) {
    if (!names.has(key))
      throw new TypeError(
        `authorizationMatrix: expect[${JSON.stringify(key)}] names no route (routes: ${[...names].map((n) => JSON.stringify(n)).join(', ')})`,
      );
  }

  const base = String(options.baseUrl).replace(/\/+$/, '');
  const cells: PlannedCell<P>[] = [];
  for (const { name, route } of routes) {
    const row = options.expect[name];
    if (!isRecord(row))
      throw new TypeError(
        `authorizationMatrix: route ${JSON.stringify(name)} has no expectations: add expect[${JSON.stringify(name)}]`,
      );
    for (const key of Object.keys(row)) {
      if (!known.has(key))
        throw new TypeError(
          `authorizationMatrix: expect[${JSON.stringify(name)}].${key} names no principal (principals: ${principalNames.join(', ')})`,
        );
    }
    const url = base + fillParams(route, name);
    const body = route.body === undefined || typeof route.body === 'string' ? route.body : JSON.stringify(route.body);
    const headers: Record<string, string> = { ...options.headers, ...route.headers };
    // The column decides Authorization (a fresh token, or none for anonymous): a header of the
    // table or of a row would be sent to anonymous too, or merged with the token into one value.
    if (Object.keys(headers).some((h) => h.toLowerCase() === 'authorization'))
      throw new TypeError(
        `authorizationMatrix: route ${JSON.stringify(name)} sets an Authorization header; the principal sets it (use a principal function for a custom token)`,
      );
    if (
      route.body !== undefined &&
      typeof route.body !== 'string' &&
      !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')
    )
      headers['content-type'] = 'application/json';
    const before = cells.length;
    for (const principal of principalNames) {
      const outcome = (row as Partial<Record<P, ExpectedOutcome>>)[principal];
      if (outcome === undefined) continue;
      const expected = normaliseExpected(outcome, `expect[${JSON.stringify(name)}].${principal}`);
      cells.push({ route: name, principal, method: route.method.toUpperCase(), url, body, headers, expected });
    }
    // A row without a single outcome would "pass" without sending a request.
    if (cells.length === before)
      throw new TypeError(
        `authorizationMatrix: expect[${JSON.stringify(name)}] names no principal: give at least one outcome, e.g. { ${principalNames[0]}: 200 }`,
      );
  }
  return { routes: routes.map((r) => r.name), cells };
}

async function observe(response: Response): Promise<ObservedOutcome> {
  const text = await response.text();
  let code: string | undefined;
  try {
    const body: unknown = JSON.parse(text);
    if (isRecord(body) && typeof body.code === 'string') code = body.code;
  } catch {
    // Not JSON: the outcome is the status alone.
  }
  return {
    status: response.status,
    ...(code !== undefined ? { code } : {}),
    wwwAuthenticate: response.headers.get('www-authenticate'),
  };
}

function matches(expected: Expected, actual: ObservedOutcome): boolean {
  if (actual.error !== undefined || actual.status !== expected.status) return false;
  if (expected.code !== undefined && actual.code !== expected.code) return false;
  if (expected.wwwAuthenticate !== undefined && actual.wwwAuthenticate !== expected.wwwAuthenticate) return false;
  return true;
}

/** `TypeError: ECONNREFUSED`, `TimeoutError` … (duck-typed: under Jest, fetch errors come from another realm). */
function errorName(error: unknown): string {
  if (!isRecord(error) || typeof error.name !== 'string') return 'unknown error';
  const cause = error.cause;
  return isRecord(cause) && typeof cause.code === 'string' ? `${error.name}: ${cause.code}` : error.name;
}

/**
 * Checks an access table over HTTP: for each route (row) and principal (column) it sends a real
 * request — with a fresh token minted for the principal's claims, or none for anonymous — and
 * compares the answer with the expected status (and, when given, the error `code` and the exact
 * `WWW-Authenticate`). Every cell runs, then all mismatches are reported at once as a grid
 * (`✓ 200`, `✗ 404→200`) in one `AuthorizationMatrixError`. Framework-agnostic: it only needs
 * the URL your app listens on.
 *
 * Cells run in table order (row by row, principals in the order of `principals`), one at a time
 * unless `concurrency` says otherwise. A name in `expect` that matches no route or principal is a
 * `TypeError`, so a typo cannot silently skip a check.
 *
 * @returns the result (cells, grid, `toMarkdown()`); with `throwOnMismatch: false` also when cells differ.
 * @throws {AuthorizationMatrixError} when a cell differs (unless `throwOnMismatch: false`).
 * @throws {TypeError} on invalid options.
 *
 * @example
 * ```ts
 * import { authorizationMatrix, createTestIssuer } from '@portcullis/testing';
 *
 * it('enforces the access table', async () => {
 *   await authorizationMatrix({
 *     baseUrl: server.url,
 *     issuer,
 *     principals: {
 *       alice: { sub: 'alice', scope: 'orders:read orders:write', roles: ['customer'], org_id: 'acme' },
 *       bob: { sub: 'bob', scope: 'orders:read', roles: ['customer'], org_id: 'acme' },
 *       anonymous: null,
 *     },
 *     routes: [
 *       'GET /health',
 *       { method: 'GET', path: '/orders/:id', params: { id: aliceOrderId } },
 *       { method: 'POST', path: '/orders', body: { items: [{ sku: 'A-1', qty: 1, priceCents: 500 }] } },
 *     ],
 *     expect: {
 *       'GET /health': { alice: 200, anonymous: 200 },
 *       'GET /orders/:id': { alice: 200, bob: 404, anonymous: 401 },
 *       'POST /orders': { alice: 201, bob: '403 ERR_INSUFFICIENT_SCOPE', anonymous: 401 },
 *     },
 *   });
 * });
 * ```
 */
export async function authorizationMatrix<P extends string>(
  options: AuthorizationMatrixOptions<P>,
): Promise<AuthorizationMatrixResult<P>> {
  validateOptions(options);
  const { routes, cells: planned } = plan(options);
  const principals = Object.keys(options.principals) as P[];
  const doFetch = options.fetch ?? fetch;
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;

  const tokenFor = async (principal: P): Promise<string | undefined> => {
    const source: MatrixPrincipal = options.principals[principal];
    if (source === null) return undefined;
    if (typeof source === 'function') {
      // Bounded like the request itself: a token function that never settles must not hang the test.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const token = await Promise.race([
        Promise.resolve(source()),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(
            () =>
              reject(new Error(`authorizationMatrix: principals.${principal}() gave no token within ${timeout} ms`)),
            timeout,
          );
        }),
      ]).finally(() => clearTimeout(timer));
      if (typeof token !== 'string' || token === '')
        throw new TypeError(`authorizationMatrix: principals.${principal}() must return a token string`);
      return token;
    }
    // A fresh token per cell: a cell that revokes its token (logout) cannot affect another cell.
    return options.issuer!.token(source as TokenClaims);
  };

  const run = async (cell: PlannedCell<P>): Promise<MatrixCell<P>> => {
    const token = await tokenFor(cell.principal);
    const headers: Record<string, string> = { ...cell.headers };
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    let actual: ObservedOutcome;
    try {
      const response = await doFetch(cell.url, {
        method: cell.method,
        headers,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeout),
        ...(cell.body !== undefined ? { body: cell.body } : {}),
      });
      actual = await observe(response);
    } catch (error) {
      actual = { status: 0, wwwAuthenticate: null, error: errorName(error) };
    }
    const { body: _body, headers: _headers, ...shown } = cell;
    return { ...shown, actual, ok: matches(cell.expected, actual) };
  };

  const results: MatrixCell<P>[] = new Array(planned.length);
  let next = 0;
  // The first error (a principal function that throws) stops every worker, and the matrix rejects
  // only once the cells already started are done: no request runs on after the test has failed.
  let failed = false;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (!failed && next < planned.length) {
      const index = next++;
      try {
        results[index] = await run(planned[index]!);
      } catch (error) {
        if (!failed) failure = error;
        failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 1, planned.length) }, worker));
  if (failed) throw failure;

  const byKey = new Map(results.map((c) => [`${c.route}\u0000${c.principal}`, c]));
  const cell = (route: string, principal: string): MatrixCell<P> | undefined => byKey.get(`${route}\u0000${principal}`);
  const mismatches = results.filter((c) => !c.ok);
  const result: AuthorizationMatrixResult<P> = {
    ok: mismatches.length === 0,
    routes,
    principals,
    cells: results,
    mismatches,
    cell,
    toString() {
      const heading = mismatches.length
        ? `Authorization matrix: ${mismatches.length} of ${results.length} cells differ (✗ expected→actual)`
        : `Authorization matrix: all ${results.length} cells match`;
      return [
        heading,
        '',
        textGrid(routes, principals, cell),
        ...(mismatches.length ? ['', ...mismatches.map(mismatchLine)] : []),
      ].join('\n');
    },
    toMarkdown() {
      return markdownGrid(routes, principals, cell);
    },
  };
  if (!result.ok && options.throwOnMismatch !== false) throw new AuthorizationMatrixError(result);
  return result;
}
