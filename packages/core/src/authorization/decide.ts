import {
  ERROR_CATALOG,
  PortcullisError,
  type PortcullisErrorCode,
  type PortcullisErrorDetails,
} from '../errors/portcullis-error.js';
import { isDecision } from '../internal/rule-validate.js';
import type { Allow, Decision, DecisionContext, Deny, Rule } from './rule.js';

/**
 * Builds an allow decision.
 *
 * @example
 * ```ts
 * const businessHours = policy('business-hours', ({ now }) =>
 *   now.getUTCHours() >= 8 && now.getUTCHours() < 18 ? allow('within business hours') : deny('ERR_FORBIDDEN', 'outside business hours'));
 * ```
 */
export function allow(reason: string): Allow {
  if (typeof reason !== 'string') throw new TypeError("allow(reason): 'reason' must be a string");
  return Object.freeze({ allowed: true as const, reason });
}

/**
 * Builds a deny decision carrying the `PortcullisError` an adapter answers with. `detail` is a
 * non-secret explanation for the audit log (which rule, which role was missing) and becomes the
 * error's log-only `reason` unless `details.reason` is given.
 *
 * @example
 * ```ts
 * deny('ERR_FORBIDDEN', 'clearance 2 < sensitivity 3');
 * deny('ERR_INSUFFICIENT_SCOPE', 'missing orders:write', { requiredScopes: ['orders:write'] });
 * ```
 */
export function deny(code: PortcullisErrorCode, detail: string, details: PortcullisErrorDetails = {}): Deny {
  if (typeof code !== 'string' || !Object.hasOwn(ERROR_CATALOG, code)) {
    throw new TypeError("deny(code): 'code' must be a PortcullisErrorCode such as 'ERR_FORBIDDEN'");
  }
  if (typeof detail !== 'string') throw new TypeError("deny(code, detail): 'detail' must be a string");
  const error = new PortcullisError(code, { ...details, reason: details.reason ?? detail });
  return Object.freeze({ allowed: false as const, reason: code, detail, error });
}

/**
 * Evaluates a rule and never throws: a rule that throws, or returns anything but a well-formed
 * decision (e.g. a Promise from an accidentally async policy), is a deny with `ERR_INTERNAL` —
 * never an allow (fail closed).
 *
 * @example
 * ```ts
 * const decision = decide(allOf(requireScopes(['orders:read']), requireOwnership({ ownerOf: (o: Order) => o.ownerId })), {
 *   principal,
 *   resource: order,
 * });
 * if (!decision.allowed) throw decision.error;
 * ```
 */
export function decide<R>(rule: Rule<R>, context: DecisionContext<R>): Decision {
  let kind = 'rule';
  try {
    kind = typeof rule?.kind === 'string' ? rule.kind : 'rule';
    const decision: unknown = rule.evaluate(context);
    if (isDecision(decision)) return decision;
    // An async rule's promise is ignored (rules are synchronous); keep its rejection from
    // becoming an unhandled rejection that could crash the process.
    if (typeof (decision as PromiseLike<unknown> | null)?.then === 'function') {
      Promise.resolve(decision).catch(() => undefined);
    }
    return deny('ERR_INTERNAL', `${kind} rule returned no decision`);
  } catch (cause) {
    return deny('ERR_INTERNAL', `${kind} rule threw`, { cause });
  }
}
