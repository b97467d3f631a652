import { createParamDecorator } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { stateOf } from '../internal/request-state.js';

const resourceParam = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => stateOf(context.switchToHttp().getRequest())?.resource,
);

/**
 * Injects the resource that `@OwnedResource()` loaded and checked for this request — the same
 * object, loaded once. Type the parameter with your resource type.
 *
 * @example
 * ```ts
 * @Get(':id') @Scopes('orders:read') @OwnedResource(OrderResolver)
 * get(@LoadedResource() order: Order) { return order; }
 * ```
 */
export function LoadedResource(): ParameterDecorator {
  return resourceParam();
}
