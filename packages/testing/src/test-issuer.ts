import type { JSONWebKeySet } from 'jose';
import type { BadTokenKind } from './bad-token-kind.js';
import type { JwksServerControl } from './jwks-server-control.js';
import type { SigningAlgorithm } from './signing-algorithm.js';
import type { TestClock } from './test-clock.js';

/**
 * Claims for `issuer.token()`: merged over the defaults (`iss`, `sub` `test-user`, `aud`,
 * `client_id` `test-client`, `iat`, `exp`, `jti`). A claim set to `undefined` is omitted;
 * `scope` may be a string or an array (joined with spaces) and is omitted when empty.
 *
 * @example
 * ```ts
 * const claims: TokenClaims = { sub: 'alice', scope: ['orders:read'], roles: ['customer'], org_id: 'acme', jti: undefined };
 * const token = await issuer.token(claims);
 * ```
 */
export interface TokenClaims {
  readonly scope?: string | readonly string[] | undefined;
  readonly [claim: string]: unknown;
}

/**
 * Options of `issuer.token()`.
 *
 * @example
 * ```ts
 * await issuer.token({}, { alg: 'RS256', expiresIn: 60, typ: 'application/at+jwt' });
 * await issuer.token({}, { kid: 'es256-1', header: { cty: 'JWT' } });
 * ```
 */
export interface TokenOptions {
  /**
   * Signing algorithm; the issuer's newest published key for it signs.
   * @default 'ES256' (or the issuer's first algorithm when it has no ES256 key)
   */
  readonly alg?: SigningAlgorithm;
  /**
   * `kid` of the signing key (published or removed). A `kid` the issuer never had is written to
   * the header as is, with the token signed by the key of `alg`.
   * @default the newest key of `alg`
   */
  readonly kid?: string;
  /** Header `typ`; `null` omits it. @default 'at+jwt' */
  readonly typ?: string | null;
  /** Extra protected-header members; they win over `alg`/`typ`/`kid` in the header (the signing key does not change). */
  readonly header?: Readonly<Record<string, unknown>>;
  /** Lifetime in seconds: `exp = iat + expiresIn`. @default 300 */
  readonly expiresIn?: number;
}

/**
 * Which key signs in `issuer.sign()`.
 *
 * - `'none'`: empty signature.
 * - `` `hmac:${secret}` `` or `{ hmac }`: HMAC with the header's `HS256`/`HS384`/`HS512` and that secret (text as UTF-8, or bytes).
 * - `{ kid }`: that issuer key (published or removed), with its own algorithm, whatever the header says.
 * - `'untrusted'`: a key of the header's algorithm that is never published (an attacker or another issuer).
 *
 * @example
 * ```ts
 * const key: SigningKeyChoice = 'hmac:not-a-real-secret';
 * await issuer.sign({ alg: 'HS256', typ: 'at+jwt' }, claims, { key });
 * ```
 */
export type SigningKeyChoice =
  'none' | 'untrusted' | `hmac:${string}` | { readonly hmac: string | Uint8Array } | { readonly kid: string };

/**
 * Options of `issuer.sign()`.
 *
 * @example
 * ```ts
 * await issuer.sign('{"alg":"none","alg":"ES256","kid":"es256-1"}', claims, { alg: 'ES256' });
 * ```
 */
export interface SignOptions {
  /** The signing key. @default the key named by the header's `kid`, else the newest key of the header's `alg` */
  readonly key?: SigningKeyChoice;
  /** Signing algorithm when the header is raw text or names no usable `alg`. @default the header's `alg` */
  readonly alg?: SigningAlgorithm;
}

/**
 * A protected header for `issuer.sign()`: an object (serialised with `JSON.stringify`), or the
 * exact header text / bytes (duplicate members, invalid UTF-8, non-object JSON).
 *
 * @example
 * ```ts
 * const header: RawHeader = { alg: 'ES256', typ: 'at+jwt', kid: 'es256-1', crit: ['exp-ext'], 'exp-ext': 1 };
 * ```
 */
export type RawHeader = Readonly<Record<string, unknown>> | string | Uint8Array;

/**
 * The verifier settings that match a test issuer, ready to spread into
 * `createAccessTokenVerifier`, `createPortcullis` or `PortcullisModule.forRoot`.
 *
 * @example
 * ```ts
 * const verifier = createAccessTokenVerifier({ ...issuer.verifierOptions(), clockTolerance: 0 });
 * ```
 */
export interface TestVerifierOptions {
  readonly issuer: string;
  readonly audience: string;
  /** The served key set (`serve: 'http'`). */
  readonly jwksUri?: string;
  /** A snapshot of the key set (`serve: 'none'`); call `verifierOptions()` again after a rotation. */
  readonly jwks?: JSONWebKeySet;
  /** The issuer's clock, so verifier and issuer agree on the time. */
  readonly now: () => number;
}

/**
 * A local authorization server for tests: keys, a served JWKS, a token factory with hostile
 * presets, and a shared clock. Create it with `createTestIssuer()`; always `close()` it.
 *
 * @example
 * ```ts
 * const issuer = await createTestIssuer();
 * const verifier = createAccessTokenVerifier(issuer.verifierOptions());
 * const token = await issuer.token({ scope: 'orders:read' });
 * await verifier.verify(token);
 * await issuer.close();
 * ```
 */
export interface TestIssuer {
  /** The `iss` of every token (and of the discovery document). */
  readonly issuer: string;
  /** The default `aud` of every token. */
  readonly audience: string;
  /** `<base>/jwks` on 127.0.0.1, or `undefined` with `serve: 'none'`. */
  readonly jwksUri: string | undefined;
  /** `<base>/.well-known/openid-configuration`, or `undefined` with `serve: 'none'`. */
  readonly discoveryUri: string | undefined;
  /** A copy of the public key set currently published. */
  readonly jwks: JSONWebKeySet;
  /** The clock tokens are minted with (and that `verifierOptions().now` reads). */
  readonly clock: TestClock;
  /** Fault injection on the served key set. */
  readonly jwksServer: JwksServerControl;
  /**
   * `{ issuer, audience, jwksUri | jwks, now }` for the verifier under test.
   * @example
   * ```ts
   * const verifier = createAccessTokenVerifier({ ...issuer.verifierOptions(), algorithms: ['ES256', 'RS256'] });
   * ```
   */
  verifierOptions(): TestVerifierOptions;
  /**
   * A valid RFC 9068 access token (compact JWS): header `{ alg, typ: 'at+jwt', kid }`, default
   * claims merged with `claims`, `iat`/`exp` from {@link TestIssuer.clock}.
   * @example
   * ```ts
   * const token = await issuer.token({ sub: 'alice', scope: ['orders:read'], roles: ['customer'] }, { alg: 'RS256' });
   * await request(app).get('/orders').set('Authorization', `Bearer ${token}`).expect(200);
   * ```
   */
  token(claims?: TokenClaims, options?: TokenOptions): Promise<string>;
  /**
   * A token with exactly one defect (see {@link BadTokenKind}); `claims` are merged as in
   * `token()`, then the defect is applied (so it always survives).
   * @example
   * ```ts
   * await request(app).get('/orders').set('Authorization', `Bearer ${await issuer.badToken('alg-none')}`).expect(401);
   * await issuer.badToken('missing-claim:client_id', { scope: 'orders:read' });
   * ```
   */
  badToken(kind: BadTokenKind, claims?: TokenClaims): Promise<string>;
  /**
   * Signs any header and payload as a compact JWS. An object, array, number, boolean or `null`
   * payload is serialised as JSON; a string or bytes payload is used as is (pass `'"x"'` for the
   * JSON string `"x"`). A header with `b64: false` gets an unencoded payload (RFC 7797); a JSON
   * payload is then written with `.` and non-ASCII characters inside strings as `\uXXXX` escapes,
   * so the token keeps its three parts.
   * @example
   * ```ts
   * await issuer.sign({ alg: 'ES256', typ: 'at+jwt', kid: 'es256-1' }, 'null');               // payload `null`
   * await issuer.sign({ alg: 'HS256', typ: 'at+jwt' }, claims, { key: 'hmac:' });            // empty HMAC key
   * await issuer.sign({ alg: 'ES256', typ: 'at+jwt', kid: 'rs256-1' }, claims);              // RSA signature under ES256
   * ```
   */
  sign(header: RawHeader, payload: unknown, options?: SignOptions): Promise<string>;
  /**
   * Generates and publishes a key; resolves to its `kid` (e.g. `es256-2`). New tokens of `alg` use it.
   * @example
   * ```ts
   * const kid = await issuer.addKey('ES256');        // 'es256-2', served at once
   * const token = await issuer.token();              // signed by es256-2
   * ```
   */
  addKey(alg: SigningAlgorithm): Promise<string>;
  /**
   * Stops publishing a key (a `TypeError` for a kid that is not published). Tokens can still be
   * signed with it via `token({}, { kid })` or `sign(..., { key: { kid } })` (rotation tests).
   * @example
   * ```ts
   * issuer.removeKey('es256-1');
   * const stale = await issuer.token({}, { kid: 'es256-1' }); // the API must now refuse it
   * ```
   */
  removeKey(kid: string): void;
  /**
   * Closes the server, aborts pending (slow) answers and destroys every open connection. Safe to call twice.
   * @example
   * ```ts
   * afterAll(() => issuer.close());
   * ```
   */
  close(): Promise<void>;
}
