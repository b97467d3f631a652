import { PortcullisError, scopeQuery } from '@portcullis/nest';
import type { PolicyFunction, Principal } from '@portcullis/nest';
import type { OrderScope } from '../orders/orders.repository.js';

/** The scopes this API defines. */
export const SCOPES = Object.freeze({ read: 'orders:read', write: 'orders:write', fulfil: 'orders:fulfil' } as const);

/**
 * Roles and what they imply: `admin` inherits `support`. No role reaches across organisations:
 * every user rule below also binds the caller to the `org_id` of its token.
 */
export const ROLE_HIERARCHY: Readonly<Record<string, readonly string[]>> = Object.freeze({ admin: ['support'], support: [] });

/** Policy: a person (not a machine client) who belongs to an organisation (`org_id`). */
export const orgUser: PolicyFunction = ({ principal }) => principal.kind === 'user' && typeof principal.tenant === 'string' && principal.tenant !== '';

/**
 * Policy: a machine client acting on its own behalf (client-credentials token, `sub` = `client_id`).
 * A user token carrying `orders:fulfil` is still refused on the internal routes.
 */
export const machineClient: PolicyFunction = ({ principal }) => principal.kind === 'client';

/**
 * The list filter of a caller, from the verified token only (core's `scopeQuery`): the caller's
 * org always; the caller's own orders unless it holds `support` (admin inherits it). A machine
 * client or a user without `org_id` gets 403 `ERR_FORBIDDEN`.
 *
 * @example
 * ```ts
 * orderScopeFor(alice); // { orgId: 'acme', ownerId: 'alice' }
 * orderScopeFor(sam);   // { orgId: 'acme', ownerId: undefined }
 * ```
 */
export function orderScopeFor(principal: Principal): OrderScope {
  const where = scopeQuery(principal, { owner: 'ownerId', tenant: 'orgId', unrestrictedRoles: ['support'] });
  const orgId = where.orgId;
  if (orgId === undefined) throw new PortcullisError('ERR_FORBIDDEN', { reason: 'no organisation in the token' });
  return { orgId, ownerId: where.ownerId };
}

/** The caller's org, for writes (`orgUser` has already been checked by the guard). */
export function orgOf(principal: Principal): string {
  if (principal.tenant === undefined || principal.tenant === '') {
    throw new PortcullisError('ERR_FORBIDDEN', { reason: 'no organisation in the token' });
  }
  return principal.tenant;
}
