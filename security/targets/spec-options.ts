import { createProtectedResourceMetadata } from '@portcullis/core';
import type { AuditEvent, PortcullisOptions, ProtectedResourceMetadata, RemoteJwksOptions, RevocationStore } from '@portcullis/core';

/** RFC 6750 realm of every challenge (SPEC §0.2). */
export const SPEC_REALM = 'orders';

/**
 * RFC 9728 metadata URL the SPEC targets put into their challenges and serve the document at (SPEC
 * §0.2 fixture, cases 177 and 178). Written out: the targets derive it from their audience through
 * `createProtectedResourceMetadata`, and the corpus checks that the two agree.
 */
export const RESOURCE_METADATA = 'https://api.example.test/.well-known/oauth-protected-resource/orders';

/** Scopes the SPEC targets' routes require, published as `scopes_supported`. */
export const SPEC_SCOPES: readonly string[] = ['orders:read', 'orders:write'];

/**
 * The RFC 9728 metadata of a SPEC target: its audience as the resource (`https://api.example.test/orders`
 * with the test issuer), the test issuer as its one authorization server, the SPEC scopes.
 */
export function specResourceMetadata(keySource: KeySourceOptions): ProtectedResourceMetadata {
  return createProtectedResourceMetadata({ resource: keySource.audience, authorizationServers: [keySource.issuer], scopesSupported: SPEC_SCOPES });
}

/** The one browser origin the targets allow (CORS, SPEC 20). */
export const CORS_ORIGIN = 'https://app.example.test';

/**
 * Algorithm allowlist of the SPEC targets: SPEC §0.2's `["ES256","RS256","PS256"]` (the orders
 * API keeps the library default, which also allows EdDSA).
 */
export const SPEC_ALGORITHMS: readonly string[] = ['ES256', 'RS256', 'PS256'];

/** Clock leeway of the SPEC targets, seconds (SPEC 70/71 assume 60 s). */
export const SPEC_LEEWAY_SECONDS = 60;

/** Key source and clock of a target: `issuer.verifierOptions()` or the fault key server's. */
export interface KeySourceOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUri?: string;
  readonly now?: () => number;
}

/** Everything a SPEC target needs besides its routes. */
export interface SpecTargetOptions {
  readonly keySource: KeySourceOptions;
  readonly revocation: RevocationStore;
  readonly audit: (event: AuditEvent) => void;
  /** Key-set fetching (fault tests shorten the timeouts). */
  readonly remoteJwks?: RemoteJwksOptions;
}

/**
 * The Portcullis options shared by targets a–c: `org_id` as the tenant claim, `admin ⊃ support`,
 * realm `orders` with the RFC 9728 metadata URL, the SPEC allowlist, 60 s leeway, a revocation
 * store and an audit sink.
 */
export function specPortcullisOptions(options: SpecTargetOptions): PortcullisOptions {
  return {
    ...options.keySource,
    claims: { tenant: 'org_id' },
    roleHierarchy: { admin: ['support'], support: [] },
    realm: SPEC_REALM,
    resourceMetadata: specResourceMetadata(options.keySource).url,
    algorithms: SPEC_ALGORITHMS,
    clockTolerance: SPEC_LEEWAY_SECONDS,
    revocation: options.revocation,
    audit: options.audit,
    ...(options.remoteJwks ? { remoteJwks: options.remoteJwks } : {}),
  };
}
