import type { AuthContext, Portcullis, Rule } from '@portcullis/core';
import type { Request, RequestHandler } from 'express';
import { auditRequestInfo } from './audit-request-info.js';
import { authenticateRequestMaybeSync, portcullisOf } from './authenticate-request.js';
import { decisionContext, enforce } from './decide-request.js';
import { defineCheck } from './portcullis-middleware.js';

/**
 * A Portcullis rule as Express middleware. `rule` is the core rule it enforces, so rules can be
 * combined with the core's `allOf` / `anyOf` and used through `requireRule`.
 *
 * @example
 * ```ts
 * const readers: RuleMiddleware = requireScopes('orders:read');
 * const either = requireRule(anyOf(readers.rule, requireRoles('admin').rule));
 * ```
 */
export type RuleMiddleware<R = unknown> = RequestHandler & { readonly rule: Rule<R> };

/**
 * Wraps a pure core rule: authenticate (memoised), decide through the instance, audit, and pass
 * or answer with the rule's error. The decision itself is always the core's.
 */
export function ruleMiddleware<R>(rule: Rule<R>): RuleMiddleware<R> {
  const decideFor = (instance: Portcullis, req: Request, auth: AuthContext): 'rule' => {
    // Method and route read once, for the decision context and the audit event.
    const info = auditRequestInfo(req);
    enforce(instance, rule, decisionContext<R>(req, auth, undefined, info), auth, req, info);
    return 'rule';
  };
  const middleware = defineCheck({ kind: rule.kind, description: rule.description }, (req) => {
    const instance = portcullisOf(req);
    // Synchronous for a request already authenticated (by the gate) or a repeated token.
    const auth = authenticateRequestMaybeSync(req);
    return auth instanceof Promise ? auth.then((value) => decideFor(instance, req, value)) : decideFor(instance, req, auth);
  });
  Object.defineProperty(middleware, 'rule', { value: rule, enumerable: true });
  return middleware as RuleMiddleware<R>;
}
