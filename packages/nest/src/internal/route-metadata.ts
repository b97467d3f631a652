import type { Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ReflectableDecorator } from '@nestjs/core';
import type { PolicyFunction, Rule } from '@portcullis/core';
import type { PortcullisPolicy } from '../interfaces/portcullis-policy.interface.js';
import type { ResourceResolver } from '../interfaces/resource-resolver.interface.js';

/** All / any semantics of a scope or role requirement. */
export type MatchMode = 'all' | 'any';

export interface ScopeRequirement {
  readonly scopes: readonly string[];
  readonly mode: MatchMode;
}

export interface RoleRequirement {
  readonly roles: readonly string[];
  readonly mode: MatchMode;
}

export type PolicySpec =
  | { readonly kind: 'function'; readonly name: string; readonly fn: PolicyFunction }
  | { readonly kind: 'class'; readonly name: string; readonly type: Type<PortcullisPolicy> };

export interface OwnedResourceSpec {
  readonly resolver: Type<ResourceResolver<unknown>>;
  readonly param: string;
  readonly allowRoles: readonly string[];
  readonly tenant: boolean;
}

// Explicit keys (not random uids) so two copies of this package still read each other's metadata.
export const PUBLIC_META = Reflector.createDecorator<true>({ key: 'portcullis:public' });
export const AUTHENTICATED_META = Reflector.createDecorator<true>({ key: 'portcullis:authenticated' });
export const SCOPES_META = Reflector.createDecorator<readonly ScopeRequirement[]>({ key: 'portcullis:scopes' });
export const ROLES_META = Reflector.createDecorator<readonly RoleRequirement[]>({ key: 'portcullis:roles' });
export const POLICIES_META = Reflector.createDecorator<readonly PolicySpec[]>({ key: 'portcullis:policies' });
export const RULES_META = Reflector.createDecorator<readonly Rule[]>({ key: 'portcullis:rules' });
export const TENANT_PARAMS_META = Reflector.createDecorator<readonly string[]>({ key: 'portcullis:tenant-params' });
export const OWNED_RESOURCE_META = Reflector.createDecorator<OwnedResourceSpec>({ key: 'portcullis:owned-resource' });

/** Every metadata key that makes a route "ruled". */
export const RULE_METADATA = [
  AUTHENTICATED_META,
  SCOPES_META,
  ROLES_META,
  POLICIES_META,
  RULES_META,
  TENANT_PARAMS_META,
  OWNED_RESOURCE_META,
] as const;

type AnyTarget = object;

function holderOf(target: AnyTarget, descriptor: PropertyDescriptor | undefined): AnyTarget {
  return descriptor ? (descriptor.value as AnyTarget) : target;
}

/**
 * A decorator that APPENDS to list metadata instead of replacing it: `@Scopes('a') @Scopes('b')`
 * requires both. Replacing would silently drop a rule someone wrote — a fail-open surprise.
 */
export function appendMetadata<T>(
  meta: ReflectableDecorator<readonly T[]>,
  items: readonly T[],
): ClassDecorator & MethodDecorator {
  return ((target: AnyTarget, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const existing = (Reflect.getMetadata(meta.KEY, holderOf(target, descriptor)) as readonly T[] | undefined) ?? [];
    const decorator = meta(Object.freeze([...existing, ...items]));
    if (descriptor && key !== undefined) decorator(target, key, descriptor);
    else (decorator as ClassDecorator)(target as never);
  }) as ClassDecorator & MethodDecorator;
}
