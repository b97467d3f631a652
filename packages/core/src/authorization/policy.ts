import { isDecision, makeRule } from '../internal/rule-validate.js';
import { allow, deny } from './decide.js';
import type { Decision, DecisionContext, Rule } from './rule.js';

/**
 * An ABAC policy: a pure, synchronous function of the principal, the loaded resource, the action
 * and the environment. `now` is `context.environment.now`, or the current time when absent, so
 * tests can pin it. Return `true` to allow, `false` to deny (`ERR_FORBIDDEN`), or a
 * {@link Decision} built with `allow()` / `deny()` to say why.
 *
 * @example
 * ```ts
 * // Clearance must reach the document's sensitivity, during business hours (UTC).
 * const readSensitive: PolicyFunction<Report> = ({ principal, resource, now }) => {
 *   const clearance = principal.claims['clearance'];
 *   if (typeof clearance !== 'number' || resource === undefined) return false;
 *   if (now.getUTCHours() < 8 || now.getUTCHours() >= 18) return deny('ERR_FORBIDDEN', 'outside business hours');
 *   return clearance >= resource.sensitivity;
 * };
 * ```
 */
export type PolicyFunction<R = unknown> = (context: DecisionContext<R> & { readonly now: Date }) => boolean | Decision;

/**
 * Wraps an ABAC function as a named rule. Only `true` (or an allow decision) allows: a throwing
 * function, a truthy non-boolean (`1`, `'yes'`) or a Promise is a deny with `ERR_INTERNAL` —
 * fail closed, never allow.
 *
 * @example
 * ```ts
 * const cleared = policy<Report>('clearance>=sensitivity', ({ principal, resource }) =>
 *   typeof principal.claims['clearance'] === 'number' &&
 *   resource !== undefined &&
 *   principal.claims['clearance'] >= resource.sensitivity);
 *
 * const businessHours = policy('business-hours', ({ now }) => now.getUTCHours() >= 8 && now.getUTCHours() < 18);
 * decide(allOf(cleared, businessHours), { principal, resource: report, environment: { now: new Date() } });
 * ```
 */
export function policy<R = unknown>(name: string, fn: PolicyFunction<R>): Rule<R> {
  if (typeof name !== 'string' || name === '') throw new TypeError("policy: 'name' must be a non-empty string");
  if (typeof fn !== 'function') throw new TypeError("policy: 'fn' must be a function (context) => boolean | Decision");
  const description = `policy:${name}`;
  const allowed = allow(description);

  return makeRule<R>('policy', description, (context) => {
    const now = context.environment?.now ?? new Date();
    let result: unknown;
    try {
      result = fn({ ...context, now });
    } catch (cause) {
      return deny('ERR_INTERNAL', `${description}: threw`, { cause });
    }
    if (result === true) return allowed;
    if (result === false) return deny('ERR_FORBIDDEN', `${description}: denied`);
    if (isDecision(result)) return result;
    if (typeof (result as PromiseLike<unknown> | null)?.then === 'function') {
      Promise.resolve(result).catch(() => undefined);
    }
    return deny('ERR_INTERNAL', `${description}: returned neither a boolean nor a decision`);
  });
}
