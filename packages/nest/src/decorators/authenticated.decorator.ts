import { AUTHENTICATED_META } from '../internal/route-metadata.js';

/**
 * The explicit "any valid token" rule: the caller must authenticate, and nothing else is
 * checked. Use it where that is really the requirement (e.g. `POST /sessions/logout`); a route
 * without any rule is denied, so forgetting a rule never means "any valid token".
 *
 * @example
 * ```ts
 * @Post('sessions/logout') @Authenticated()
 * logout(@CurrentPrincipal() me: Principal) { … }
 * ```
 */
export function Authenticated(): ClassDecorator & MethodDecorator {
  return AUTHENTICATED_META(true);
}
