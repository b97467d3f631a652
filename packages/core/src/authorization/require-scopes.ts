import { isScopeToken } from '../errors/to-http-response.js';
import { makeRule, validateMode, validateOptions } from '../internal/rule-validate.js';
import { allow, deny } from './decide.js';
import type { Rule } from './rule.js';

/**
 * Options of {@link requireScopes}.
 *
 * @example
 * ```ts
 * const options: ScopeRuleOptions = { mode: 'any' };
 * ```
 */
export interface ScopeRuleOptions {
  /** `all`: every scope is required; `any`: one of them suffices. @default 'all' */
  readonly mode?: 'all' | 'any';
}

/**
 * Requires OAuth scopes. Scopes match exactly and case-sensitively (`orders:readwrite` does not
 * satisfy `orders:read`, `ORDERS:READ` neither — SPEC 87, 88). The scopes are validated as
 * RFC 6749 scope-tokens here, at creation (`TypeError`), so the challenge can always name them.
 *
 * Denies with `ERR_INSUFFICIENT_SCOPE` (403, `error="insufficient_scope"`); `requiredScopes` —
 * the challenge's `scope` attribute — lists every required scope in `all` mode and every
 * alternative in `any` mode, so a client knows what to ask the authorization server for.
 *
 * @example
 * ```ts
 * const canRead = requireScopes(['orders:read']);
 * const canReadOrAdmin = requireScopes(['orders:read', 'orders:admin'], { mode: 'any' });
 * decide(canRead, { principal }).allowed;
 * ```
 */
export function requireScopes<R = unknown>(scopes: readonly string[], options?: ScopeRuleOptions): Rule<R> {
  if (!Array.isArray(scopes) || scopes.length === 0) {
    throw new TypeError("requireScopes: 'scopes' must be a non-empty array such as ['orders:read']");
  }
  for (const scope of scopes) {
    if (!isScopeToken(scope)) {
      throw new TypeError(
        'requireScopes: each scope must be an RFC 6749 scope-token (printable ASCII, no space, quote or backslash)',
      );
    }
  }
  const opts = validateOptions(options, 'requireScopes', ['mode']);
  const mode = validateMode(opts.mode, ['all', 'any'] as const, 'all', 'requireScopes mode');
  const required = Object.freeze([...new Set(scopes)]);
  const description = `scopes:${mode}(${required.join(' ')})`;
  const allowed = allow(description);

  return makeRule<R>('scopes', description, ({ principal }) => {
    const granted = principal.scopes;
    if (mode === 'all') {
      const missing = required.filter((s) => !granted.has(s));
      if (missing.length === 0) return allowed;
      return deny('ERR_INSUFFICIENT_SCOPE', `${description}: missing ${missing.join(' ')}`, {
        requiredScopes: required,
      });
    }
    if (required.some((s) => granted.has(s))) return allowed;
    return deny('ERR_INSUFFICIENT_SCOPE', `${description}: none granted`, { requiredScopes: required });
  });
}
