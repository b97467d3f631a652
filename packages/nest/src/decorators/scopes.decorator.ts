import { isScopeToken } from '@portcullis/core';
import { appendMetadata, SCOPES_META } from '../internal/route-metadata.js';
import type { MatchMode } from '../internal/route-metadata.js';

/** Options of the array form of {@link Scopes}. */
export interface ScopesOptions {
  /** `'all'`: every scope is required; `'any'`: one of them is enough. @default 'all' */
  readonly mode?: MatchMode;
}

function scopesDecorator(scopes: readonly unknown[], mode: MatchMode, name: string): ClassDecorator & MethodDecorator {
  if (scopes.length === 0) throw new TypeError(`@${name}() needs at least one scope, e.g. @${name}('orders:read')`);
  for (const scope of scopes) {
    if (typeof scope !== 'string' || !isScopeToken(scope)) {
      throw new TypeError(
        `@${name}(): every scope must be a non-empty string without spaces or quotes (RFC 6749 §3.3)`,
      );
    }
  }
  return appendMetadata(SCOPES_META, [{ scopes: Object.freeze([...(scopes as string[])]), mode }]);
}

/**
 * Requires OAuth scopes (all of them by default). A token without them gets 403
 * `insufficient_scope` with the required scopes in the challenge. Repeated `@Scopes` on the same
 * target, and on handler and class, all apply.
 *
 * @example
 * ```ts
 * @Get() @Scopes('orders:read')
 * list() { … }
 *
 * @Get('any') @Scopes(['orders:read', 'orders:admin'], { mode: 'any' })
 * listAny() { … }
 * ```
 */
export function Scopes(...scopes: [string, ...string[]]): ClassDecorator & MethodDecorator;
export function Scopes(
  scopes: readonly [string, ...string[]],
  options: ScopesOptions,
): ClassDecorator & MethodDecorator;
export function Scopes(...args: unknown[]): ClassDecorator & MethodDecorator {
  if (Array.isArray(args[0])) {
    const options = (args[1] ?? {}) as ScopesOptions;
    return scopesDecorator(args[0] as unknown[], options.mode ?? 'all', 'Scopes');
  }
  return scopesDecorator(args, 'all', 'Scopes');
}

/**
 * Requires at least one of the given scopes.
 *
 * @example
 * ```ts
 * @Get() @AnyScope('orders:read', 'orders:admin')
 * list() { … }
 * ```
 */
export function AnyScope(...scopes: [string, ...string[]]): ClassDecorator & MethodDecorator {
  return scopesDecorator(scopes, 'any', 'AnyScope');
}
