// PROTOTYPE (bench only, never imported by packages/*): the shipped verifier's pipeline with the
// signature step on node:crypto instead of jose/WebCrypto, one decode of each segment, and a
// synchronous cache-hit path. Every check of the shipped verifier is kept, in the same order:
//
//   size → cache (clock re-checked on a hit) → parseCompactJws (the real pre-parse: shape,
//   canonical base64url, strict-UTF-8 JSON header without duplicates, alg allowlist, forbidden
//   header members, kid, typ) → key by kid/alg from the real key-set reader (weak RSA, use,
//   key_ops, kty/crv fit) → signature (node:crypto, KeyObject imported once per key and alg;
//   ECDSA raw-signature length checked) → payload strict UTF-8 JSON object → required claims →
//   checkClaimValues + checkClaimTimes (the real ones) → deep freeze → cache → revocation.
//
// What jose did on top (and is replaced here): its own `typ`/`crit`/`b64` checks (the pre-parse
// already refuses those), a second header decode, the allowlist check a second time, and the
// claims checks that checkClaimValues/checkClaimTimes repeat anyway.
import { constants, createPublicKey, hash as oneShotHash, verify as cryptoVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { hashToken, PortcullisError } from '@portcullis/core';
import type { RevocationStore, VerifiedToken, VerifierOptions } from '@portcullis/core';
import type { ClaimRules, CoreInternals, KeySetEntry, VerifiedTokenCacheEntry } from './core-internals.js';

/** How node:crypto verifies each JWS algorithm. */
interface SignatureScheme {
  readonly hash: string | null;
  /** ECDSA: raw r‖s length in bytes (RFC 7518 §3.4); a DER or short signature is refused before OpenSSL sees it. */
  readonly rawLength?: number;
  readonly pss?: boolean;
}
const SCHEMES: ReadonlyMap<string, SignatureScheme> = new Map([
  ['RS256', { hash: 'sha256' }],
  ['RS384', { hash: 'sha384' }],
  ['RS512', { hash: 'sha512' }],
  ['PS256', { hash: 'sha256', pss: true }],
  ['PS384', { hash: 'sha384', pss: true }],
  ['PS512', { hash: 'sha512', pss: true }],
  ['ES256', { hash: 'sha256', rawLength: 64 }],
  ['ES384', { hash: 'sha384', rawLength: 96 }],
  ['ES512', { hash: 'sha512', rawLength: 132 }],
  ['EdDSA', { hash: null }],
  ['Ed25519', { hash: null }],
]);

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export interface FastVerifierVariant {
  /**
   * Verified-token cache key:
   * - `sha256`: core's `hashToken` on every call (createHash → update → digest until core switched
   *   to the one-shot form in 47d97db);
   * - `sha256-oneshot`: the same SHA-256 value through `crypto.hash()` (Node ≥ 20.12), one native
   *   call instead of a Hash object — keeps "no token in the heap";
   * - `token`: the token string itself as the Map key (`tokenHash` computed once, on the miss) —
   *   fastest, but the cache then holds usable tokens until they expire.
   */
  readonly cacheKey: 'sha256' | 'sha256-oneshot' | 'token';
}

export interface FastVerifier {
  /** Same contract as the shipped `verify` (a promise), built on the synchronous path. */
  verify(token: string): Promise<VerifiedToken>;
  /** Full verification, synchronously (keys are local or already fetched). Throws PortcullisError. */
  verifySync(token: string): VerifiedToken;
  /**
   * The cache-hit fast path alone: the cached token when it is in the cache and still passes the
   * clock (and a synchronous revocation answer), `undefined` when the caller must take the full path.
   */
  verifyCachedSync(token: string): VerifiedToken | undefined;
}

function malformed(reason: string): PortcullisError {
  return new PortcullisError('ERR_MALFORMED_TOKEN', { reason });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Builds the prototype verifier over a LOCAL key set (`options.jwks`); the remote resolver would
 * hand out the same KeyObjects from its cached set and fall back to the async path only to fetch.
 *
 * @example
 * ```ts
 * const verifier = createFastVerifier(await loadCoreInternals(), { issuer, audience, jwks }, { cacheKey: 'sha256' });
 * const { claims } = verifier.verifySync(token);
 * ```
 */
export function createFastVerifier(
  internals: CoreInternals,
  options: VerifierOptions,
  variant: FastVerifierVariant,
): FastVerifier {
  const {
    checkClaimTimes,
    checkClaimValues,
    deepFreeze,
    KeySetIndex,
    parseCompactJws,
    readJwkSet,
    VerifiedTokenCache,
  } = internals;
  const resolved = internals.validateVerifierOptions(options);
  if (options.jwks === undefined) throw new TypeError('the prototype takes a local key set ("jwks")');
  const index = new KeySetIndex(readJwkSet(options.jwks));
  const { policy, now, requiredClaims, revocation } = resolved;
  // The resolved options carry every field of the claim rules (structurally a superset).
  const rules: ClaimRules = resolved;
  const cache = resolved.cacheMaxEntries === false ? undefined : new VerifiedTokenCache(resolved.cacheMaxEntries);
  const keyObjects = new Map<KeySetEntry, Map<string, KeyObject>>();

  function keyFor(alg: string, kid: string | undefined): KeyObject {
    const selection = index.select(alg, kid);
    const entry = selection.kind === 'found' ? selection.entry : undefined;
    if (entry?.jwk === undefined)
      throw new PortcullisError('ERR_KEY_NOT_FOUND', { reason: `key lookup: ${selection.kind}` });
    let byAlg = keyObjects.get(entry);
    if (byAlg === undefined) keyObjects.set(entry, (byAlg = new Map()));
    let key = byAlg.get(alg);
    if (key === undefined) {
      key = createPublicKey({ key: { ...entry.jwk } as never, format: 'jwk' });
      // Defence in depth, as the shipped resolver: only public keys, of the type the alg needs.
      if (key.type !== 'public') throw new PortcullisError('ERR_KEY_NOT_FOUND', { reason: 'not a public key' });
      byAlg.set(alg, key);
    }
    return key;
  }

  function cacheKeyOf(token: string): string {
    if (variant.cacheKey === 'token') return token;
    return variant.cacheKey === 'sha256-oneshot' ? oneShotHash('sha256', token, 'base64url') : hashToken(token);
  }

  function readClock(): number {
    const ms = now();
    if (typeof ms !== 'number' || !Number.isFinite(ms))
      throw new PortcullisError('ERR_INTERNAL', { reason: 'non-finite clock' });
    return ms;
  }

  function checkRevocationSync(store: RevocationStore, claims: VerifiedToken['claims']): boolean {
    const answer = store.isRevoked(
      Object.freeze({
        jti: claims.jti as string,
        sub: claims.sub as string,
        iat: claims.iat as number,
        iss: claims.iss as string,
      }),
    );
    if (answer === true) throw new PortcullisError('ERR_TOKEN_REVOKED', { reason: 'revoked by the revocation store' });
    if (answer === false) return true;
    // A promise (or any odd answer): the shipped async path handles timeouts and 503s.
    return false;
  }

  function lookup(token: string, nowMs: number): VerifiedTokenCacheEntry | undefined {
    if (cache === undefined) return undefined;
    const key = cacheKeyOf(token);
    const entry = cache.get(key);
    if (entry === undefined) return undefined;
    try {
      checkClaimTimes(entry.hit.claims, Math.floor(nowMs / 1000), rules);
    } catch (error) {
      cache.delete(key);
      throw error;
    }
    return entry;
  }

  function verifyCachedSync(token: string): VerifiedToken | undefined {
    if (typeof token !== 'string' || token.length === 0 || token.length > policy.maxTokenSize) return undefined;
    const entry = lookup(token, readClock());
    if (entry === undefined) return undefined;
    if (revocation !== undefined && !checkRevocationSync(revocation, entry.hit.claims)) return undefined;
    return entry.hit;
  }

  function verifyInFull(token: string, nowMs: number): VerifiedToken {
    const parsed = parseCompactJws(token, policy);
    const first = token.indexOf('.');
    const second = token.indexOf('.', first + 1);
    const scheme = SCHEMES.get(parsed.alg);
    if (scheme === undefined) throw new PortcullisError('ERR_ALGORITHM_NOT_ALLOWED', { reason: 'unsupported alg' });
    const key = keyFor(parsed.alg, parsed.kid);
    // The pre-parse proved the token is ASCII base64url: latin1 is a 1:1 byte copy.
    const signingInput = Buffer.from(token.slice(0, second), 'latin1');
    const signature = Buffer.from(token.slice(second + 1), 'base64url');
    if (scheme.rawLength !== undefined && signature.length !== scheme.rawLength) {
      throw new PortcullisError('ERR_SIGNATURE_INVALID', { reason: 'ECDSA signature has the wrong length' });
    }
    const keyInput =
      scheme.rawLength !== undefined
        ? { key, dsaEncoding: 'ieee-p1363' as const }
        : scheme.pss === true
          ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
          : key;
    let valid: boolean;
    try {
      valid = cryptoVerify(scheme.hash, signingInput, keyInput, signature);
    } catch {
      valid = false;
    }
    if (!valid) throw new PortcullisError('ERR_SIGNATURE_INVALID', { reason: 'signature verification failed' });

    let claims: unknown;
    try {
      claims = JSON.parse(strictUtf8.decode(Buffer.from(token.slice(first + 1, second), 'base64url')));
    } catch {
      throw malformed('payload is not UTF-8 JSON');
    }
    if (!isPlainObject(claims)) throw malformed('payload is not a JSON object');
    for (const claim of requiredClaims) {
      if (!Object.prototype.hasOwnProperty.call(claims, claim)) {
        throw new PortcullisError('ERR_CLAIM_INVALID', { claim, reason: `missing required "${claim}" claim` });
      }
    }
    checkClaimValues(claims, rules);
    checkClaimTimes(claims, Math.floor(nowMs / 1000), rules);
    const frozenClaims = deepFreeze(claims) as VerifiedToken['claims'];
    const tokenHash =
      variant.cacheKey === 'sha256-oneshot' ? oneShotHash('sha256', token, 'base64url') : hashToken(token);
    const fresh: VerifiedToken = Object.freeze({
      header: parsed.header,
      claims: frozenClaims,
      tokenHash,
      cached: false,
    });
    cache?.set(variant.cacheKey === 'token' ? token : tokenHash, {
      fresh,
      hit: Object.freeze({ header: parsed.header, claims: frozenClaims, tokenHash, cached: true }),
    });
    return fresh;
  }

  function verifySync(token: string): VerifiedToken {
    if (typeof token !== 'string' || token.length === 0) throw malformed('token is not a non-empty string');
    if (token.length > policy.maxTokenSize) throw malformed(`token longer than maxTokenSize (${policy.maxTokenSize})`);
    const nowMs = readClock();
    const verified = lookup(token, nowMs)?.hit ?? verifyInFull(token, nowMs);
    if (revocation !== undefined && !checkRevocationSync(revocation, verified.claims)) {
      throw new PortcullisError('ERR_REVOCATION_UNAVAILABLE', { reason: 'prototype: asynchronous store not wired' });
    }
    return verified;
  }

  return Object.freeze({
    verifySync,
    verifyCachedSync,
    verify: async (token: string) => verifySync(token),
  });
}
