import type { Rule } from '@portcullis/core';
import { appendMetadata, RULES_META } from '../internal/route-metadata.js';

/**
 * Attaches core rules as they are, for compositions the other decorators do not express
 * (`anyOf`, `allOf`, a custom `Rule`). Rules run after `@OwnedResource()` loaded the resource.
 *
 * @example
 * ```ts
 * @Get('reports') @Requires(anyOf(requireScopes(['reports:read']), requireRoles(['auditor'])))
 * reports() { … }
 * ```
 */
export function Requires(...rules: [Rule<never>, ...Rule<never>[]]): ClassDecorator & MethodDecorator {
  if (rules.length === 0) throw new TypeError('@Requires() needs at least one rule');
  for (const rule of rules) {
    if (!rule || typeof (rule as Rule).evaluate !== 'function') {
      throw new TypeError('@Requires(): every argument must be a core Rule (requireScopes(...), anyOf(...), ...)');
    }
  }
  return appendMetadata(RULES_META, rules as readonly Rule[]);
}
