// @portcullis/express — the one public barrel. Exports by name; src/internal/** is never exported.
//
// Rule middlewares share their names with the core's rule factories (`requireScopes`,
// `requireRoles`, `requireTenant`, `requireOwnership`): here they are Express middleware. An app
// imports from this package only; the core rules of the same names are reached through each
// middleware's `.rule` (for `allOf` / `anyOf`) or from '@portcullis/core' under an alias.

// Authentication gate and deny-by-default router
export { portcullis } from './portcullis.js';
export type { GateOptions, PortcullisMiddleware, PortcullisMiddlewareOptions, PublicPath } from './portcullis.js';
export { portcullisRouter } from './portcullis-router.js';
export type { PortcullisRouterOptions } from './portcullis-router.js';
export { authenticateRequest } from './authenticate-request.js';

// Rules
export { publicRoute } from './public-route.js';
export { requireAuthentication } from './require-authentication.js';
export { requireScopes, requireAnyScope } from './require-scopes.js';
export type { ScopesOptions } from './require-scopes.js';
export { requireRoles, requireAllRoles } from './require-roles.js';
export type { RolesOptions } from './require-roles.js';
export { requireTenant } from './require-tenant.js';
export type { TenantOptions } from './require-tenant.js';
export { requireOwnership } from './require-ownership.js';
export type { OwnershipMiddleware, OwnershipOptions } from './require-ownership.js';
export { requirePolicy } from './require-policy.js';
export { requireRule } from './require-rule.js';
export type { RuleMiddleware } from './internal/rule-middleware.js';

// Protected-resource metadata (RFC 9728)
export { protectedResourceMetadata } from './protected-resource-metadata.js';

// Errors
export { portcullisErrorHandler } from './portcullis-error-handler.js';
export type { ErrorHandlerOptions } from './portcullis-error-handler.js';

// Typed request (also augments Express's Request with `auth`)
export type { AuthenticatedRequest, PortcullisAuth } from './portcullis-auth.js';

// Re-exported from @portcullis/core: what an Express app needs besides the middleware
export {
  PortcullisError,
  isPortcullisError,
  ERROR_CATALOG,
  toHttpResponse,
  createPortcullis,
  createProtectedResourceMetadata,
  InMemoryRevocationStore,
  scopeQuery,
  allOf,
  anyOf,
  allow,
  deny,
  CLAIMS_PRESETS,
} from '@portcullis/core';
export type {
  AuthContext,
  AuditEvent,
  AuditSink,
  BearerMethod,
  ChallengeOptions,
  ClaimsMapping,
  ClaimsPreset,
  Decision,
  DecisionContext,
  ErrorResponseBody,
  HttpErrorResponse,
  InMemoryRevocationStoreOptions,
  JsonValue,
  PolicyFunction,
  Portcullis,
  PortcullisErrorCode,
  PortcullisOptions,
  Principal,
  PrincipalKind,
  ProtectedResourceMetadata,
  ProtectedResourceMetadataDocument,
  ProtectedResourceMetadataOptions,
  RevocationQuery,
  RevocationStore,
  Rule,
  ScopeQueryOptions,
  VerifiedToken,
} from '@portcullis/core';
