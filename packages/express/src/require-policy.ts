import { policy } from '@portcullis/core';
import type { PolicyFunction } from '@portcullis/core';
import { ruleMiddleware } from './internal/rule-middleware.js';
import type { RuleMiddleware } from './internal/rule-middleware.js';

/**
 * Enforces an ABAC policy: a pure, synchronous function of `{ principal, resource, action,
 * environment, now }` returning `true` to allow. `resource` is what an earlier
 * `requireOwnership` loaded; `environment.params` holds the route parameters; `action` is
 * `METHOD /route/pattern`. `false` denies with `ERR_FORBIDDEN` (403); a throw, a Promise or any
 * other value denies with `ERR_INTERNAL` (500) — never an allow.
 *
 * @example
 * ```ts
 * app.get('/reports/sensitive',
 *   requirePolicy('clearance>=3', ({ principal }) => {
 *     const clearance = principal.claims['clearance'];
 *     return typeof clearance === 'number' && clearance >= 3;
 *   }),
 *   report);
 * app.get('/me', requirePolicy(function isUser({ principal }) { return principal.kind === 'user'; }), me);
 * ```
 */
export function requirePolicy<R = unknown>(fn: PolicyFunction<R>): RuleMiddleware<R>;
export function requirePolicy<R = unknown>(name: string, fn: PolicyFunction<R>): RuleMiddleware<R>;
export function requirePolicy<R = unknown>(nameOrFn: string | PolicyFunction<R>, maybeFn?: PolicyFunction<R>): RuleMiddleware<R> {
  if (typeof nameOrFn === 'function') {
    if (maybeFn !== undefined) throw new TypeError('requirePolicy: pass (fn) or (name, fn)');
    return ruleMiddleware(policy(nameOrFn.name || 'anonymous', nameOrFn));
  }
  return ruleMiddleware(policy(nameOrFn, maybeFn as PolicyFunction<R>));
}
