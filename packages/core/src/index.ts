// @portcullis/core — the one public barrel. Exports by name; src/internal/** is never exported.

// Errors
export { PortcullisError, isPortcullisError, ERROR_CATALOG } from './errors/portcullis-error.js';
export type {
  PortcullisErrorCode,
  BearerErrorCode,
  ErrorCatalogEntry,
  PortcullisErrorDetails,
} from './errors/portcullis-error.js';
export { toHttpResponse, buildChallenge, assertChallengeSafe, isScopeToken } from './errors/to-http-response.js';
export type { ChallengeOptions, HttpErrorResponse, ErrorResponseBody } from './errors/to-http-response.js';

// Request
export { extractBearerToken } from './request/extract-bearer-token.js';
export type { HttpRequestLike, BearerExtractionOptions } from './request/http-request-like.js';

// Token verification
export { createAccessTokenVerifier } from './token/create-access-token-verifier.js';
export { hashToken } from './token/hash-token.js';
export type { AccessTokenVerifier, KeySetStatus } from './token/access-token-verifier.js';
export type { VerifierOptions, RemoteJwksOptions, StaticKey } from './token/verifier-options.js';
export type { VerifiedToken } from './token/verified-token.js';

// Principal
export { createPrincipalMapper } from './principal/create-principal-mapper.js';
export type { PrincipalMapper, PrincipalMapperOptions } from './principal/create-principal-mapper.js';
export { CLAIMS_PRESETS } from './principal/claims-presets.js';
export { createRoleHierarchy } from './principal/role-hierarchy.js';
export type { RoleHierarchy } from './principal/role-hierarchy.js';
export type { Principal, PrincipalKind } from './principal/principal.js';
export type { ClaimsMapping, ClaimsPreset } from './principal/claims-mapping.js';

// Authorization decisions
export { requireScopes } from './authorization/require-scopes.js';
export type { ScopeRuleOptions } from './authorization/require-scopes.js';
export { requireRoles } from './authorization/require-roles.js';
export type { RoleRuleOptions } from './authorization/require-roles.js';
export { requireTenant } from './authorization/require-tenant.js';
export type { TenantRuleOptions } from './authorization/require-tenant.js';
export { requireOwnership } from './authorization/require-ownership.js';
export type { OwnershipRuleOptions } from './authorization/require-ownership.js';
export { policy } from './authorization/policy.js';
export type { PolicyFunction } from './authorization/policy.js';
export { allOf, anyOf } from './authorization/combinators.js';
export { decide, allow, deny } from './authorization/decide.js';
export { scopeQuery } from './authorization/scope-query.js';
export type { ScopeQueryOptions } from './authorization/scope-query.js';
export type { Rule, Decision, Allow, Deny, DecisionContext } from './authorization/rule.js';

// Revocation
export { InMemoryRevocationStore } from './revocation/in-memory-revocation-store.js';
export type { InMemoryRevocationStoreOptions } from './revocation/in-memory-revocation-store.js';
export { REVOCATION_STORE } from './revocation/revocation-store.js';
export type { RevocationStore, RevocationQuery } from './revocation/revocation-store.js';

// Audit
export type { AuditEvent, AuditSink } from './audit/audit-event.js';
export { createAuditEvent, emitAuditEvent } from './audit/create-audit-event.js';
export type { AuditEventFields } from './audit/create-audit-event.js';

// Protected-resource metadata (RFC 9728)
export { createProtectedResourceMetadata } from './metadata/create-protected-resource-metadata.js';
export { assertProtectedResourceMetadata } from './metadata/assert-protected-resource-metadata.js';
export type {
  ProtectedResourceMetadata,
  ProtectedResourceMetadataOptions,
  ProtectedResourceMetadataDocument,
  BearerMethod,
  JsonValue,
} from './metadata/create-protected-resource-metadata.js';

// Composition
export { createPortcullis } from './portcullis/create-portcullis.js';
export type { Portcullis, PortcullisOptions, AuthContext, AuditRequestInfo } from './portcullis/portcullis.js';
