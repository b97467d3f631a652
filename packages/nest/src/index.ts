// @portcullis/nest — the one public barrel. Exports by name; src/internal/** is never exported.
// The @nestjs/passport integration lives in '@portcullis/nest/passport' (optional peer dependencies).

// Module
export { PortcullisModule } from './portcullis.module.js';
export { PORTCULLIS_MODULE_OPTIONS } from './portcullis.module-definition.js';
export type {
  PortcullisForRootOptions,
  PortcullisForRootAsyncOptions,
  PortcullisModuleExtras,
} from './portcullis.module-definition.js';
export { PORTCULLIS } from './portcullis.constants.js';
export type {
  PortcullisModuleOptions,
  PortcullisSwaggerOptions,
  RoutesWithoutRulesMode,
} from './interfaces/portcullis-module-options.interface.js';

// Guards, errors
export { PortcullisGuard } from './portcullis.guard.js';
export type { GuardAuth } from './portcullis.guard.js';
export { PortcullisRulesGuard } from './portcullis-rules.guard.js';
export { authenticateRequest } from './authenticate-request.js';
export { PortcullisHttpException } from './portcullis-http.exception.js';
export { PortcullisExceptionFilter } from './portcullis-exception.filter.js';

// Decorators
export { Public } from './decorators/public.decorator.js';
export { Authenticated } from './decorators/authenticated.decorator.js';
export { Scopes, AnyScope } from './decorators/scopes.decorator.js';
export type { ScopesOptions } from './decorators/scopes.decorator.js';
export { Roles, AllRoles } from './decorators/roles.decorator.js';
export type { RolesOptions } from './decorators/roles.decorator.js';
export { Policy } from './decorators/policy.decorator.js';
export type { PolicyOptions } from './decorators/policy.decorator.js';
export { Requires } from './decorators/requires.decorator.js';
export { TenantParam } from './decorators/tenant-param.decorator.js';
export { OwnedResource } from './decorators/owned-resource.decorator.js';
export type { OwnedResourceOptions } from './decorators/owned-resource.decorator.js';
export { CurrentPrincipal } from './decorators/current-principal.decorator.js';
export { LoadedResource } from './decorators/loaded-resource.decorator.js';

// Interfaces
export type { ResourceResolver } from './interfaces/resource-resolver.interface.js';
export type { PortcullisPolicy } from './interfaces/portcullis-policy.interface.js';
export type { PortcullisRequestState } from './interfaces/portcullis-request-state.interface.js';

// Re-exported from @portcullis/core, so an app imports one package.
export {
  PortcullisError,
  isPortcullisError,
  ERROR_CATALOG,
  toHttpResponse,
  requireScopes,
  requireRoles,
  requireTenant,
  requireOwnership,
  policy,
  allOf,
  anyOf,
  allow,
  deny,
  decide,
  scopeQuery,
  InMemoryRevocationStore,
  REVOCATION_STORE,
  CLAIMS_PRESETS,
  hashToken,
  createProtectedResourceMetadata,
} from '@portcullis/core';
export type {
  PortcullisErrorCode,
  BearerErrorCode,
  ErrorResponseBody,
  HttpErrorResponse,
  Principal,
  PrincipalKind,
  ClaimsMapping,
  ClaimsPreset,
  Rule,
  Decision,
  DecisionContext,
  PolicyFunction,
  ScopeQueryOptions,
  RevocationStore,
  RevocationQuery,
  AuditEvent,
  AuditSink,
  Portcullis,
  PortcullisOptions,
  AuthContext,
  VerifiedToken,
  VerifierOptions,
  RemoteJwksOptions,
  ProtectedResourceMetadata,
  ProtectedResourceMetadataOptions,
  ProtectedResourceMetadataDocument,
  BearerMethod,
} from '@portcullis/core';
