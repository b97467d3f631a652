import type { JWTPayload } from 'jose';
import type { PrincipalKind } from './principal.js';

/** Names of the built-in claim-mapping presets. */
export type ClaimsPreset = 'rfc9068' | 'auth0' | 'entra' | 'okta' | 'keycloak' | 'cognito';

/**
 * How claims become a {@link Principal}. Claim paths are dot-separated (`realm_access.roles`);
 * the segment `{clientId}` is replaced with this API's own client id, which must then be configured
 * (`claimsClientId`; `resource_access.{clientId}.roles`). Only own properties are followed
 * (`__proto__` and friends are never read).
 *
 * @example
 * ```ts
 * const mapping: ClaimsMapping = { roles: ['realm_access.roles'], tenant: 'org_id' };
 * ```
 */
export interface ClaimsMapping {
  /**
   * Claims holding scopes: a space-separated string (`scope`, `scp` as string) or an array of
   * strings (`scp`, `permissions`). A claim of any other type fails the token.
   * @default ['scope']
   */
  readonly scopes?: readonly string[];
  /** Claims holding role arrays. A non-array value fails the token. @default ['roles'] */
  readonly roles?: readonly string[];
  /** Claim holding the tenant id (a string). @default undefined */
  readonly tenant?: string;
  /** Claims tried in order for the client id. @default ['client_id'] */
  readonly clientId?: readonly string[];
  /**
   * Decides whether the token is a user's or a client's.
   * @default client when `sub` equals the client id (client-credentials tokens), else user
   */
  readonly kind?: (claims: Readonly<JWTPayload>, clientId: string | undefined) => PrincipalKind;
}
