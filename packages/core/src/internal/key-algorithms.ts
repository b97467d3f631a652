// Which JWS algorithms a key source can serve, and which JWK shapes fit each of them.
// jose keeps the same table internally (lib/jws_algorithms.js) but does not export it.

/**
 * The asymmetric algorithms accepted when `VerifierOptions.algorithms` is not set: the ones identity
 * providers sign access tokens with (RS256 is mandatory per RFC 9068 §2.1; ES256, PS256 and EdDSA
 * are the common alternatives). The 384/512 variants are supported but must be listed explicitly:
 * an allowlist is only worth as much as it is narrow (RFC 8725 §3.1).
 */
export const DEFAULT_ASYMMETRIC_ALGORITHMS: readonly string[] = Object.freeze(['RS256', 'PS256', 'ES256', 'EdDSA', 'Ed25519']);

/** Every asymmetric JWS algorithm a key source can serve (what `algorithms` may list). */
export const SUPPORTED_ASYMMETRIC_ALGORITHMS: readonly string[] = Object.freeze([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
]);

/** The one symmetric algorithm Portcullis supports, and only with `secret` + `allowSymmetric: true`. */
export const SYMMETRIC_ALGORITHM = 'HS256';

/** What a public JWK must look like to verify signatures of one algorithm. */
export interface KeyShape {
  readonly kty: 'RSA' | 'EC' | 'OKP';
  /** Required curve for EC and OKP keys. */
  readonly crv?: string;
}

// A Map, not an object literal: a token's `alg` such as "__proto__" or "toString" must not find anything.
const SHAPES: ReadonlyMap<string, KeyShape> = new Map<string, KeyShape>([
  ['RS256', { kty: 'RSA' }],
  ['RS384', { kty: 'RSA' }],
  ['RS512', { kty: 'RSA' }],
  ['PS256', { kty: 'RSA' }],
  ['PS384', { kty: 'RSA' }],
  ['PS512', { kty: 'RSA' }],
  ['ES256', { kty: 'EC', crv: 'P-256' }],
  ['ES384', { kty: 'EC', crv: 'P-384' }],
  ['ES512', { kty: 'EC', crv: 'P-521' }],
  ['EdDSA', { kty: 'OKP', crv: 'Ed25519' }],
  ['Ed25519', { kty: 'OKP', crv: 'Ed25519' }],
]);

/**
 * The key shape of an asymmetric JWS algorithm, or `undefined` for anything else (`none`, `HS*`,
 * JWE algorithms, unknown names). Symmetric algorithms are deliberately absent: a key set never
 * serves a symmetric key, so an `HS256` token can never be checked against an RSA public key used
 * as an HMAC secret (the classic RS/HS confusion).
 */
export function keyShapeOf(alg: string): KeyShape | undefined {
  return SHAPES.get(alg);
}

/** Whether a JWK's `kty`/`crv` fit an algorithm. */
export function jwkFitsAlgorithm(jwk: { readonly kty?: unknown; readonly crv?: unknown }, alg: string): boolean {
  const shape = keyShapeOf(alg);
  if (shape === undefined || jwk.kty !== shape.kty) return false;
  return shape.crv === undefined || jwk.crv === shape.crv;
}
