import type { Type } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { Rule } from '@portcullis/core';
import {
  AUTHENTICATED_META,
  OWNED_RESOURCE_META,
  POLICIES_META,
  PUBLIC_META,
  ROLES_META,
  RULES_META,
  SCOPES_META,
  TENANT_PARAMS_META,
} from './route-metadata.js';
import type { OwnedResourceSpec, PolicySpec, RoleRequirement, ScopeRequirement } from './route-metadata.js';

/**
 * Everything a route requires, read from its handler and its controller class.
 *
 * Semantics (documented in the README, "handler vs class"):
 * - Rules on the class and on the handler are COMBINED: all of them must pass. A class-level rule
 *   is never ignored because the handler has its own.
 * - `@Public()` on the handler makes the route public, overriding the class's rules.
 * - `@Public()` on the class makes public the handlers without rules of their own; a handler with
 *   rules under a public class needs exactly its own rules.
 * - `@Public()` next to a rule on the same target is a contradiction: the rules apply (fail
 *   closed) and `conflict` says so for the start-up report.
 */
export interface RouteRequirements {
  readonly isPublic: boolean;
  /** At least one rule applies. A non-public route without rules is denied with ERR_NO_RULE. */
  readonly hasRules: boolean;
  readonly authenticated: boolean;
  readonly scopes: readonly ScopeRequirement[];
  readonly roles: readonly RoleRequirement[];
  readonly tenantParams: readonly string[];
  readonly policies: readonly PolicySpec[];
  readonly rules: readonly Rule[];
  readonly ownedResource: OwnedResourceSpec | undefined;
  /** Why the declaration is contradictory, for the start-up report. */
  readonly conflict: string | undefined;
}

/** What one target (handler or class) declares: the route's fields before combining, plus a rule count. */
interface TargetRules extends Omit<RouteRequirements, 'hasRules' | 'conflict'> {
  readonly count: number;
}

const EMPTY: TargetRules = {
  isPublic: false,
  authenticated: false,
  scopes: [],
  roles: [],
  tenantParams: [],
  policies: [],
  rules: [],
  ownedResource: undefined,
  count: 0,
};

function read(reflector: Reflector, target: object, withResource: boolean): TargetRules {
  const t = target as Type;
  const authenticated = reflector.get(AUTHENTICATED_META, t) === true;
  const scopes = reflector.get(SCOPES_META, t) ?? [];
  const roles = reflector.get(ROLES_META, t) ?? [];
  const tenantParams = reflector.get(TENANT_PARAMS_META, t) ?? [];
  const policies = reflector.get(POLICIES_META, t) ?? [];
  const rules = reflector.get(RULES_META, t) ?? [];
  // @OwnedResource is a method decorator: a route loads one resource, named by its own handler.
  const ownedResource = withResource ? reflector.get(OWNED_RESOURCE_META, t) : undefined;
  const count =
    (authenticated ? 1 : 0) +
    scopes.length +
    roles.length +
    tenantParams.length +
    policies.length +
    rules.length +
    (ownedResource ? 1 : 0);
  return {
    isPublic: reflector.get(PUBLIC_META, t) === true,
    authenticated,
    scopes,
    roles,
    tenantParams,
    policies,
    rules,
    ownedResource,
    count,
  };
}

function combine(a: TargetRules, b: TargetRules, isPublic: boolean, conflict: string | undefined): RouteRequirements {
  return Object.freeze({
    isPublic,
    hasRules: !isPublic && a.count + b.count > 0,
    authenticated: a.authenticated || b.authenticated,
    scopes: [...a.scopes, ...b.scopes],
    roles: [...a.roles, ...b.roles],
    tenantParams: [...a.tenantParams, ...b.tenantParams],
    policies: [...a.policies, ...b.policies],
    rules: [...a.rules, ...b.rules],
    ownedResource: b.ownedResource,
    conflict,
  });
}

/** Reads and combines the requirements of one route (see {@link RouteRequirements}). */
export function readRouteRequirements(reflector: Reflector, controller: object, handler: object): RouteRequirements {
  const onClass = read(reflector, controller, false);
  const onHandler = read(reflector, handler, true);
  const conflicts: string[] = [];
  if (onHandler.isPublic && onHandler.count > 0)
    conflicts.push('@Public() and a rule on the same handler: the rule applies');
  if (onClass.isPublic && onClass.count > 0)
    conflicts.push('@Public() and a rule on the same controller: the rules apply');
  const conflict = conflicts.length ? conflicts.join('; ') : undefined;

  if (onHandler.isPublic && onHandler.count === 0) return combine(EMPTY, EMPTY, true, conflict);
  if (onClass.isPublic && onClass.count === 0) {
    return onHandler.count === 0 ? combine(EMPTY, EMPTY, true, conflict) : combine(EMPTY, onHandler, false, conflict);
  }
  return combine(onClass, onHandler, false, conflict);
}

/** Caches requirements per (controller, handler): metadata never changes after bootstrap. */
export class RouteRequirementsCache {
  private readonly cache = new WeakMap<object, WeakMap<object, RouteRequirements>>();

  constructor(private readonly reflector: Reflector) {}

  // The pair looked up last: consecutive requests mostly hit the same route.
  private lastController: object | undefined;
  private lastHandler: object | undefined;
  private lastRequirements: RouteRequirements | undefined;

  get(controller: object, handler: object): RouteRequirements {
    const last = this.lastRequirements;
    if (last !== undefined && handler === this.lastHandler && controller === this.lastController) return last;
    const requirements = this.lookup(controller, handler);
    this.lastController = controller;
    this.lastHandler = handler;
    this.lastRequirements = requirements;
    return requirements;
  }

  private lookup(controller: object, handler: object): RouteRequirements {
    let perClass = this.cache.get(controller);
    if (!perClass) {
      perClass = new WeakMap();
      this.cache.set(controller, perClass);
    }
    let requirements = perClass.get(handler);
    if (!requirements) {
      requirements = readRouteRequirements(this.reflector, controller, handler);
      perClass.set(handler, requirements);
    }
    return requirements;
  }
}
