import type { CryptoKey } from 'jose';
import type { KeySetStatus } from '../token/access-token-verifier.js';
import type { VerifierOptions } from '../token/verifier-options.js';
import { DEFAULT_ASYMMETRIC_ALGORITHMS, keyShapeOf } from '../internal/key-algorithms.js';
import { resolveRemoteJwksOptions } from '../internal/jwks-remote-options.js';
import { LocalKeyResolver } from './local-key-resolver.js';
import { RemoteKeyResolver } from './remote-key-resolver.js';
import { SecretKeyResolver } from './secret-key-resolver.js';
import { StaticKeyResolver } from './static-key-resolver.js';

/**
 * Where the verifier gets the key for a token: one of a remote JWK Set, a local JWK Set,
 * configured public keys, or a shared HS256 secret. Create it with {@link createKeyResolver}.
 *
 * @example
 * ```ts
 * const resolver = createKeyResolver({ issuer, audience, jwksUri: 'https://issuer.example.com/jwks' });
 * const { payload } = await jwtVerify(token, (header) => resolver.getKey(header), { algorithms: ['ES256'] });
 * ```
 */
export interface KeyResolver {
  /**
   * jose-compatible key lookup for one token header. Throws a `PortcullisError`:
   * `ERR_KEY_NOT_FOUND` (401: no key for this `kid`/`alg`, or the `alg` is not served by this
   * source) or `ERR_KEYS_UNAVAILABLE` (503 + `retryAfter`: the key server could not answer and no
   * usable cached key set decides the request).
   */
  getKey(header: { alg: string; kid?: string }): CryptoKey | Uint8Array | Promise<CryptoKey | Uint8Array>;
  /**
   * Drop the cache and refetch now (admin-triggered reload after a key compromise). For a remote
   * set the old keys are dropped before the fetch, so they never outlive a reload; rejects with
   * `ERR_KEYS_UNAVAILABLE` when the key server does not answer. A no-op for the other sources.
   */
  reload(): Promise<void>;
  /** Key source health, for `/health` endpoints. */
  status(): KeySetStatus;
  /** `true` when `options.secret` (HS256) is the key source. */
  readonly symmetric: boolean;
}

const SOURCES = ['jwksUri', 'jwks', 'keys', 'secret'] as const;

/**
 * Builds the key resolver for verifier options, validating the key configuration once (a
 * `TypeError` that says how to fix it). Exactly one of `jwksUri`, `jwks`, `keys`, `secret` must
 * be set: several sources would make it unclear which key a token was checked against.
 *
 * - `jwksUri`: remote JWK Set over `https:` (plain `http:` only on loopback), fetched with a
 *   timeout and size cap, cached for `remoteJwks.cacheMaxAge`, refetched on an unknown `kid` at
 *   most once per `remoteJwks.cooldown` with one fetch shared by all callers, and kept (stale)
 *   for up to `remoteJwks.maxStale` while the key server fails.
 * - `jwks`: local JWK Set, checked at creation (public keys only, distinct `kid`s).
 * - `keys`: PEM (SPKI or X.509 certificate, with its `alg`) or public JWK keys.
 * - `secret`: HS256 shared secret of at least 32 bytes, with `allowSymmetric: true`.
 *
 * Key sets never serve symmetric keys and a key is only returned for an algorithm its type fits
 * (an RSA key is never handed out for `HS256`).
 *
 * @example
 * ```ts
 * const resolver = createKeyResolver({
 *   issuer: 'https://issuer.example.com',
 *   audience: 'https://api.example.com/orders',
 *   jwksUri: 'https://issuer.example.com/.well-known/jwks.json',
 *   remoteJwks: { timeout: 2000, cacheMaxAge: 600_000, maxStale: 3_600_000 },
 * });
 * const key = await resolver.getKey({ alg: 'ES256', kid: 'k1' });
 * resolver.status(); // { source: 'remote', state: 'fresh', keyCount: 2, fetchedAt: 1767225600000 }
 * ```
 */
export function createKeyResolver(options: VerifierOptions): KeyResolver {
  if (typeof options !== 'object' || options === null) throw new TypeError('verifier options must be an object');
  const given = SOURCES.filter((name) => options[name] !== undefined && options[name] !== null);
  if (given.length !== 1) {
    throw new TypeError(
      given.length === 0
        ? 'a key source is required: set exactly one of "jwksUri" (your issuer\'s JWKS URL), "jwks", "keys" or "secret"'
        : `only one key source may be set, got ${given.map((name) => `"${name}"`).join(' and ')}; keep one of them`,
    );
  }
  if (options.remoteJwks !== undefined && options.jwksUri === undefined) {
    throw new TypeError('"remoteJwks" only applies with "jwksUri"; remove it or set "jwksUri"');
  }
  if (options.secret !== undefined) return new SecretKeyResolver(options.secret);

  const algorithms = servedAlgorithms(options.algorithms);
  if (options.jwksUri !== undefined) {
    const now = options.now ?? Date.now;
    if (typeof now !== 'function')
      throw new TypeError('"now" must be a function returning milliseconds since the epoch');
    return new RemoteKeyResolver(resolveRemoteJwksOptions(options.jwksUri, options.remoteJwks), algorithms, () =>
      now(),
    );
  }
  if (options.jwks !== undefined) return new LocalKeyResolver(options.jwks, algorithms);
  return new StaticKeyResolver(options.keys ?? [], algorithms);
}

/** The asymmetric algorithms of the allowlist; a key set never serves `none` or `HS*`. */
function servedAlgorithms(algorithms: readonly string[] | undefined): ReadonlySet<string> {
  if (algorithms !== undefined && (!Array.isArray(algorithms) || algorithms.some((alg) => typeof alg !== 'string'))) {
    throw new TypeError('"algorithms" must be an array of JWS algorithm names, e.g. ["ES256", "RS256"]');
  }
  const served = new Set((algorithms ?? DEFAULT_ASYMMETRIC_ALGORITHMS).filter((alg) => keyShapeOf(alg) !== undefined));
  if (served.size === 0) {
    throw new TypeError(
      '"algorithms" lists no asymmetric algorithm this key source can serve (e.g. "ES256", "RS256", "EdDSA"); ' +
        'HS256 needs "secret" with allowSymmetric: true',
    );
  }
  return served;
}
