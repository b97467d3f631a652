// @portcullis/testing/nest — helpers for testing NestJS apps guarded by @portcullis/nest.
// Needs the optional peer dependencies @portcullis/nest and @nestjs/common.

export { portcullisTestingOptions } from './portcullis-testing-options.js';
export { PortcullisTestingModule } from './portcullis-testing-module.js';
export { overridePortcullis } from './override-portcullis.js';
export type { ProviderOverridable } from './override-portcullis.js';
export { listenForTest } from './listen-for-test.js';
export type { TestServer } from '../test-server.js';

// Re-exported from '@portcullis/testing', so a Nest test imports one module.
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
