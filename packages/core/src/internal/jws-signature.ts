// The JWS signature check on node:crypto (OpenSSL), used instead of jose's WebCrypto call for
// asymmetric keys.
//
// Why: jose 6 verifies through `crypto.subtle.verify`, a promise that runs the same OpenSSL
// operation on the libuv thread pool — a thread hop and several promise turns around a ~25 µs RSA
// check, which made a first-sight RS256 token cost about 2.6× the signature itself. jose 6 has no
// synchronous path (a Node `KeyObject` handed to jose is converted back to a CryptoKey for
// WebCrypto). `crypto.verify` runs the same OpenSSL primitive synchronously. This is not hand-rolled
// cryptography: the primitive, padding and encoding are OpenSSL's; what is ours is the JWS → OpenSSL
// parameter table below, which mirrors jose's own (`lib/jws_algorithms.js`), and the key checks
// jose made on the CryptoKey (`lib/key.js`: type, usage, algorithm binding, RSA ≥ 2048 bits).
//
// Keys are the CryptoKeys the key resolvers import once (jose `importJWK`/`importSPKI`), turned
// into a KeyObject once per CryptoKey and algorithm (WeakMap: it lives exactly as long as the
// resolver keeps the CryptoKey).

import { constants, KeyObject, verify as cryptoVerify } from 'node:crypto';
import type { VerifyKeyObjectInput } from 'node:crypto';
import type { CryptoKey } from 'jose';
import { PortcullisError } from '../errors/portcullis-error.js';

interface Scheme {
  /** OpenSSL digest; `null` for Ed25519 (PureEdDSA has no pre-hash). */
  readonly hash: 'sha256' | 'sha384' | 'sha512' | null;
  /** The WebCrypto algorithm the CryptoKey must be bound to, as jose checks it (`checkCryptoKey`). */
  readonly name: 'RSASSA-PKCS1-v1_5' | 'RSA-PSS' | 'ECDSA' | 'Ed25519';
  /** `algorithm.hash.name` (RSA) or `algorithm.namedCurve` (ECDSA) the CryptoKey must carry. */
  readonly bound?: string;
  /** KeyObject type that must back it. */
  readonly keyType: 'rsa' | 'ec' | 'ed25519';
  /**
   * Exact signature length in bytes, when fixed by the algorithm: ECDSA raw r‖s (RFC 7518 §3.4:
   * 64/96/132) and Ed25519 (RFC 8032: 64). Checked before OpenSSL sees the signature, so a DER
   * signature or a truncated one is refused here whatever OpenSSL's `ieee-p1363` parser tolerates.
   */
  readonly length?: number;
}

const rsa = (bits: 256 | 384 | 512, name: 'RSASSA-PKCS1-v1_5' | 'RSA-PSS'): Scheme => ({
  hash: `sha${bits}`,
  name,
  bound: `SHA-${bits}`,
  keyType: 'rsa',
});
const ecdsa = (bits: 256 | 384 | 512, curve: string, length: number): Scheme => ({
  hash: `sha${bits}`,
  name: 'ECDSA',
  bound: curve,
  keyType: 'ec',
  length,
});
const ed25519: Scheme = { hash: null, name: 'Ed25519', keyType: 'ed25519', length: 64 };

// A Map, not an object literal: an `alg` such as "__proto__" finds nothing.
const SCHEMES: ReadonlyMap<string, Scheme> = new Map([
  ['RS256', rsa(256, 'RSASSA-PKCS1-v1_5')],
  ['RS384', rsa(384, 'RSASSA-PKCS1-v1_5')],
  ['RS512', rsa(512, 'RSASSA-PKCS1-v1_5')],
  ['PS256', rsa(256, 'RSA-PSS')],
  ['PS384', rsa(384, 'RSA-PSS')],
  ['PS512', rsa(512, 'RSA-PSS')],
  ['ES256', ecdsa(256, 'P-256', 64)],
  ['ES384', ecdsa(384, 'P-384', 96)],
  ['ES512', ecdsa(512, 'P-521', 132)],
  ['EdDSA', ed25519],
  ['Ed25519', ed25519],
]);

/** Minimum RSA modulus, as jose (`checkModulusLength`) and RFC 7518 §3.3 require. */
const MIN_RSA_BITS = 2048;

/** A key ready for `crypto.verify` with one JWS algorithm. */
export interface SignatureKey {
  readonly scheme: Scheme;
  readonly input: KeyObject | VerifyKeyObjectInput;
  /** RSA: the modulus length in bytes, which a PKCS#1 v1.5 / PSS signature must have exactly (RFC 8017 §8.1.2, §8.2.2 step 1). */
  readonly rsaBytes: number | undefined;
}

const prepared = new WeakMap<CryptoKey, Map<string, SignatureKey>>();

function unusable(reason: string): PortcullisError {
  // The same outcome as jose's TypeError for a resolved key that cannot serve the alg (mapJoseError).
  return new PortcullisError('ERR_KEY_NOT_FOUND', { reason: `resolved key is not usable for this alg (${reason})` });
}

/**
 * Whether `key` takes the node:crypto path for `alg`: an asymmetric JWS algorithm and an
 * extractable public CryptoKey (public keys always are). Anything else — HS256's secret key, a
 * `Uint8Array` — stays on jose.
 */
export function usesNodeSignature(key: CryptoKey | Uint8Array, alg: string): key is CryptoKey {
  if (typeof key !== 'object' || key === null || key instanceof Uint8Array) return false;
  return key.type === 'public' && key.extractable === true && SCHEMES.has(alg);
}

/**
 * The KeyObject form of a public CryptoKey for `alg`, made once. Refuses (`ERR_KEY_NOT_FOUND`)
 * what jose's `prepareKey`/`checkCryptoKey`/`checkModulusLength` refused: a key not allowed to
 * verify, bound to another algorithm, hash or curve, or an RSA modulus under 2048 bits.
 *
 * @example
 * ```ts
 * const key = signatureKey(await resolver.getKey(header), 'RS256');
 * ```
 */
export function signatureKey(key: CryptoKey, alg: string): SignatureKey {
  let byAlg = prepared.get(key);
  const cached = byAlg?.get(alg);
  if (cached !== undefined) return cached;
  const scheme = SCHEMES.get(alg);
  if (scheme === undefined) throw unusable('not an asymmetric JWS algorithm');
  if (key.type !== 'public') throw unusable('not a public key');
  if (!key.usages.includes('verify')) throw unusable('key usages do not include "verify"');
  const algorithm = key.algorithm as { name?: unknown; hash?: { name?: unknown }; namedCurve?: unknown };
  if (algorithm.name !== scheme.name) throw unusable(`key is not a ${scheme.name} key`);
  if (scheme.keyType === 'rsa' && algorithm.hash?.name !== scheme.bound) throw unusable('key is bound to another hash');
  if (scheme.keyType === 'ec' && algorithm.namedCurve !== scheme.bound) throw unusable('key is on another curve');

  let object: KeyObject;
  try {
    object = KeyObject.from(key);
  } catch {
    throw unusable('not a CryptoKey');
  }
  if (object.type !== 'public' || object.asymmetricKeyType !== scheme.keyType) throw unusable('key type does not fit');
  let rsaBytes: number | undefined;
  let input: KeyObject | VerifyKeyObjectInput = object;
  if (scheme.keyType === 'rsa') {
    const bits = object.asymmetricKeyDetails?.modulusLength;
    if (bits === undefined || bits < MIN_RSA_BITS)
      throw unusable(`${alg} requires a modulus of ${MIN_RSA_BITS} bits or more`);
    rsaBytes = Math.ceil(bits / 8);
    if (scheme.name === 'RSA-PSS') {
      // RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash output (jose: saltLength 32/48/64).
      input = { key: object, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
    }
    // PKCS#1 v1.5 is OpenSSL's default RSA padding: the bare KeyObject is passed, because an
    // options object makes node:crypto re-read the key's slots on every call (measurably slower).
  } else if (scheme.keyType === 'ec') {
    // JWS ECDSA signatures are the raw r‖s (RFC 7518 §3.4), not DER.
    input = { key: object, dsaEncoding: 'ieee-p1363' };
  }
  const ready: SignatureKey = Object.freeze({ scheme, input, rsaBytes });
  if (byAlg === undefined) prepared.set(key, (byAlg = new Map()));
  byAlg.set(alg, ready);
  return ready;
}

/**
 * Checks a JWS signature with node:crypto. `signingInput` is the ASCII `header.payload`;
 * `signature` the decoded third segment. Returns `false` for any invalid signature (wrong length,
 * wrong value, OpenSSL refusing the encoding); never throws for token input.
 *
 * @example
 * ```ts
 * if (!verifySignature(key, Buffer.from(token.slice(0, secondDot), 'latin1'), signature)) throw invalid();
 * ```
 */
export function verifySignature(key: SignatureKey, signingInput: Uint8Array, signature: Uint8Array): boolean {
  const { scheme } = key;
  if (scheme.length !== undefined && signature.length !== scheme.length) return false;
  if (key.rsaBytes !== undefined && signature.length !== key.rsaBytes) return false;
  try {
    return cryptoVerify(scheme.hash, signingInput, key.input, signature);
  } catch {
    // OpenSSL refusing the signature's encoding (e.g. an integer out of range) is an invalid signature.
    return false;
  }
}
