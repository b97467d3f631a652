import { appendMetadata, ROLES_META } from '../internal/route-metadata.js';
import type { MatchMode } from '../internal/route-metadata.js';

/** Options of the array form of {@link Roles}. */
export interface RolesOptions {
  /** `'any'`: one of the roles is enough; `'all'`: every role is required. @default 'any' */
  readonly mode?: MatchMode;
}

function rolesDecorator(roles: readonly unknown[], mode: MatchMode, name: string): ClassDecorator & MethodDecorator {
  if (roles.length === 0) throw new TypeError(`@${name}() needs at least one role, e.g. @${name}('admin')`);
  for (const role of roles) {
    if (typeof role !== 'string' || role.length === 0) {
      throw new TypeError(`@${name}(): every role must be a non-empty string`);
    }
  }
  return appendMetadata(ROLES_META, [{ roles: Object.freeze([...(roles as string[])]), mode }]);
}

/**
 * Requires one of the given roles (after the module's `roleHierarchy` is applied: with
 * `{ admin: ['support'] }`, `@Roles('support')` admits admins). Roles compare exactly
 * (case-sensitive). A missing role answers 403 `ERR_FORBIDDEN`.
 *
 * @example
 * ```ts
 * @Controller('admin') @Roles('admin')
 * export class AdminController { … }
 *
 * @Get('both') @Roles(['support', 'customer'], { mode: 'all' })
 * both() { … }
 * ```
 */
export function Roles(...roles: [string, ...string[]]): ClassDecorator & MethodDecorator;
export function Roles(roles: readonly [string, ...string[]], options: RolesOptions): ClassDecorator & MethodDecorator;
export function Roles(...args: unknown[]): ClassDecorator & MethodDecorator {
  if (Array.isArray(args[0])) {
    const options = (args[1] ?? {}) as RolesOptions;
    return rolesDecorator(args[0] as unknown[], options.mode ?? 'any', 'Roles');
  }
  return rolesDecorator(args, 'any', 'Roles');
}

/**
 * Requires every one of the given roles.
 *
 * @example
 * ```ts
 * @Get('both') @AllRoles('support', 'customer')
 * both() { … }
 * ```
 */
export function AllRoles(...roles: [string, ...string[]]): ClassDecorator & MethodDecorator {
  return rolesDecorator(roles, 'all', 'AllRoles');
}
