import { compactVerify } from 'jose';
import type { CryptoKey, JWTPayload } from 'jose';
import { PortcullisError } from '../errors/portcullis-error.js';
import { checkJwtClaimsSet, decodeClaimsSet } from './check-jwt-claims-set.js';
import type { JwtClaimRules } from './check-jwt-claims-set.js';
import { signatureKey, usesNodeSignature, verifySignature } from './jws-signature.js';
import { mapJoseError, mapKeySourceError } from './map-jose-error.js';
import { parseCompactJws } from './parse-compact-jws.js';
import type { HeaderCache, JwsPolicy, ParsedCompactJws } from './parse-compact-jws.js';

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  // A CryptoKey or Uint8Array has no `then`; anything with one is awaited like `await` would.
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** The key lookup the verifier is built on (the key resolver's `getKey`). */
export type KeyLookup = (header: {
  readonly alg: string;
  readonly kid?: string;
}) => CryptoKey | Uint8Array | Promise<CryptoKey | Uint8Array>;

/** The JWT layer's inputs: the claims-set rules (see `check-jwt-claims-set.ts`) and the clock. */
export interface JwtClaimOptions {
  readonly rules: JwtClaimRules;
  /** Whole seconds since the epoch. */
  readonly nowSeconds: number;
}

/** Result of the JWS layer: the pre-parsed header and the verified payload bytes. */
export interface VerifiedJws {
  readonly header: ParsedCompactJws['header'];
  readonly payload: Uint8Array;
}

/** Result of the JWT layer: the pre-parsed header and the validated claims set. */
export interface VerifiedJwt {
  readonly header: ParsedCompactJws['header'];
  readonly claims: JWTPayload;
}

/**
 * The one verification core: pre-parse and header policy ({@link parseCompactJws}), key lookup,
 * signature, and — with `jwt` options — the claims set.
 *
 * - Signature: asymmetric algorithms with a public key are checked with node:crypto on the exact
 *   signing input (`jws-signature.ts`: OpenSSL, the KeyObject made once per key, jose's key
 *   checks kept); anything else (HS256's secret key) goes through jose `compactVerify`, which
 *   repeats the allowlist check itself.
 * - Without `jwt` options it is the **JWS layer**: any payload. The Wycheproof harness calls this
 *   form, because its payloads are not claims sets.
 * - With `jwt` options it is the **JWT layer** the verifier uses: the payload decoded once as a
 *   claims set and checked exactly as jose's `jwtVerify` did (`checkJwtClaimsSet`, which lists
 *   every jose check and where it is made now).
 *
 * Parse once: each segment is decoded once, the header possibly not at all (`headers` remembers
 * accepted header segments), and the header handed to the key lookup is the one returned.
 *
 * Every failure is a `PortcullisError`.
 *
 * @example
 * ```ts
 * const { claims } = await verifyCompactJws(token, policy, (h) => resolver.getKey(h), { rules, nowSeconds });
 * ```
 */
export function verifyCompactJws(
  token: unknown,
  policy: JwsPolicy,
  getKey: KeyLookup,
  jwt?: undefined,
  headers?: HeaderCache,
): Promise<VerifiedJws>;
export function verifyCompactJws(
  token: unknown,
  policy: JwsPolicy,
  getKey: KeyLookup,
  jwt: JwtClaimOptions,
  headers?: HeaderCache,
): Promise<VerifiedJwt>;
export async function verifyCompactJws(
  token: unknown,
  policy: JwsPolicy,
  getKey: KeyLookup,
  jwt?: JwtClaimOptions,
  headers?: HeaderCache,
): Promise<VerifiedJws | VerifiedJwt> {
  return verifyCompactJwsMaybeSync(token, policy, getKey, jwt, headers);
}

/**
 * {@link verifyCompactJws} without the promise when none is needed: when the key lookup answers
 * synchronously (a key the resolver already imported) and the signature is an asymmetric one
 * checked by node:crypto, the whole verification runs in the calling tick. Otherwise a promise.
 * Failures are thrown synchronously or reject; always `PortcullisError`s.
 *
 * @example
 * ```ts
 * const result = verifyCompactJwsMaybeSync(token, policy, getKey, { rules, nowSeconds }, headers);
 * ```
 */
export function verifyCompactJwsMaybeSync(
  token: unknown,
  policy: JwsPolicy,
  getKey: KeyLookup,
  jwt: JwtClaimOptions,
  headers?: HeaderCache,
): VerifiedJwt | Promise<VerifiedJwt>;
export function verifyCompactJwsMaybeSync(
  token: unknown,
  policy: JwsPolicy,
  getKey: KeyLookup,
  jwt?: JwtClaimOptions,
  headers?: HeaderCache,
): VerifiedJws | VerifiedJwt | Promise<VerifiedJws | VerifiedJwt>;
export function verifyCompactJwsMaybeSync(
  token: unknown,
  policy: JwsPolicy,
  getKey: KeyLookup,
  jwt?: JwtClaimOptions,
  headers?: HeaderCache,
): VerifiedJws | VerifiedJwt | Promise<VerifiedJws | VerifiedJwt> {
  const parsed = parseCompactJws(token, policy, headers);
  const { alg, kid } = parsed;
  let found: CryptoKey | Uint8Array | PromiseLike<CryptoKey | Uint8Array>;
  try {
    found = getKey(kid === undefined ? { alg } : { alg, kid });
  } catch (error) {
    throw mapKeySourceError(error);
  }
  // A key the resolver already holds comes back as is: no promise turn for it.
  if (!isThenable(found)) return verifyWithKey(token as string, parsed, found, policy, jwt);
  return Promise.resolve(found).then(
    (key) => verifyWithKey(token as string, parsed, key, policy, jwt),
    (error: unknown) => {
      throw mapKeySourceError(error);
    },
  );
}

/** Signature (node:crypto, or jose for anything else), then the payload or the claims set. */
function verifyWithKey(
  compact: string,
  parsed: ParsedCompactJws,
  key: CryptoKey | Uint8Array,
  policy: JwsPolicy,
  jwt: JwtClaimOptions | undefined,
): VerifiedJws | VerifiedJwt | Promise<VerifiedJws | VerifiedJwt> {
  const { alg, firstDot, secondDot } = parsed;
  if (!usesNodeSignature(key, alg)) {
    // jose re-checks the allowlist itself (defence in depth: the same list, enforced twice).
    return compactVerify(compact, key, { algorithms: policy.algorithmList as string[] }).then(
      (result) => withPayload(parsed, result.payload, jwt),
      (error: unknown) => {
        throw mapJoseError(error, true);
      },
    );
  }
  const ready = signatureKey(key, alg);
  // The pre-parse proved the token is base64url ASCII: latin1 is a byte-for-byte copy of the
  // signing input, and every segment is canonical, so Buffer's decoder reads exactly jose's bytes.
  const signingInput = Buffer.from(compact.slice(0, secondDot), 'latin1');
  const signature = Buffer.from(compact.slice(secondDot + 1), 'base64url');
  if (!verifySignature(ready, signingInput, signature)) {
    throw new PortcullisError('ERR_SIGNATURE_INVALID', { reason: 'signature verification failed' });
  }
  return withPayload(parsed, Buffer.from(compact.slice(firstDot + 1, secondDot), 'base64url'), jwt);
}

function withPayload(
  parsed: ParsedCompactJws,
  payload: Uint8Array,
  jwt: JwtClaimOptions | undefined,
): VerifiedJws | VerifiedJwt {
  if (jwt === undefined) return { header: parsed.header, payload };
  const claims = decodeClaimsSet(payload) as JWTPayload;
  checkJwtClaimsSet(claims, jwt.rules, jwt.nowSeconds);
  return { header: parsed.header, claims };
}
