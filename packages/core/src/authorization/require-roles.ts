import { makeRule, validateMode, validateOptions, validateRoleList } from '../internal/rule-validate.js';
import { allow, deny } from './decide.js';
import type { Rule } from './rule.js';

/**
 * Options of {@link requireRoles}.
 *
 * @example
 * ```ts
 * const options: RoleRuleOptions = { mode: 'all' };
 * ```
 */
export interface RoleRuleOptions {
  /** `any`: one of the roles suffices; `all`: every role is required. @default 'any' */
  readonly mode?: 'any' | 'all';
}

/**
 * Requires roles, checked against `principal.roles` — the granted roles *after* role-hierarchy
 * expansion, so with `{ admin: ['support'] }` an admin satisfies `requireRoles(['support'])`.
 * Roles are exact, case-sensitive strings (SPEC 91: `Admin`, `admin ` and `"admin"` as a string
 * claim never match `admin`). Denies with `ERR_FORBIDDEN` (403, no `WWW-Authenticate` error).
 *
 * @example
 * ```ts
 * const staff = requireRoles(['support', 'admin']);              // any of them
 * const both = requireRoles(['support', 'customer'], { mode: 'all' });
 * ```
 */
export function requireRoles<R = unknown>(roles: readonly string[], options?: RoleRuleOptions): Rule<R> {
  const required = validateRoleList(roles, 'requireRoles roles');
  const opts = validateOptions(options, 'requireRoles', ['mode']);
  const mode = validateMode(opts.mode, ['any', 'all'] as const, 'any', 'requireRoles mode');
  const description = `roles:${mode}(${required.join(' ')})`;

  return makeRule<R>('roles', description, ({ principal }) => {
    const held = principal.roles;
    if (mode === 'any') {
      const match = required.find((r) => held.has(r));
      if (match !== undefined) return allow(`${description}: has ${match}`);
      return deny('ERR_FORBIDDEN', `${description}: none held`);
    }
    const missing = required.filter((r) => !held.has(r));
    if (missing.length === 0) return allow(description);
    return deny('ERR_FORBIDDEN', `${description}: missing ${missing.join(' ')}`);
  });
}
