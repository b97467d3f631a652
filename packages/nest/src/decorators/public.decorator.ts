import { PUBLIC_META } from '../internal/route-metadata.js';

/**
 * Marks a route (or every route of a controller) as public: no token is required and no rule is
 * checked. On a handler it overrides the controller's rules; on a controller it applies to the
 * handlers that carry no rule of their own. A `@Public()` next to a rule on the same handler or
 * class is a contradiction: the rule wins (fail closed) and the start-up report names it.
 *
 * @example
 * ```ts
 * @Get('health') @Public()
 * health() { return { ok: true }; }
 * ```
 */
export function Public(): ClassDecorator & MethodDecorator {
  return PUBLIC_META(true);
}
