import type { Type } from '@nestjs/common';
import { policy, requireOwnership, requireRoles, requireScopes, requireTenant } from '@portcullis/core';
import type { Rule } from '@portcullis/core';
import type { PortcullisPolicy } from '../interfaces/portcullis-policy.interface.js';
import type { ResourceResolver } from '../interfaces/resource-resolver.interface.js';
import type { OwnedResourceSpec } from './route-metadata.js';
import type { RouteRequirements } from './route-requirements.js';

/**
 * A route's requirements as core rules, in evaluation order:
 * 1. `principalRules` — need only the principal (authenticated, scopes, roles, tenant of a route
 *    parameter). They run before any resource is loaded, so a caller lacking them never causes a
 *    database read and their 403s do not depend on whether the resource exists.
 * 2. ownership — after the resolver loaded the resource (404 for missing and not permitted alike).
 * 3. `resourceRules` then `classPolicies` — may look at the loaded resource.
 */
export interface CompiledRoute {
  readonly principalRules: readonly Rule[];
  readonly ownedResource: OwnedResourceSpec | undefined;
  readonly resourceRules: readonly Rule[];
  readonly classPolicies: readonly { readonly name: string; readonly type: Type<PortcullisPolicy> }[];
  /** `principalRules` then `resourceRules`: the whole list when no resource or policy class is involved. */
  readonly principalThenResourceRules: readonly Rule[];
}

const AUTHENTICATED: Rule = policy('authenticated', () => true);

export function compileRoute(requirements: RouteRequirements): CompiledRoute {
  const principalRules: Rule[] = [];
  if (requirements.authenticated) principalRules.push(AUTHENTICATED);
  for (const s of requirements.scopes) principalRules.push(requireScopes(s.scopes, { mode: s.mode }));
  for (const r of requirements.roles) principalRules.push(requireRoles(r.roles, { mode: r.mode }));
  for (const param of requirements.tenantParams) principalRules.push(requireTenant({ param }));

  const resourceRules: Rule[] = [];
  const classPolicies: { name: string; type: Type<PortcullisPolicy> }[] = [];
  for (const p of requirements.policies) {
    if (p.kind === 'function') resourceRules.push(policy(p.name, p.fn));
    else classPolicies.push({ name: p.name, type: p.type });
  }
  resourceRules.push(...requirements.rules);
  return Object.freeze({
    principalRules: Object.freeze(principalRules),
    ownedResource: requirements.ownedResource,
    resourceRules: Object.freeze(resourceRules),
    classPolicies: Object.freeze(classPolicies),
    principalThenResourceRules: Object.freeze([...principalRules, ...resourceRules]),
  });
}

/** Core's ownership rule over a resolver's `ownerOf` / `tenantOf`. */
export function ownershipRule(spec: OwnedResourceSpec, resolver: ResourceResolver<unknown>): Rule {
  if (spec.tenant && typeof resolver.tenantOf !== 'function') {
    throw new TypeError(
      `@OwnedResource(${spec.resolver.name}, { tenant: true }) needs ${spec.resolver.name}.tenantOf(resource) to compare tenants`,
    );
  }
  return requireOwnership<unknown>({
    ownerOf: (resource) => resolver.ownerOf(resource),
    ...(spec.tenant ? { tenantOf: (resource: unknown) => resolver.tenantOf?.(resource) } : {}),
    allowRoles: spec.allowRoles,
  });
}
