import type { Type } from '@nestjs/common';
import { appendMetadata, POLICIES_META } from '../internal/route-metadata.js';
import type { PolicyFunction } from '@portcullis/core';
import type { PolicySpec } from '../internal/route-metadata.js';
import type { PortcullisPolicy } from '../interfaces/portcullis-policy.interface.js';

/** Options of the function form of {@link Policy}. */
export interface PolicyOptions {
  /** Name used in audit details and start-up reports. @default the function's name, or 'policy' */
  readonly name?: string;
}

function isPolicyClass(value: unknown): value is Type<PortcullisPolicy> {
  return (
    typeof value === 'function' &&
    typeof (value as { prototype?: { evaluate?: unknown } }).prototype?.evaluate === 'function'
  );
}

/**
 * An attribute-based rule. Either a pure, synchronous function of the decision context
 * (`principal`, loaded `resource`, `action` such as `GET /orders/:id`, `now`, and `environment`
 * with `now`, the client `ip` and the route `params`) returning `true`/`false` or a core `Decision`,
 * or an injectable class implementing {@link PortcullisPolicy} (resolved through the module
 * container, may be async). `false` answers 403 `ERR_FORBIDDEN`; a policy that throws answers 500
 * `ERR_INTERNAL` and never allows. Policies run after `@OwnedResource()` has loaded the resource,
 * so they can look at it.
 *
 * @example
 * ```ts
 * @Get('reports/sensitive')
 * @Policy(({ principal }) => typeof principal.claims.clearance === 'number' && principal.claims.clearance >= 3)
 * sensitive() { … }
 *
 * @Get('me') @Policy(UsersOnlyPolicy)
 * me() { … }
 * ```
 */
export function Policy<R = unknown>(fn: PolicyFunction<R>, options?: PolicyOptions): ClassDecorator & MethodDecorator;
export function Policy<R = unknown>(type: Type<PortcullisPolicy<R>>): ClassDecorator & MethodDecorator;
export function Policy(policy: unknown, options: PolicyOptions = {}): ClassDecorator & MethodDecorator {
  let spec: PolicySpec;
  if (isPolicyClass(policy)) {
    spec = { kind: 'class', name: policy.name || 'policy', type: policy };
  } else if (typeof policy === 'function') {
    spec = { kind: 'function', name: options.name ?? (policy.name || 'policy'), fn: policy as PolicyFunction };
  } else {
    throw new TypeError(
      '@Policy() takes a function (context) => boolean | Decision, or an injectable class with evaluate()',
    );
  }
  return appendMetadata(POLICIES_META, [spec]);
}
