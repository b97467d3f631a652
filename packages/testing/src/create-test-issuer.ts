import type { BadTokenKind } from './bad-token-kind.js';
import type { JwksFaultMode, JwksFaultOptions, JwksServerControl } from './jwks-server-control.js';
import type { SigningAlgorithm } from './signing-algorithm.js';
import type {
  RawHeader,
  SignOptions,
  TestIssuer,
  TestVerifierOptions,
  TokenClaims,
  TokenOptions,
} from './test-issuer.js';
import { isSigningAlgorithm, SIGNING_ALGORITHMS } from './internal/algorithms.js';
import { mintBadToken } from './internal/bad-tokens.js';
import { buildClaims } from './internal/claims.js';
import { createClock } from './internal/clock.js';
import { refuseUnknownKeys } from './internal/unknown-keys.js';
import { DISCOVERY_PATH, startJwksServer } from './internal/jwks-server.js';
import type { JwksServer } from './internal/jwks-server.js';
import { KeyRing, signWithKey } from './internal/key-ring.js';
import type { IssuerKey } from './internal/key-ring.js';
import { buildCompactJws, hmacSigner, unencodedJson } from './internal/raw-jws.js';
import type { RawSigner } from './internal/raw-jws.js';

/**
 * Options of {@link createTestIssuer}.
 *
 * @example
 * ```ts
 * const options: TestIssuerOptions = { audience: 'https://api.example.test/orders', algorithms: ['ES256', 'RS256'], now: Date.parse('2030-01-01T00:00:00Z') };
 * const issuer = await createTestIssuer(options);
 * ```
 */
export interface TestIssuerOptions {
  /** Default `aud` of tokens (and `audience` of `verifierOptions()`). @default 'https://api.example.test/orders' */
  readonly audience?: string;
  /**
   * `iss` of tokens and of the discovery document.
   * @default the served base URL `http://127.0.0.1:<port>` (`serve: 'http'`), `'https://issuer.portcullis.test'` (`serve: 'none'`)
   */
  readonly issuer?: string;
  /**
   * `'http'` serves the key set at `<base>/jwks` and discovery at
   * `<base>/.well-known/openid-configuration` on 127.0.0.1 (random port); `'none'` serves nothing
   * (use `issuer.jwks` / `verifierOptions().jwks`). @default 'http'
   */
  readonly serve?: 'http' | 'none';
  /** One key is generated per algorithm, in this order. @default ['ES256', 'RS256', 'EdDSA'] */
  readonly algorithms?: readonly SigningAlgorithm[];
  /** Freezes the clock at this time, in milliseconds since the epoch. @default real time */
  readonly now?: number;
}

const DEFAULT_AUDIENCE = 'https://api.example.test/orders';
const DEFAULT_OFFLINE_ISSUER = 'https://issuer.portcullis.test';
const DEFAULT_ALGORITHMS: readonly SigningAlgorithm[] = ['ES256', 'RS256', 'EdDSA'];
const DEFAULT_LIFETIME_SECONDS = 300;
const ISSUER_OPTIONS = ['audience', 'issuer', 'serve', 'algorithms', 'now'] as const;
const TOKEN_OPTIONS = ['alg', 'kid', 'typ', 'header', 'expiresIn'] as const;

function validateOptions(options: TestIssuerOptions): void {
  if (options === null || typeof options !== 'object')
    throw new TypeError('createTestIssuer() takes an options object (or nothing)');
  refuseUnknownKeys(options, ISSUER_OPTIONS, (key) => `createTestIssuer(): unknown option '${key}'; options are`);
  const { audience, issuer, serve, algorithms, now } = options;
  if (audience !== undefined && (typeof audience !== 'string' || audience === ''))
    throw new TypeError("'audience' must be a non-empty string");
  if (issuer !== undefined && (typeof issuer !== 'string' || issuer === ''))
    throw new TypeError("'issuer' must be a non-empty string");
  if (serve !== undefined && serve !== 'http' && serve !== 'none')
    throw new TypeError("'serve' must be 'http' or 'none'");
  if (algorithms !== undefined) {
    if (!Array.isArray(algorithms) || algorithms.length === 0)
      throw new TypeError("'algorithms' must be a non-empty array, e.g. ['ES256', 'RS256']");
    for (const alg of algorithms) {
      if (!isSigningAlgorithm(alg))
        throw new TypeError(
          `'algorithms' entries must be one of ${SIGNING_ALGORITHMS.join(', ')}; use addKey() for more keys`,
        );
    }
    if (new Set(algorithms).size !== algorithms.length)
      throw new TypeError("'algorithms' must not repeat an algorithm; use addKey(alg) for a second key");
  }
  if (now !== undefined && !Number.isFinite(now))
    throw new TypeError(
      "'now' must be a time in milliseconds since the epoch (e.g. Date.parse('2030-01-01T00:00:00Z'))",
    );
}

function validateTokenOptions(options: TokenOptions): void {
  if (options === null || typeof options !== 'object')
    throw new TypeError('token(claims, options): options must be an object such as { alg: "RS256" }');
  refuseUnknownKeys(options, TOKEN_OPTIONS, (key) => `token(): unknown token option '${key}'; token options are`);
  const { alg, kid, typ, header, expiresIn } = options;
  if (alg !== undefined && !isSigningAlgorithm(alg))
    throw new TypeError(`token option 'alg' must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
  if (kid !== undefined && typeof kid !== 'string') throw new TypeError("token option 'kid' must be a string");
  if (typ !== undefined && typ !== null && typeof typ !== 'string')
    throw new TypeError("token option 'typ' must be a string, or null to omit it");
  if (header !== undefined && (header === null || typeof header !== 'object' || Array.isArray(header)))
    throw new TypeError("token option 'header' must be an object of header members");
  if (expiresIn !== undefined && !Number.isFinite(expiresIn))
    throw new TypeError("token option 'expiresIn' must be a number of seconds");
}

/** Reads `alg`, `kid` and `b64` from a raw header without trusting it to be JSON. */
function peekHeader(header: RawHeader): { alg?: unknown; kid?: unknown; b64?: unknown } {
  if (typeof header === 'object' && !(header instanceof Uint8Array)) return header;
  try {
    const parsed: unknown = JSON.parse(typeof header === 'string' ? header : Buffer.from(header).toString('utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/**
 * Starts a local authorization server for tests: one key per algorithm, the public key set on
 * 127.0.0.1 (or nowhere, with `serve: 'none'`), a token factory with hostile presets and a clock
 * that the verifier under test can share. Keys are generated once and signing reuses them, so
 * minting thousands of tokens is cheap.
 *
 * @example
 * ```ts
 * import { afterAll, beforeAll, expect, it } from '@jest/globals';
 * import { createAccessTokenVerifier } from '@portcullis/core';
 * import { createTestIssuer, type TestIssuer } from '@portcullis/testing';
 *
 * let issuer: TestIssuer;
 * beforeAll(async () => { issuer = await createTestIssuer(); });
 * afterAll(() => issuer.close());
 *
 * it('accepts a fresh token and refuses an expired one', async () => {
 *   const verifier = createAccessTokenVerifier(issuer.verifierOptions());
 *   await expect(verifier.verify(await issuer.token({ scope: 'orders:read' }))).resolves.toBeDefined();
 *   await expect(verifier.verify(await issuer.badToken('expired'))).rejects.toThrow();
 * });
 * ```
 */
export async function createTestIssuer(options: TestIssuerOptions = {}): Promise<TestIssuer> {
  validateOptions(options);
  const serve = options.serve ?? 'http';
  const audience = options.audience ?? DEFAULT_AUDIENCE;
  const clock = createClock(options.now);
  const keys = new KeyRing();
  await keys.addAll(options.algorithms ?? DEFAULT_ALGORITHMS);

  let issuerId = options.issuer ?? DEFAULT_OFFLINE_ISSUER;
  let server: JwksServer | undefined;
  if (serve === 'http') {
    server = await startJwksServer({ jwks: () => keys.jwks(), issuer: () => issuerId });
    issuerId = options.issuer ?? server.baseUrl;
  }
  const iss = issuerId;

  const nowSeconds = (): number => Math.floor(clock.now() / 1000);

  const defaultAlg = (): SigningAlgorithm => {
    if (keys.current('ES256')) return 'ES256';
    const first = keys.algorithms()[0];
    if (!first) throw new TypeError('the test issuer publishes no key: addKey(alg) first');
    return first;
  };

  const currentKey = (alg: SigningAlgorithm): IssuerKey => {
    const key = keys.current(alg);
    if (!key)
      throw new TypeError(`the test issuer has no ${alg} key: add '${alg}' to 'algorithms' or call addKey('${alg}')`);
    return key;
  };

  const keySigner =
    (key: IssuerKey): RawSigner =>
    (input) =>
      signWithKey(key, input);

  const resolveSigner = async (header: RawHeader, options: SignOptions): Promise<RawSigner> => {
    const peek = peekHeader(header);
    const headerAlg = typeof peek.alg === 'string' ? peek.alg : undefined;
    const choice = options.key;
    if (choice === 'none') return undefined;
    if (typeof choice === 'string' && choice.startsWith('hmac:'))
      return hmacSigner(headerAlg ?? '', choice.slice('hmac:'.length));
    if (typeof choice === 'object' && choice !== null && 'hmac' in choice)
      return hmacSigner(headerAlg ?? '', choice.hmac);
    if (typeof choice === 'object' && choice !== null && 'kid' in choice) {
      const key = keys.byKid(choice.kid);
      if (!key) throw new TypeError(`sign(): the test issuer never had a key with kid ${JSON.stringify(choice.kid)}`);
      return keySigner(key);
    }
    const alg = options.alg ?? headerAlg;
    if (choice === 'untrusted') {
      if (!isSigningAlgorithm(alg))
        throw new TypeError("sign() with key 'untrusted' needs a header alg (or option 'alg') such as 'ES256'");
      return keySigner(await keys.untrustedKey(alg));
    }
    if (choice !== undefined)
      throw new TypeError("sign() option 'key' must be 'none', 'untrusted', 'hmac:<secret>', { hmac } or { kid }");
    // No explicit key: the header's kid names it, else the newest key of the algorithm.
    if (typeof peek.kid === 'string' && options.alg === undefined) {
      const key = keys.byKid(peek.kid);
      if (key) return keySigner(key);
    }
    if (alg !== undefined && alg.toLowerCase() === 'none') return undefined;
    if (alg !== undefined && /^HS\d+$/.test(alg))
      throw new TypeError(`sign(): ${alg} needs an HMAC key: pass { key: 'hmac:<secret>' }`);
    if (!isSigningAlgorithm(alg))
      throw new TypeError(
        "sign(): cannot tell which key signs: give the header a known 'alg' or 'kid', or pass option 'alg' or 'key'",
      );
    return keySigner(currentKey(alg));
  };

  const sign = async (header: RawHeader, payload: unknown, options: SignOptions = {}): Promise<string> => {
    if (header === null || header === undefined || (typeof header !== 'string' && typeof header !== 'object')) {
      throw new TypeError('sign() takes a header object, or the raw header as a string or bytes');
    }
    const signer = await resolveSigner(header, options);
    const rawHeader = typeof header === 'string' || header instanceof Uint8Array ? header : JSON.stringify(header);
    const unencoded = peekHeader(header).b64 === false;
    // An unencoded (b64: false) JSON payload is written with "." and non-ASCII escaped, so the
    // token stays three parts: otherwise a URL claim would split it and it would fail as malformed.
    const raw = typeof payload === 'string' || payload instanceof Uint8Array;
    if (!raw && JSON.stringify(payload) === undefined)
      throw new TypeError('sign(): the payload must be JSON-serialisable, a string or bytes');
    const rawPayload = raw ? payload : unencoded ? unencodedJson(payload) : JSON.stringify(payload);
    return buildCompactJws(rawHeader, rawPayload, signer, unencoded);
  };

  const claimsFor = (claims: TokenClaims | undefined, expiresIn = DEFAULT_LIFETIME_SECONDS): Record<string, unknown> =>
    buildClaims({ iss, aud: audience, nowSeconds: nowSeconds(), expiresIn }, claims);

  const token = async (claims: TokenClaims = {}, options: TokenOptions = {}): Promise<string> => {
    if (claims === null || typeof claims !== 'object' || Array.isArray(claims))
      throw new TypeError("token(claims): claims must be an object such as { sub: 'alice', scope: 'orders:read' }");
    validateTokenOptions(options);
    let key: IssuerKey;
    const known = options.kid !== undefined ? keys.byKid(options.kid) : undefined;
    if (known) {
      if (options.alg !== undefined && options.alg !== known.alg) {
        throw new TypeError(`token(): key ${JSON.stringify(known.kid)} is a ${known.alg} key, not ${options.alg}`);
      }
      key = known;
    } else {
      key = currentKey(options.alg ?? defaultAlg());
    }
    const header: Record<string, unknown> = { alg: key.alg };
    if (options.typ !== null) header['typ'] = options.typ ?? 'at+jwt';
    header['kid'] = options.kid ?? key.kid;
    Object.assign(header, options.header);
    const payload = claimsFor(claims, options.expiresIn);
    const unencoded = header['b64'] === false;
    const rawPayload = unencoded ? unencodedJson(payload) : JSON.stringify(payload);
    return buildCompactJws(JSON.stringify(header), rawPayload, keySigner(key), unencoded);
  };

  const notServed = (what: string): never => {
    throw new TypeError(`jwksServer.${what} needs createTestIssuer({ serve: 'http' })`);
  };
  const jwksServer: JwksServerControl = {
    mode(mode: JwksFaultMode, faultOptions?: JwksFaultOptions): void {
      if (!server) return notServed('mode()');
      server.mode(mode, faultOptions);
    },
    get fetchCount(): number {
      return server?.fetchCount ?? 0;
    },
    get currentMode(): JwksFaultMode {
      return server?.currentMode ?? 'ok';
    },
  };

  const issuer: TestIssuer = {
    issuer: iss,
    audience,
    jwksUri: server?.jwksUri,
    discoveryUri: server ? `${server.baseUrl}${DISCOVERY_PATH}` : undefined,
    get jwks() {
      return keys.jwks();
    },
    clock,
    jwksServer,
    verifierOptions(): TestVerifierOptions {
      return server
        ? { issuer: iss, audience, jwksUri: server.jwksUri, now: clock.now }
        : { issuer: iss, audience, jwks: keys.jwks(), now: clock.now };
    },
    token,
    badToken(kind: BadTokenKind, claims?: TokenClaims): Promise<string> {
      return mintBadToken(kind, claims ?? {}, { keys, nowSeconds, defaultAlg, currentKey, token, sign, claimsFor });
    },
    sign,
    async addKey(alg: SigningAlgorithm): Promise<string> {
      if (!isSigningAlgorithm(alg)) throw new TypeError(`addKey() takes one of ${SIGNING_ALGORITHMS.join(', ')}`);
      return (await keys.add(alg)).kid;
    },
    removeKey(kid: string): void {
      if (!keys.remove(kid)) throw new TypeError(`removeKey(): no published key has kid ${JSON.stringify(kid)}`);
    },
    async close(): Promise<void> {
      await server?.close();
    },
  };
  return issuer;
}
