import { createParamDecorator } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import type { Principal } from '@portcullis/core';
import { stateOf } from '../internal/request-state.js';

const principalParam = createParamDecorator((property: keyof Principal | undefined, context: ExecutionContext) => {
  const principal = stateOf(context.switchToHttp().getRequest())?.principal;
  return property === undefined ? principal : principal?.[property];
});

/**
 * Injects the authenticated {@link Principal} (or one of its properties) into a handler
 * parameter. `undefined` on `@Public()` routes, where nobody authenticated.
 *
 * @example
 * ```ts
 * @Get('me') @Authenticated()
 * me(@CurrentPrincipal() me: Principal, @CurrentPrincipal('subject') sub: string) { … }
 * ```
 */
export function CurrentPrincipal(property?: keyof Principal): ParameterDecorator {
  return principalParam(property);
}
