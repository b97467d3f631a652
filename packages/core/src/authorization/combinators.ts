import { denyRank } from '../internal/rule-precedence.js';
import { isRule, makeRule } from '../internal/rule-validate.js';
import { allow, decide, deny } from './decide.js';
import type { Deny, Rule } from './rule.js';

function validateRules(rules: readonly unknown[], name: string): void {
  // An empty combinator would have to allow (allOf) or deny (anyOf) vacuously; both hide a
  // configuration mistake, so it is refused.
  if (rules.length === 0) throw new TypeError(`${name}() needs at least one rule`);
  for (const rule of rules) if (!isRule(rule)) throw new TypeError(`${name}(): every argument must be a rule`);
}

/**
 * All rules must allow. Rules run in order and the first deny is returned as it is (later rules
 * do not run). Each child runs through `decide`, so a throwing child is an `ERR_INTERNAL` deny.
 * Order matters for what a caller learns: put principal-only rules (scopes, roles) before
 * resource rules (ownership, tenant) so a 403 never depends on whether the resource exists.
 *
 * @example
 * ```ts
 * const canDelete = allOf(
 *   requireScopes(['orders:write']),
 *   requireRoles(['admin']),
 *   requireOwnership<Order>({ ownerOf: (o) => o.ownerId, tenantOf: (o) => o.orgId, allowRoles: ['admin'] }),
 * );
 * ```
 */
export function allOf<R = unknown>(...rules: readonly Rule<R>[]): Rule<R> {
  validateRules(rules, 'allOf');
  const list = Object.freeze([...rules]);
  const description = `allOf(${list.map((r) => r.description).join(', ')})`;
  return makeRule<R>('allOf', description, (context) => {
    const reasons: string[] = [];
    for (const rule of list) {
      const decision = decide(rule, context);
      if (!decision.allowed) return decision;
      reasons.push(decision.reason);
    }
    return allow(list.length === 1 ? (reasons[0] as string) : `allOf(${reasons.join('; ')})`);
  });
}

/**
 * One rule must allow. Rules run in order and the first allow wins. When all deny, the most
 * relevant deny is returned: `ERR_NOT_FOUND` > `ERR_INTERNAL` > `ERR_INSUFFICIENT_SCOPE` >
 * `ERR_FORBIDDEN` > others, ties going to the earlier rule. Rationale: a 404 from any alternative
 * means the caller may not learn the resource exists, so no other alternative's answer may
 * reveal it; then a failure worth fixing; then the answer the client can act on (the
 * `insufficient_scope` challenge, whose scopes are merged across the alternatives that asked for
 * scopes); then a plain 403.
 *
 * @example
 * ```ts
 * // Owners, or any support agent of the same org.
 * const canRead = anyOf(
 *   requireOwnership<Order>({ ownerOf: (o) => o.ownerId, tenantOf: (o) => o.orgId }),
 *   allOf(requireRoles(['support']), requireTenant<Order>({ tenantOf: (o) => o.orgId })),
 * );
 * ```
 */
export function anyOf<R = unknown>(...rules: readonly Rule<R>[]): Rule<R> {
  validateRules(rules, 'anyOf');
  const list = Object.freeze([...rules]);
  const description = `anyOf(${list.map((r) => r.description).join(', ')})`;
  return makeRule<R>('anyOf', description, (context) => {
    const denies: Deny[] = [];
    for (const rule of list) {
      const decision = decide(rule, context);
      if (decision.allowed) return decision;
      denies.push(decision);
    }
    let chosen = denies[0] as Deny;
    for (const d of denies) if (denyRank(d.reason) < denyRank(chosen.reason)) chosen = d;
    if (chosen.reason !== 'ERR_INSUFFICIENT_SCOPE') return chosen;
    const scopeDenies = denies.filter((d) => d.reason === 'ERR_INSUFFICIENT_SCOPE');
    if (scopeDenies.length === 1) return chosen;
    const scopes = [...new Set(scopeDenies.flatMap((d) => d.error.requiredScopes ?? []))];
    return deny('ERR_INSUFFICIENT_SCOPE', `${description}: ${scopeDenies.map((d) => d.detail).join('; ')}`, {
      requiredScopes: scopes,
    });
  });
}
