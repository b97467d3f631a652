// @portcullis/testing — the one public barrel. Exports by name; src/internal/** is never exported.

export { createTestIssuer } from './create-test-issuer.js';
export type { TestIssuerOptions } from './create-test-issuer.js';
export type {
  TestIssuer,
  TokenClaims,
  TokenOptions,
  SignOptions,
  SigningKeyChoice,
  RawHeader,
  TestVerifierOptions,
} from './test-issuer.js';
export { BAD_TOKEN_KINDS } from './bad-token-kind.js';
export type { BadTokenKind } from './bad-token-kind.js';
export type { TestClock } from './test-clock.js';
export type { JwksFaultMode, JwksFaultOptions, JwksServerControl } from './jwks-server-control.js';
export type { SigningAlgorithm } from './signing-algorithm.js';
