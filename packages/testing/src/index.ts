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

// Requests as a principal, and the authorization matrix (framework-agnostic, over HTTP)
export { asPrincipal } from './as-principal.js';
export type { TestPrincipal } from './as-principal.js';
export { authorizationMatrix } from './matrix/authorization-matrix.js';
export { AuthorizationMatrixError } from './matrix/authorization-matrix-error.js';
export type {
  AuthorizationMatrixOptions,
  ExpectedOutcome,
  MatrixPrincipal,
  MatrixRoute,
} from './matrix/authorization-matrix-options.js';
export type { AuthorizationMatrixResult, MatrixCell, ObservedOutcome } from './matrix/authorization-matrix-result.js';
