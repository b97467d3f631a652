import { PortcullisError } from '../errors/portcullis-error.js';
import type { Principal } from '../principal/principal.js';
import { principalTenant } from '../internal/rule-tenant.js';
import { validateOptions, validateRoleList } from '../internal/rule-validate.js';

/**
 * Options of {@link scopeQuery}: which fields of the stored rows hold the owner and the tenant,
 * and who may see more than their own rows. Mirror the options of the matching
 * `requireOwnership` rule so lists and single reads agree.
 *
 * @example
 * ```ts
 * const ordersScope: ScopeQueryOptions = { owner: 'ownerId', tenant: 'orgId', unrestrictedRoles: ['support'] };
 * ```
 */
export interface ScopeQueryOptions {
  /** Field holding the owner's user id; set to `identityOf(principal)` for restricted callers. */
  readonly owner?: string;
  /** Field holding the tenant id; always set to the principal's tenant (a missing tenant throws). */
  readonly tenant?: string;
  /** Roles (after hierarchy expansion) that see every row — of their tenant when `tenant` is set. @default [] */
  readonly unrestrictedRoles?: readonly string[];
  /** Client principals see every row (of their tenant when `tenant` is set); otherwise they get `ERR_FORBIDDEN`. @default false */
  readonly allowClients?: boolean;
  /** The owner value for a principal. @default (principal) => principal.subject */
  readonly identityOf?: (principal: Principal) => string;
}

const KEYS = ['owner', 'tenant', 'unrestrictedRoles', 'allowClients', 'identityOf'] as const;

function fieldName(value: unknown, option: string): string | undefined {
  if (value === undefined) return undefined;
  // `__proto__` as a key of an object literal assignment would set the prototype, not a field.
  if (typeof value !== 'string' || value === '' || value === '__proto__') {
    throw new TypeError(`scopeQuery: '${option}' must be a field name`);
  }
  return value;
}

/**
 * Turns a principal into a plain equality filter for list endpoints, so a list returns only what
 * the caller may see (OWASP API1 on every access path, SPEC A40/A42). The values come from the
 * verified token only — never from query parameters or headers (SPEC 115, 122).
 *
 * - customer (no unrestricted role): `{ [tenant]: principal.tenant, [owner]: principal.subject }`
 * - unrestricted role: `{ [tenant]: principal.tenant }` (or `{}` without a `tenant` field)
 * - client: `ERR_FORBIDDEN` unless `allowClients`, then like an unrestricted role
 * - `tenant` configured but the principal has none: `ERR_FORBIDDEN` (SPEC 92)
 *
 * @example
 * ```ts
 * const where = scopeQuery(principal, { owner: 'ownerId', tenant: 'orgId', unrestrictedRoles: ['support'] });
 * // alice (customer, acme): { orgId: 'acme', ownerId: 'alice' }; sam (support, acme): { orgId: 'acme' }
 * const rows = await db.selectFrom('orders').where((eb) => eb.and(where)).selectAll().execute();
 * ```
 */
export function scopeQuery(principal: Principal, options: ScopeQueryOptions): Record<string, string> {
  const opts = validateOptions(options, 'scopeQuery', KEYS);
  const ownerField = fieldName(opts.owner, 'owner');
  const tenantField = fieldName(opts.tenant, 'tenant');
  if (ownerField === undefined && tenantField === undefined) {
    throw new TypeError("scopeQuery: set 'owner', 'tenant' or both");
  }
  const unrestricted =
    opts.unrestrictedRoles === undefined
      ? []
      : validateRoleList(opts.unrestrictedRoles, 'scopeQuery unrestrictedRoles', true);
  if (opts.identityOf !== undefined && typeof opts.identityOf !== 'function') {
    throw new TypeError("scopeQuery: 'identityOf' must be a function");
  }

  const filter: Record<string, string> = {};
  if (tenantField !== undefined) {
    const tenant = principalTenant(principal);
    if (tenant === undefined)
      throw new PortcullisError('ERR_FORBIDDEN', { reason: 'scopeQuery: principal has no tenant' });
    filter[tenantField] = tenant;
  }
  if (principal.kind !== 'user') {
    if (opts.allowClients !== true)
      throw new PortcullisError('ERR_FORBIDDEN', { reason: 'scopeQuery: client principals see nothing' });
    return filter;
  }
  if (unrestricted.some((role) => principal.roles.has(role))) return filter;
  if (ownerField === undefined) return filter;
  const identity = opts.identityOf ? (opts.identityOf as (p: Principal) => unknown)(principal) : principal.subject;
  if (typeof identity !== 'string' || identity === '') {
    throw new PortcullisError('ERR_FORBIDDEN', { reason: 'scopeQuery: principal has no identity' });
  }
  filter[ownerField] = identity;
  return filter;
}
