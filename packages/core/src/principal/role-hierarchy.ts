import { adoptSet } from '../internal/claims-immutable-set.js';

/**
 * A validated role hierarchy with its transitive closure computed once.
 *
 * @example
 * ```ts
 * const hierarchy = createRoleHierarchy({ admin: ['support'], support: ['customer'] });
 * hierarchy.expand(['admin']); // ImmutableSet { 'admin', 'support', 'customer' }
 * ```
 */
export interface RoleHierarchy {
  /**
   * The given roles plus every role they imply, transitively. Roles are exact, case-sensitive
   * strings: `Admin` implies nothing when the hierarchy defines `admin`.
   */
  expand(roles: Iterable<string>): ReadonlySet<string>;
  /** Every role `role` implies (transitively), without `role` itself. Empty for unknown roles. */
  implied(role: string): readonly string[];
}

const EMPTY: readonly string[] = Object.freeze([]);

/**
 * Creates a role hierarchy from `{ role: [roles it implies] }`. Validates the definition (strings
 * only, no cycles) and precomputes the transitive closure, so `expand` costs one map lookup per
 * granted role.
 *
 * A cycle (`admin → support → admin`) is refused with a `TypeError` naming it: a cycle makes every
 * role on it equivalent, which is almost always a configuration mistake that silently widens access.
 *
 * @example
 * ```ts
 * const hierarchy = createRoleHierarchy({ admin: ['support'], support: [] });
 * hierarchy.expand(['admin']).has('support'); // true
 * hierarchy.expand(['support']).has('admin'); // false
 * ```
 */
export function createRoleHierarchy(definition: Readonly<Record<string, readonly string[]>>): RoleHierarchy {
  if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) {
    throw new TypeError("'roleHierarchy' must be an object such as { admin: ['support'] }");
  }
  // A Map, not the object: a role named `constructor` or `__proto__` must not hit Object.prototype.
  const edges = new Map<string, readonly string[]>();
  for (const role of Object.keys(definition)) {
    if (role === '') throw new TypeError("'roleHierarchy' role names must be non-empty strings");
    const implied: unknown = definition[role];
    if (!Array.isArray(implied) || !implied.every((r) => typeof r === 'string' && r !== '')) {
      throw new TypeError(`'roleHierarchy.${role}' must be an array of non-empty role names`);
    }
    edges.set(role, [...new Set(implied as string[])]);
  }

  const closure = new Map<string, readonly string[]>();
  const visiting: string[] = [];
  const visit = (role: string): readonly string[] => {
    const done = closure.get(role);
    if (done) return done;
    const at = visiting.indexOf(role);
    if (at !== -1) {
      const cycle = [...visiting.slice(at), role].join(' -> ');
      throw new TypeError(`'roleHierarchy' has a cycle: ${cycle}`);
    }
    visiting.push(role);
    const out = new Set<string>();
    for (const child of edges.get(role) ?? EMPTY) {
      out.add(child);
      for (const grandChild of visit(child)) out.add(grandChild);
    }
    visiting.pop();
    out.delete(role);
    const frozen = Object.freeze([...out]);
    closure.set(role, frozen);
    return frozen;
  };
  for (const role of edges.keys()) visit(role);

  return Object.freeze({
    expand(roles: Iterable<string>): ReadonlySet<string> {
      const out = new Set<string>();
      for (const role of roles) {
        out.add(role);
        const implied = closure.get(role);
        if (implied) for (const r of implied) out.add(r);
      }
      return adoptSet(out);
    },
    implied(role: string): readonly string[] {
      return closure.get(role) ?? EMPTY;
    },
  });
}

/** Accepts a ready hierarchy or a plain definition. */
export function toRoleHierarchy(
  value: RoleHierarchy | Readonly<Record<string, readonly string[]>> | undefined,
): RoleHierarchy | undefined {
  if (value === undefined) return undefined;
  if (isRoleHierarchy(value)) return value;
  return createRoleHierarchy(value as Readonly<Record<string, readonly string[]>>);
}

function isRoleHierarchy(value: unknown): value is RoleHierarchy {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as RoleHierarchy).expand === 'function' &&
    typeof (value as RoleHierarchy).implied === 'function'
  );
}
