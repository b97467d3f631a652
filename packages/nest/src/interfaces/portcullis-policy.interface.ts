import type { Decision, DecisionContext } from '@portcullis/core';

/**
 * An attribute-based (ABAC) policy as an injectable class, for `@Policy(MyPolicy)`. It may use
 * injected services and may be asynchronous (e.g. look up a clearance); the guard awaits it
 * before the decision, which core then records like any other rule. Throwing denies the request
 * with 500 `ERR_INTERNAL` — never an allow.
 *
 * Return `true`/`false` (a `false` becomes 403 `ERR_FORBIDDEN`) or a core `Decision`.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class BusinessHoursPolicy implements PortcullisPolicy {
 *   evaluate({ environment }: DecisionContext) {
 *     const hour = (environment?.now ?? new Date()).getUTCHours();
 *     return hour >= 8 && hour < 18;
 *   }
 * }
 * ```
 */
export interface PortcullisPolicy<R = unknown> {
  evaluate(context: DecisionContext<R>, request: unknown): boolean | Decision | Promise<boolean | Decision>;
}
