import type { AuditEvent, PortcullisOptions, RemoteJwksOptions, RevocationStore } from '@portcullis/core';

/** RFC 6750 realm of every challenge (SPEC §0.2). */
export const SPEC_REALM = 'orders';

/**
 * RFC 9728 metadata URL the SPEC targets put into their challenges (SPEC §0.2 fixture, case 178).
 * No component serves the document itself yet (case 177 is pending).
 */
export const RESOURCE_METADATA = 'https://api.example.test/.well-known/oauth-protected-resource/orders';

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
    resourceMetadata: RESOURCE_METADATA,
    algorithms: SPEC_ALGORITHMS,
    clockTolerance: SPEC_LEEWAY_SECONDS,
    revocation: options.revocation,
    audit: options.audit,
    ...(options.remoteJwks ? { remoteJwks: options.remoteJwks } : {}),
  };
}
