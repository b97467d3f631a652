import type { Type } from '@nestjs/common';
import { OWNED_RESOURCE_META } from '../internal/route-metadata.js';
import type { OwnedResourceSpec } from '../internal/route-metadata.js';
import type { ResourceResolver } from '../interfaces/resource-resolver.interface.js';

/** Options of {@link OwnedResource}. */
export interface OwnedResourceOptions {
  /** Route parameter holding the resource id. @default 'id' */
  readonly param?: string;
  /**
   * Roles that may act on resources they do not own (subject to `tenant`), e.g. `['support']`.
   * The module's role hierarchy applies. @default []
   */
  readonly allowRoles?: readonly string[];
  /**
   * Also require the resource's tenant (`resolver.tenantOf`) to equal the token's tenant — for the
   * owner and for `allowRoles` alike. @default false
   */
  readonly tenant?: boolean;
}

/**
 * Loads the route's resource once, through an injectable {@link ResourceResolver}, and lets the
 * request through only when the caller owns it (or holds one of `allowRoles`), checked with core's
 * `requireOwnership`. A resource that does not exist and one the caller may not see answer the
 * same 404 `ERR_NOT_FOUND`; a resolver that throws answers 500 `ERR_INTERNAL`. The handler gets the
 * resource through `@LoadedResource()`. Ownership runs after scopes, roles and tenant rules, so a
 * caller without them never causes a load.
 *
 * @example
 * ```ts
 * @Get(':id') @Scopes('orders:read')
 * @OwnedResource(OrderResolver, { param: 'id', allowRoles: ['support'], tenant: true })
 * get(@LoadedResource() order: Order) { return order; }
 * ```
 */
export function OwnedResource<T>(
  resolver: Type<ResourceResolver<T>>,
  options: OwnedResourceOptions = {},
): MethodDecorator {
  if (typeof resolver !== 'function' || typeof (resolver.prototype as { load?: unknown })?.load !== 'function') {
    throw new TypeError(
      '@OwnedResource(): the first argument must be an injectable class implementing ResourceResolver',
    );
  }
  const param = options.param ?? 'id';
  if (typeof param !== 'string' || param.length === 0) {
    throw new TypeError("@OwnedResource(): 'param' must be the name of a route parameter, e.g. { param: 'id' }");
  }
  const allowRoles = options.allowRoles ?? [];
  if (!Array.isArray(allowRoles) || allowRoles.some((r) => typeof r !== 'string' || r.length === 0)) {
    throw new TypeError("@OwnedResource(): 'allowRoles' must be an array of non-empty role names");
  }
  const spec: OwnedResourceSpec = Object.freeze({
    resolver: resolver as Type<ResourceResolver<unknown>>,
    param,
    allowRoles: Object.freeze([...allowRoles]),
    tenant: options.tenant === true,
  });
  const decorate = OWNED_RESOURCE_META(spec);
  return (target, key, descriptor) => {
    if (Reflect.getMetadata(OWNED_RESOURCE_META.KEY, descriptor.value as object) !== undefined) {
      throw new TypeError(`@OwnedResource() is used twice on ${String(key)}: a route loads one resource`);
    }
    decorate(target, key, descriptor);
  };
}
