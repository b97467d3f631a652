import { requireRoles as rolesRule } from '@portcullis/core';
import { ruleMiddleware } from './internal/rule-middleware.js';
import type { RuleMiddleware } from './internal/rule-middleware.js';

/**
 * Options of {@link requireRoles} when roles are given as an array.
 *
 * @example
 * ```ts
 * const every: RolesOptions = { mode: 'all' };
 * requireRoles(['support', 'auditor'], every);
 * ```
 */
export interface RolesOptions {
  /** `any`: one of the roles suffices; `all`: every role is required. @default 'any' */
  readonly mode?: 'any' | 'all';
}

/**
 * Requires roles, after the role hierarchy of the `portcullis()` options is applied (with
 * `{ admin: ['support'] }` an admin passes `requireRoles('support')`). Roles are exact,
 * case-sensitive strings. Denies with `ERR_FORBIDDEN` (403, no RFC 6750 error). The decision is
 * `@portcullis/core`'s `requireRoles`; this is its Express form of the same name.
 *
 * @example
 * ```ts
 * app.get('/support/orders', requireRoles('support', 'admin'), list);              // any of them
 * app.get('/audit', requireRoles(['support', 'auditor'], { mode: 'all' }), audit); // all of them
 * adminRouter.use(requireRoles('admin'));                                          // a whole router
 * ```
 */
export function requireRoles(roles: readonly string[], options?: RolesOptions): RuleMiddleware;
export function requireRoles(...roles: string[]): RuleMiddleware;
export function requireRoles(...args: unknown[]): RuleMiddleware {
  if (Array.isArray(args[0])) {
    if (args.length > 2) throw new TypeError('requireRoles: pass either roles as arguments or (roles[], options)');
    return ruleMiddleware(rolesRule(args[0] as string[], args[1] as RolesOptions | undefined));
  }
  return ruleMiddleware(rolesRule(args as string[]));
}

/**
 * Requires every one of the roles (`requireRoles(roles, { mode: 'all' })`).
 *
 * @example
 * ```ts
 * app.get('/both-roles', requireAllRoles('support', 'customer'), handler);
 * ```
 */
export function requireAllRoles(...roles: string[]): RuleMiddleware {
  return ruleMiddleware(rolesRule(roles, { mode: 'all' }));
}
