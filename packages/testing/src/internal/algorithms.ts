import type { SigningAlgorithm } from '../signing-algorithm.js';

/** Web Crypto parameters per JWS algorithm (RFC 7518 §3; RFC 8037 for EdDSA). */
interface AlgorithmEntry {
  /** Parameters for `generateKey`-compatible checks and `subtle.sign`. */
  readonly signing: AlgorithmIdentifierLike;
  /** JWK `kty` of keys for this algorithm. */
  readonly kty: 'RSA' | 'EC' | 'OKP';
}

export type AlgorithmIdentifierLike =
  | { readonly name: 'RSASSA-PKCS1-v1_5' }
  | { readonly name: 'RSA-PSS'; readonly saltLength: number }
  | { readonly name: 'ECDSA'; readonly hash: string }
  | { readonly name: 'Ed25519' };

const TABLE: Readonly<Record<SigningAlgorithm, AlgorithmEntry>> = {
  RS256: { kty: 'RSA', signing: { name: 'RSASSA-PKCS1-v1_5' } },
  RS384: { kty: 'RSA', signing: { name: 'RSASSA-PKCS1-v1_5' } },
  RS512: { kty: 'RSA', signing: { name: 'RSASSA-PKCS1-v1_5' } },
  // PSS salt length equals the hash output size (RFC 7518 §3.5).
  PS256: { kty: 'RSA', signing: { name: 'RSA-PSS', saltLength: 32 } },
  PS384: { kty: 'RSA', signing: { name: 'RSA-PSS', saltLength: 48 } },
  PS512: { kty: 'RSA', signing: { name: 'RSA-PSS', saltLength: 64 } },
  ES256: { kty: 'EC', signing: { name: 'ECDSA', hash: 'SHA-256' } },
  ES384: { kty: 'EC', signing: { name: 'ECDSA', hash: 'SHA-384' } },
  ES512: { kty: 'EC', signing: { name: 'ECDSA', hash: 'SHA-512' } },
  EdDSA: { kty: 'OKP', signing: { name: 'Ed25519' } },
};

/** Every algorithm the test issuer can hold a key for. */
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = Object.keys(TABLE) as SigningAlgorithm[];

export function isSigningAlgorithm(value: unknown): value is SigningAlgorithm {
  return typeof value === 'string' && Object.hasOwn(TABLE, value);
}

export function algorithmEntry(alg: SigningAlgorithm): AlgorithmEntry {
  return TABLE[alg];
}
