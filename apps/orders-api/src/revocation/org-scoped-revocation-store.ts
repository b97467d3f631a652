import { PortcullisError } from '@portcullis/nest';
import type { RevocationQuery, RevocationStore } from '@portcullis/nest';
import { ORG_CLAIM } from '../auth/auth.constants.js';

/**
 * The key a subject revocation is stored under: the organisation and the subject together, as a
 * JSON array so that no pair of values can collide (`["a/b","c"]` ≠ `["a","b/c"]`). Tokens without
 * an organisation get `null` there, which no organisation admin can address.
 *
 * @example
 * ```ts
 * orgSubjectKey('acme', 'bob'); // '["acme","bob"]' — the inner store's `sub`
 * ```
 */
export function orgSubjectKey(orgId: string | null, sub: string): string {
  return JSON.stringify([orgId, sub]);
}

/** The token's organisation as the principal mapper reads it (`claims.tenant: 'org_id'`), or `null`. */
function orgOfClaims(claims: RevocationQuery['claims']): string | null {
  const value = claims?.[ORG_CLAIM];
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * Subject revocations scoped to an organisation, around any {@link RevocationStore} (Redis or
 * in-memory). An organisation admin may revoke the tokens of a subject **in their own
 * organisation only**: `revokeSubjectInOrg('acme', 'carol', …)` refuses every token of `carol`
 * whose `org_id` is `acme`, and none of her tokens for another organisation. The API has no user
 * directory to tell which organisation a subject belongs to; this makes the question moot — an
 * admin's revocation can only ever reach tokens of the admin's organisation.
 *
 * - `revokeToken` (one `jti`, used by logout) passes through unchanged.
 * - `isRevoked` asks the inner store about the organisation-scoped subject key built from the
 *   verified claims the verifier hands over (`query.claims`). A query without claims cannot be
 *   scoped: it fails with `ERR_REVOCATION_UNAVAILABLE` (503), never "not revoked".
 * - `revokeSubject(sub, …)`, the store contract's unscoped form, throws: a caller that does not name
 *   the organisation would otherwise write an entry no token ever matches, a revocation that
 *   silently does nothing.
 *
 * @example
 * ```ts
 * const revocation = new OrgScopedRevocationStore(new InMemoryRevocationStore());
 * await revocation.revokeSubjectInOrg('acme', 'bob', nowSeconds, nowSeconds + 86_400);
 * createPortcullis({ issuer, audience, jwksUri, revocation });
 * ```
 */
export class OrgScopedRevocationStore implements RevocationStore {
  constructor(
    /** The store that holds the entries; it sees organisation-scoped subject keys. */
    readonly inner: RevocationStore,
  ) {}

  /** The inner store's leeway, so the verifier checks it against its clock tolerance through this wrapper. */
  get leeway(): number | undefined {
    return this.inner.leeway;
  }

  revokeToken(jti: string, expiresAt: number): void | Promise<void> {
    return this.inner.revokeToken(jti, expiresAt);
  }

  /**
   * Revokes every token of `sub` in organisation `orgId` whose `iat` is at or before
   * `issuedAtOrBefore` (seconds, by whole second), kept until `retainUntil`.
   */
  revokeSubjectInOrg(orgId: string, sub: string, issuedAtOrBefore: number, retainUntil: number): void | Promise<void> {
    if (typeof orgId !== 'string' || orgId === '')
      throw new TypeError("revokeSubjectInOrg: 'orgId' must be a non-empty string");
    if (typeof sub !== 'string' || sub === '')
      throw new TypeError("revokeSubjectInOrg: 'sub' must be a non-empty string");
    return this.inner.revokeSubject(orgSubjectKey(orgId, sub), issuedAtOrBefore, retainUntil);
  }

  /** Not supported: subject revocations name the organisation (see {@link revokeSubjectInOrg}). */
  revokeSubject(): never {
    throw new TypeError('OrgScopedRevocationStore: subject revocations are per organisation, use revokeSubjectInOrg()');
  }

  isRevoked(query: RevocationQuery): boolean | Promise<boolean> {
    if (query.claims === undefined) {
      throw new PortcullisError('ERR_REVOCATION_UNAVAILABLE', { reason: 'revocation query without the claims set' });
    }
    return this.inner.isRevoked({ ...query, sub: orgSubjectKey(orgOfClaims(query.claims), query.sub) });
  }
}
