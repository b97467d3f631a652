import type { JWTPayload } from 'jose';

/** Whether the token represents a person or a machine client (client credentials). */
export type PrincipalKind = 'user' | 'client';

/**
 * The authenticated caller, mapped from a verified token's claims. Frozen.
 *
 * @example
 * ```ts
 * if (principal.kind === 'user' && principal.scopes.has('orders:read')) { … }
 * ```
 */
export interface Principal {
  /** `iss` of the token: identity is the pair (issuer, subject). */
  readonly issuer: string;
  /** `sub` claim. For client-credentials tokens this is usually the client id. */
  readonly subject: string;
  /** `client_id` (or the provider's equivalent, e.g. `azp`, `appid`). */
  readonly clientId: string | undefined;
  /** `client` when the token was issued to a client acting on its own behalf. */
  readonly kind: PrincipalKind;
  /** Granted OAuth scopes (exact, case-sensitive strings). */
  readonly scopes: ReadonlySet<string>;
  /** Roles as granted by the token, before hierarchy expansion. */
  readonly grantedRoles: readonly string[];
  /** Roles after role-hierarchy expansion (e.g. `admin` implies `support`). */
  readonly roles: ReadonlySet<string>;
  /** Tenant / organisation id, if the claim mapping defines one and the token carries it. */
  readonly tenant: string | undefined;
  /** `jti` claim. */
  readonly tokenId: string | undefined;
  /** `exp` claim, seconds since the epoch. */
  readonly expiresAt: number | undefined;
  /** The verified raw claims. Frozen. */
  readonly claims: Readonly<JWTPayload> & { readonly [claim: string]: unknown };
}
