import { requireScopes as scopesRule } from '@portcullis/core';
import { ruleMiddleware } from './internal/rule-middleware.js';
import type { RuleMiddleware } from './internal/rule-middleware.js';

/**
 * Options of {@link requireScopes} when scopes are given as an array.
 *
 * @example
 * ```ts
 * const anyOfThem: ScopesOptions = { mode: 'any' };
 * requireScopes(['orders:read', 'orders:admin'], anyOfThem);
 * ```
 */
export interface ScopesOptions {
  /** `all`: every scope is required; `any`: one of them suffices. @default 'all' */
  readonly mode?: 'all' | 'any';
}

/**
 * Requires OAuth scopes of the access token (exact, case-sensitive). Denies with
 * `ERR_INSUFFICIENT_SCOPE`: 403 and `WWW-Authenticate: Bearer … error="insufficient_scope",
 * scope="…"` naming what the route needs. Unauthenticated requests get the authentication error
 * first (401/400/503). The decision is `@portcullis/core`'s `requireScopes`; this package's
 * function of the same name is its Express form — import rules from one package per file.
 *
 * @example
 * ```ts
 * app.get('/orders', requireScopes('orders:read'), listOrders);               // all (one scope)
 * app.post('/orders', requireScopes('orders:read', 'orders:write'), create);  // all of them
 * app.get('/reports', requireScopes(['orders:read', 'orders:admin'], { mode: 'any' }), report);
 * ```
 */
export function requireScopes(scopes: readonly string[], options?: ScopesOptions): RuleMiddleware;
export function requireScopes(...scopes: string[]): RuleMiddleware;
export function requireScopes(...args: unknown[]): RuleMiddleware {
  if (Array.isArray(args[0])) {
    if (args.length > 2) throw new TypeError('requireScopes: pass either scopes as arguments or (scopes[], options)');
    return ruleMiddleware(scopesRule(args[0] as string[], args[1] as ScopesOptions | undefined));
  }
  return ruleMiddleware(scopesRule(args as string[]));
}

/**
 * Requires at least one of the scopes (`requireScopes(scopes, { mode: 'any' })`). The
 * `insufficient_scope` challenge lists every alternative.
 *
 * @example
 * ```ts
 * app.get('/orders-any', requireAnyScope('orders:read', 'orders:admin'), listOrders);
 * ```
 */
export function requireAnyScope(...scopes: string[]): RuleMiddleware {
  return ruleMiddleware(scopesRule(scopes, { mode: 'any' }));
}
