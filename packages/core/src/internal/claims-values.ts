import { isScopeToken } from '../errors/to-http-response.js';
import { claimInvalid, type CompiledClaimPath } from './claims-path.js';

/**
 * Adds the scopes of one claim value to `into`.
 *
 * - A string is split on U+0020 only (RFC 6749 §3.3: `scope = scope-token *( SP scope-token )`).
 *   A tab or any other character outside the scope-token set is *not* a delimiter: a token that
 *   contains one is not a valid scope-token and is dropped, so it can never match a required
 *   scope (SPEC 89). Repeated spaces are tolerated (empty tokens are skipped).
 * - An array (accepted for `scp` / `permissions`, never for `scope`, which RFC 9068 §2.2.3 defines
 *   as a string — SPEC 86) must hold strings only; each element is one scope-token.
 * - Any other type fails the token with `ERR_CLAIM_INVALID`: a malformed claim is not "no scopes".
 */
export function addScopes(value: unknown, path: CompiledClaimPath, into: Set<string>): void {
  if (value === undefined) return;
  if (typeof value === 'string') {
    for (const token of value.split(' ')) {
      if (token !== '' && isScopeToken(token)) into.add(token);
    }
    return;
  }
  if (Array.isArray(value) && !path.isScopeClaim) {
    for (let i = 0; i < value.length; i += 1) {
      const token: unknown = value[i];
      if (typeof token !== 'string') throw claimInvalid(path.source, 'scope array holds a non-string');
      if (isScopeToken(token)) into.add(token);
    }
    return;
  }
  throw claimInvalid(
    path.source,
    path.isScopeClaim ? 'scope must be a space-separated string' : 'scopes must be a string or an array of strings',
  );
}

/**
 * Adds the roles of one claim value to `into`. Roles must be an array of strings (SPEC 91: a
 * string `"admin"` is not read as a role list). Roles are kept exactly as written — no trimming,
 * no case folding — so `"Admin"` and `"admin "` never match `admin`.
 */
export function addRoles(value: unknown, path: CompiledClaimPath, into: Set<string>): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) throw claimInvalid(path.source, 'roles must be an array of strings');
  for (let i = 0; i < value.length; i += 1) {
    const role: unknown = value[i];
    if (typeof role !== 'string') throw claimInvalid(path.source, 'role array holds a non-string');
    into.add(role);
  }
}

/**
 * Deep-freezes a JSON-like value in place (own enumerable properties), iteratively so a deeply
 * nested claims set cannot overflow the stack. Children are visited even when a parent is
 * already frozen, because a shallow-frozen claims object could still hide a mutable
 * `realm_access`; `seen` makes cycles safe.
 */
export function deepFreezeClaims<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  // Most claims are strings and numbers: the stack and the `seen` set are only made once a
  // nested object or array turns up.
  let stack: object[] | undefined;
  let seen: Set<object> | undefined;
  let current: object | undefined = value;
  while (current !== undefined) {
    for (const key of Object.keys(current)) {
      const child = (current as Record<string, unknown>)[key];
      if (typeof child === 'object' && child !== null) (stack ??= []).push(child);
    }
    Object.freeze(current);
    current = undefined;
    while (stack !== undefined && stack.length > 0) {
      const next = stack.pop()!;
      seen ??= new Set([value as object]);
      if (seen.has(next)) continue;
      seen.add(next);
      current = next;
      break;
    }
  }
  return value;
}
