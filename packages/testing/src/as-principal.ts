import type { TestIssuer, TokenClaims, TokenOptions } from './test-issuer.js';

/** Default time limit of {@link TestPrincipal.fetch}, in milliseconds. */
const DEFAULT_FETCH_TIMEOUT_MS = 10_000;

/**
 * A caller of your API in a test: a set of claims, and real tokens minted for them by a test
 * issuer. Every call mints a **fresh** token (new `jti`, `iat` = the issuer's now), so a test that
 * revokes one token does not affect the next request.
 *
 * Nothing here bypasses your guard or middleware: the request carries an ordinary signed bearer
 * token, and the application verifies it and decides exactly as it would in production.
 *
 * @example
 * ```ts
 * const alice = asPrincipal(issuer, { sub: 'alice', scope: 'orders:read', roles: ['customer'] });
 * const res = await alice.fetch(`${server.url}/orders`);            // fetch + Authorization header
 * await request(app.getHttpServer()).get('/orders').set(await alice.headers()); // supertest
 * ```
 */
export interface TestPrincipal {
  /** The claims every token of this principal carries (merged over the issuer's defaults). */
  readonly claims: TokenClaims;
  /** A fresh access token for these claims. */
  token(options?: TokenOptions): Promise<string>;
  /** `Bearer <fresh token>`: the value of an `Authorization` header. */
  authorization(): Promise<string>;
  /** `{ authorization: 'Bearer <fresh token>' }`, for supertest's `.set()` or fetch's `headers`. */
  headers(): Promise<{ authorization: string }>;
  /**
   * `fetch` with a fresh bearer token in `Authorization` (an `authorization` header in `init`
   * wins). Times out after 10 s unless `init.signal` is given. Redirects are not followed (the
   * answer is the route's own `3xx`) unless `init.redirect` says `'follow'`.
   */
  fetch(input: string | URL, init?: RequestInit): Promise<Response>;
  /** The same principal with more (or changed) claims; a claim set to `undefined` is removed. */
  with(claims: TokenClaims): TestPrincipal;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Makes a {@link TestPrincipal}: the caller "alice with `orders:read`" for a test, whose requests
 * carry real tokens from `issuer`. Use it to run a request as a given principal without weakening
 * the guard: the token goes through the same verification and the same decision code as in
 * production (there is no test-only bypass anywhere in Portcullis).
 *
 * @param issuer A test issuer (`createTestIssuer()`), or anything with its `token(claims, options)`.
 * @param claims Claims of every token: `sub`, `scope`, `roles`, `org_id`, … (merged over the
 *   issuer's defaults, see `issuer.token()`).
 * @param options Token options of every token (`alg`, `expiresIn`, …).
 *
 * @example
 * ```ts
 * import { asPrincipal, createTestIssuer } from '@portcullis/testing';
 *
 * const issuer = await createTestIssuer();
 * const alice = asPrincipal(issuer, { sub: 'alice', scope: 'orders:read', roles: ['customer'], org_id: 'acme' });
 * const res = await alice.fetch(`${baseUrl}/orders`);
 * expect(res.status).toBe(200);
 * const readOnly = alice.with({ scope: 'orders:read' });
 * expect((await readOnly.fetch(`${baseUrl}/orders`, { method: 'POST' })).status).toBe(403);
 * ```
 */
export function asPrincipal(
  issuer: Pick<TestIssuer, 'token'>,
  claims: TokenClaims = {},
  options: TokenOptions = {},
): TestPrincipal {
  if (!isRecord(issuer) || typeof issuer.token !== 'function') {
    throw new TypeError('asPrincipal(issuer, claims): issuer must be a test issuer from createTestIssuer()');
  }
  if (!isRecord(claims)) throw new TypeError('asPrincipal(issuer, claims): claims must be an object of token claims');
  if (!isRecord(options)) throw new TypeError('asPrincipal(issuer, claims, options): options must be an object');
  const frozenClaims: TokenClaims = Object.freeze({ ...claims });

  const token = (tokenOptions?: TokenOptions): Promise<string> =>
    issuer.token(frozenClaims, { ...options, ...tokenOptions });

  return {
    claims: frozenClaims,
    token,
    async authorization() {
      return `Bearer ${await token()}`;
    },
    async headers() {
      return { authorization: `Bearer ${await token()}` };
    },
    async fetch(input, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${await token()}`);
      return fetch(input, {
        // The route's own answer: a followed redirect (to a public login page, say) would turn a
        // refusal into a 200 and make an authorization test pass for the wrong reason.
        redirect: 'manual',
        ...init,
        headers,
        signal: init.signal ?? AbortSignal.timeout(DEFAULT_FETCH_TIMEOUT_MS),
      });
    },
    with(more) {
      if (!isRecord(more)) throw new TypeError('principal.with(claims): claims must be an object of token claims');
      return asPrincipal(issuer, { ...frozenClaims, ...more }, options);
    },
  };
}
