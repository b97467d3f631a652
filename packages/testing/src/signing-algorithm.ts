/**
 * JWS algorithms the test issuer can generate keys for and sign with.
 *
 * `EdDSA` keys are Ed25519. RSA keys (`RS*`, `PS*`) are 2048 bits.
 *
 * @example
 * ```ts
 * import type { SigningAlgorithm } from '@portcullis/testing';
 *
 * const algs: SigningAlgorithm[] = ['ES256', 'RS256', 'EdDSA'];
 * const issuer = await createTestIssuer({ algorithms: ['ES256', 'PS256'] });
 * const kid = await issuer.addKey('ES512');
 * ```
 */
export type SigningAlgorithm =
  'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';
