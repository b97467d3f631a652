import type { Rule } from '@portcullis/core';
import { ruleMiddleware } from './internal/rule-middleware.js';
import type { RuleMiddleware } from './internal/rule-middleware.js';

/**
 * Enforces any core rule — typically a combination built with the core's `allOf` / `anyOf` over
 * other middlewares' `.rule` or the core's rule factories. The resource loaded by an earlier
 * `requireOwnership` is passed to the rule as `resource`; route parameters as
 * `environment.params`.
 *
 * @example
 * ```ts
 * import { anyOf, requireRoles, requireRule, requireScopes } from '@portcullis/express';
 *
 * // Admins, or clients holding the orders:admin scope.
 * const staffOrAdminClient = requireRule(anyOf(requireRoles('admin').rule, requireScopes('orders:admin').rule));
 * app.get('/admin/stats', staffOrAdminClient, stats);
 * ```
 */
export function requireRule<R = unknown>(rule: Rule<R>): RuleMiddleware<R> {
  if (typeof rule !== 'object' || rule === null || typeof rule.evaluate !== 'function') {
    throw new TypeError("requireRule: 'rule' must be a Portcullis rule (e.g. allOf(...) from @portcullis/core)");
  }
  return ruleMiddleware(rule);
}
