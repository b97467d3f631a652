import type { PortcullisErrorCode } from '../errors/portcullis-error.js';

/**
 * Which deny `anyOf` reports when every alternative denied (lower wins):
 *
 * 1. `ERR_NOT_FOUND` — if any alternative judged the resource invisible to the caller, the answer
 *    must not reveal it exists through another alternative's resource-dependent 403 or 500
 *    (an existence oracle, OWASP API1). A 404 also tells the caller nothing it could act on.
 * 2. `ERR_INTERNAL` — an alternative could not decide; a 500 gets it noticed and fixed (it is still
 *    a deny).
 * 3. `ERR_INSUFFICIENT_SCOPE` — actionable by the client: the challenge names the scopes to ask
 *    for (merged across alternatives).
 * 4. `ERR_FORBIDDEN`, `ERR_NO_RULE` — a plain 403.
 * 5. anything else (a policy returning a 401-class code), in rule order.
 */
const RANK: Partial<Record<PortcullisErrorCode, number>> = {
  ERR_NOT_FOUND: 0,
  ERR_INTERNAL: 1,
  ERR_INSUFFICIENT_SCOPE: 2,
  ERR_FORBIDDEN: 3,
  ERR_NO_RULE: 3,
};

/** Precedence rank of a deny code for `anyOf` (lower wins). */
export function denyRank(code: PortcullisErrorCode): number {
  return RANK[code] ?? 4;
}
