import type { JSONWebKeySet, JWK } from 'jose';
import type { RevocationStore } from '../revocation/revocation-store.js';

/** Options of the remote key set (JWKS) fetcher. All durations in milliseconds. */
export interface RemoteJwksOptions {
  /** Abort a key-set fetch after this long. @default 2000 */
  readonly timeout?: number;
  /** Refuse key-set responses larger than this many bytes. @default 524288 (512 KiB) */
  readonly maxResponseBytes?: number;
  /**
   * A fetched key set is fresh for this long; after it, the next request refetches. From 1 s (less
   * would fetch on almost every request) to 24 h (a key the issuer removed stops working within it).
   * @default 600000 (10 min)
   */
  readonly cacheMaxAge?: number;
  /**
   * Minimum time between two refetches triggered by an unknown `kid`, and after a failed fetch. From
   * 1 s (tokens with random `kid`s must not drive the key server) to 1 h. @default 30000
   */
  readonly cooldown?: number;
  /**
   * How long past `cacheMaxAge` the last good key set keeps being used while the key server
   * fails. After it, requests get 503. `0` disables the grace period; at most 24 h (a removed key
   * must not live on for as long as the key server can be kept unreachable). @default 3600000 (1 h)
   */
  readonly maxStale?: number;
  /** Extra request headers for the key server (e.g. a `User-Agent`). @default {} */
  readonly headers?: Readonly<Record<string, string>>;
  /** `fetch` implementation, for tests or proxies. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** A single configured verification key. */
export type StaticKey =
  | { readonly kind: 'pem'; readonly pem: string; readonly alg: string; readonly kid?: string }
  | { readonly kind: 'jwk'; readonly jwk: JWK };

/**
 * Options of {@link createAccessTokenVerifier}. Exactly one key source is required:
 * `jwksUri`, `jwks`, `keys` or `secret`.
 */
export interface VerifierOptions {
  /** Exact `iss` value to accept (compared code point by code point). Required. */
  readonly issuer: string;
  /**
   * This API's identifier(s); the token's `aud` must contain one of them exactly. Required.
   * With `audienceClaim: 'client_id'` these are the accepted client ids instead.
   */
  readonly audience: string | readonly string[];
  /**
   * Which claim carries the audience that `audience` is matched against.
   *
   * - `'aud'` (RFC 9068 §2.2, the default): `aud` is required and must contain one of `audience`.
   * - `'client_id'`: for authorization servers whose access tokens carry no `aud` at all — Amazon
   *   Cognito's carry `client_id` instead. `client_id` is then required and must equal one of
   *   `audience` exactly; `aud` is neither required nor compared. Every other check is unchanged.
   *
   * Trade-off of `'client_id'`: `client_id` names the application the token was issued *to*,
   * not the API it was issued *for*. Every API that accepts the same client id accepts the same
   * token, so a token obtained for one of them can be replayed against the others (the audience
   * confusion `aud` prevents, RFC 8725 §3.9). Use one app client per API where that matters, and
   * require resource-server scopes (`orders-api/orders.read`) on every route.
   * @default 'aud'
   */
  readonly audienceClaim?: 'aud' | 'client_id';
  /**
   * Remote JWKS URL. Must be `https:`; `http:` is accepted only for loopback hosts
   * (127.0.0.0/8, `[::1]`, `localhost`), for local development and tests.
   */
  readonly jwksUri?: string | URL;
  /** Tuning of the remote key set. @default see {@link RemoteJwksOptions} */
  readonly remoteJwks?: RemoteJwksOptions;
  /** A local key set. Members must be public keys with distinct `kid`s. */
  readonly jwks?: JSONWebKeySet;
  /** Individual public keys (PEM with its `alg`, or public JWK). */
  readonly keys?: readonly StaticKey[];
  /**
   * Shared HS256 secret. Symmetric tokens are refused unless this is set **and**
   * `allowSymmetric: true`; the secret must be at least 32 bytes.
   */
  readonly secret?: { readonly key: string | Uint8Array; readonly allowSymmetric: true };
  /**
   * Accepted `alg` values. `none` and symmetric algorithms are never accepted unless `secret` is used.
   * @default ['RS256','PS256','ES256','EdDSA','Ed25519'] (list RS384/RS512/PS384/PS512/ES384/ES512 explicitly when needed)
   */
  readonly algorithms?: readonly string[];
  /**
   * Required JOSE `typ` (compared as a media type, case-insensitive, `application/` prefix optional).
   * `false` disables the check (not recommended). @default 'at+jwt'
   */
  readonly typ?: string | false;
  /**
   * Claims that must be present. `iss`, `exp` and the `audienceClaim` are always required.
   * @default ['iss','aud','exp','iat','sub','jti','client_id'] (without `aud` when `audienceClaim` is `'client_id'`)
   */
  readonly requiredClaims?: readonly string[];
  /** Allowed clock skew in seconds for `exp`, `nbf` and `iat`. @default 5 */
  readonly clockTolerance?: number;
  /** Refuse tokens whose `iat` is older than this many seconds. @default undefined (no limit) */
  readonly maxTokenAge?: number;
  /** Refuse tokens whose lifetime `exp − iat` exceeds this many seconds. @default 86400 */
  readonly maxTokenLifetime?: number;
  /** Refuse tokens longer than this many characters, before any decoding. @default 8192 */
  readonly maxTokenSize?: number;
  /**
   * Verified-token cache: repeated tokens skip the signature check (never the revocation check).
   * Entries are keyed by a SHA-256 of the token and never outlive the token's `exp`. When full, the
   * least recently used entry goes; a token stays cached while fewer than `maxEntries − ⌊maxEntries/4⌋`
   * other tokens were used since its last use. `false` disables it (concurrent calls with the same token still share one verification).
   * @default { maxEntries: 10000 }
   */
  readonly cache?: false | { readonly maxEntries?: number };
  /** Revocation store consulted on every verification (cached or not). @default undefined */
  readonly revocation?: RevocationStore;
  /**
   * Longest wait, in milliseconds, for a revocation store that answers with a promise. A store
   * that does not answer in time is treated as unavailable (503), never as "not revoked".
   * Synchronous answers are not timed. @default 1000
   */
  readonly revocationTimeout?: number;
  /** Clock in milliseconds since the epoch; tests freeze time with it. @default Date.now */
  readonly now?: () => number;
}
