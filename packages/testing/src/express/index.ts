// @portcullis/testing/express — helpers for testing Express apps guarded by @portcullis/express.
// Needs the optional peer dependency @portcullis/express (for its types).

export { portcullisTestingOptions } from './portcullis-testing-options.js';
export { listenForTest } from './listen-for-test.js';
export type { TestServer } from '../test-server.js';

// Re-exported from '@portcullis/testing', so an Express test imports one module.
export {
  createTestIssuer,
  asPrincipal,
  authorizationMatrix,
  AuthorizationMatrixError,
  BAD_TOKEN_KINDS,
} from '../index.js';
export type {
  TestIssuer,
  TestIssuerOptions,
  TokenClaims,
  TokenOptions,
  BadTokenKind,
  TestPrincipal,
  AuthorizationMatrixOptions,
  AuthorizationMatrixResult,
  ExpectedOutcome,
  MatrixCell,
  MatrixPrincipal,
  MatrixRoute,
  ObservedOutcome,
} from '../index.js';
