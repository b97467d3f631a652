import type { Principal } from '../principal/principal.js';
import { asTenant, principalTenant, sameTenant } from '../internal/rule-tenant.js';
import { makeRule, validateOptions, validateRoleList } from '../internal/rule-validate.js';
import { allow, deny } from './decide.js';
import type { Deny, Rule } from './rule.js';

/**
 * Options of {@link requireOwnership}.
 *
 * @example
 * ```ts
 * const options: OwnershipRuleOptions<Order> = {
 *   ownerOf: (order) => order.ownerId,
 *   tenantOf: (order) => order.orgId,
 *   allowRoles: ['support'], // support (and admin, through the hierarchy) see every order of their org
 * };
 * ```
 */
export interface OwnershipRuleOptions<R = unknown> {
  /** The owner's user id (compared with `identityOf(principal)`, by default `principal.subject`). */
  readonly ownerOf: (resource: R) => string | undefined;
  /**
   * The resource's tenant. When set, the principal must have a tenant (else `ERR_FORBIDDEN`) and
   * it must equal the resource's (else `ERR_NOT_FOUND`) — for owners, `allowRoles` and clients
   * alike: no role crosses a tenant (SPEC 124).
   */
  readonly tenantOf?: (resource: R) => string | undefined;
  /**
   * Roles (after hierarchy expansion) that may access every resource — of the same tenant when
   * `tenantOf` is set, of *any* owner otherwise. @default []
   */
  readonly allowRoles?: readonly string[];
  /**
   * Let client principals (client-credentials tokens, `kind: 'client'`) access every resource
   * (of their tenant when `tenantOf` is set). Off by default: a client never owns a user's
   * resource, even when its client id equals the user's `sub` (SPEC 125, 126). @default false
   */
  readonly allowClients?: boolean;
  /**
   * The principal's user identity compared with `ownerOf`. Identity is (issuer, subject): when
   * several issuers are trusted, store owners as e.g. `${iss}|${sub}` and return the same here
   * (SPEC 127). @default (principal) => principal.subject
   */
  readonly identityOf?: (principal: Principal) => string;
}

/**
 * Object-level authorization (OWASP API1 / BOLA): allows the resource's owner, plus optional
 * roles and clients; everything else — another user's resource, another tenant's resource, a
 * missing resource — is denied with the same `ERR_NOT_FOUND` (404), so a caller cannot tell
 * "exists but not yours" from "does not exist" (SPEC 111–114).
 *
 * Order of checks (the first two depend on the caller only, so they reveal nothing about the
 * resource):
 * 1. A client principal without `allowClients` → `ERR_NOT_FOUND`, like any resource it may not
 *    see. Owners are users: ownership compares (kind, subject), so a client whose id equals a
 *    user's `sub` is not that user (SPEC 125, 126).
 * 2. `tenantOf` set and the principal has no tenant → `ERR_FORBIDDEN` (SPEC 92).
 * 3. No resource (`undefined`, or `null` as many repositories answer) → `ERR_NOT_FOUND`.
 * 4. `tenantOf` set and the resource's tenant differs (exact compare) → `ERR_NOT_FOUND`.
 * 5. Allowed client, or a role in `allowRoles` → allow.
 * 6. `ownerOf(resource) === identityOf(principal)` → allow; else `ERR_NOT_FOUND`.
 *
 * Put principal-only rules (scopes, roles) *before* this one in `allOf`, so their 403s do not
 * depend on whether the resource exists. Steps 1–2 are also offered as `rule.precheck`, which
 * adapters run before loading the resource, so a caller refused whatever the resource costs no load.
 *
 * @example
 * ```ts
 * const canSeeOrder = allOf(
 *   requireScopes(['orders:read']),
 *   requireOwnership<Order>({ ownerOf: (o) => o.ownerId, tenantOf: (o) => o.orgId, allowRoles: ['support'] }),
 * );
 * const order = await repo.findById(id); // undefined when absent
 * portcullis.authorize(canSeeOrder, { principal, resource: order });
 * ```
 */
export function requireOwnership<R = unknown>(options: OwnershipRuleOptions<R>): Rule<R> {
  const opts = validateOptions(options, 'requireOwnership', [
    'ownerOf',
    'tenantOf',
    'allowRoles',
    'allowClients',
    'identityOf',
  ]);
  const { ownerOf, tenantOf, identityOf } = options ?? ({} as OwnershipRuleOptions<R>);
  if (typeof ownerOf !== 'function')
    throw new TypeError("requireOwnership: 'ownerOf' must be a function (resource) => owner id");
  if (tenantOf !== undefined && typeof tenantOf !== 'function')
    throw new TypeError("requireOwnership: 'tenantOf' must be a function");
  if (identityOf !== undefined && typeof identityOf !== 'function') {
    throw new TypeError("requireOwnership: 'identityOf' must be a function");
  }
  if (opts.allowClients !== undefined && typeof opts.allowClients !== 'boolean') {
    throw new TypeError("requireOwnership: 'allowClients' must be a boolean");
  }
  const allowRoles =
    opts.allowRoles === undefined ? [] : validateRoleList(opts.allowRoles, 'requireOwnership allowRoles', true);
  const allowClients = opts.allowClients === true;
  const description = `ownership(${[
    'owner',
    ...(tenantOf ? ['tenant'] : []),
    ...(allowRoles.length ? [`roles:${allowRoles.join(' ')}`] : []),
    ...(allowClients ? ['clients'] : []),
  ].join(', ')})`;

  /** Steps 1–2: what depends on the caller only (also run by `precheck`, before any load). */
  const callerCheck = (principal: Principal): Deny | string | undefined => {
    if (principal.kind !== 'user' && !allowClients) {
      return deny('ERR_NOT_FOUND', `${description}: client principals own nothing`);
    }
    if (tenantOf) {
      const mine = principalTenant(principal);
      if (mine === undefined) return deny('ERR_FORBIDDEN', `${description}: principal has no tenant`);
      return mine;
    }
    return undefined;
  };

  const rule = makeRule<R>('ownership', description, ({ principal, resource }) => {
    const isClient = principal.kind !== 'user';
    const caller = callerCheck(principal);
    if (typeof caller === 'object') return caller;
    const mine = caller;
    // `null` is "not found" too (TypeORM, Prisma, node-postgres rows …): `ownerOf`/`tenantOf` are
    // never called with it, since one that throws would answer 500 where a resource of someone
    // else answers 404 — an existence oracle (SPEC 114).
    if (resource === undefined || resource === null) return deny('ERR_NOT_FOUND', `${description}: no resource`);
    if (tenantOf) {
      const theirs = asTenant(tenantOf(resource));
      if (theirs === undefined || !sameTenant(mine as string, theirs)) {
        return deny('ERR_NOT_FOUND', `${description}: other tenant`);
      }
    }
    if (isClient) return allow(`${description}: client allowed`);
    const role = allowRoles.find((r) => principal.roles.has(r));
    if (role !== undefined) return allow(`${description}: role ${role}`);
    const owner = ownerOf(resource);
    const me = identityOf ? identityOf(principal) : principal.subject;
    if (typeof owner === 'string' && owner !== '' && typeof me === 'string' && owner === me) {
      return allow(`${description}: owner`);
    }
    return deny('ERR_NOT_FOUND', `${description}: not the owner`);
  });
  return Object.freeze({
    ...rule,
    precheck: ({ principal }: { principal: Principal }): Deny | undefined => {
      const caller = callerCheck(principal);
      return typeof caller === 'object' ? caller : undefined;
    },
  });
}
