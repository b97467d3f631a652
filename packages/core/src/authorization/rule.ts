import type { PortcullisError, PortcullisErrorCode } from '../errors/portcullis-error.js';
import type { Principal } from '../principal/principal.js';

/**
 * Everything a rule may look at. Rules are pure and synchronous: anything that needs I/O (loading
 * the resource, a user's clearance) is loaded before the decision and passed in here.
 */
export interface DecisionContext<R = unknown> {
  readonly principal: Principal;
  /** The loaded resource, for ownership, tenant and ABAC rules. */
  readonly resource?: R;
  /** What is being done, e.g. `orders:read` or `GET /orders/:id`. */
  readonly action?: string;
  /** Request environment for ABAC (time, IP, …). `now` defaults to the current time. */
  readonly environment?: Readonly<{ now?: Date } & Record<string, unknown>>;
}

/** An allow: says which rule allowed and why. */
export interface Allow {
  readonly allowed: true;
  /** Short reason, e.g. `scopes:all(orders:read)`. */
  readonly reason: string;
}

/** A deny: carries the error to answer with. */
export interface Deny {
  readonly allowed: false;
  /** The error code, e.g. `ERR_INSUFFICIENT_SCOPE`. */
  readonly reason: PortcullisErrorCode;
  /** Non-secret detail for the audit log (which rule, which role was missing). */
  readonly detail: string;
  /** The error an adapter answers with. */
  readonly error: PortcullisError;
}

/** The outcome of a rule. */
export type Decision = Allow | Deny;

/**
 * An authorization rule: a named, synchronous function of a {@link DecisionContext}.
 *
 * @example
 * ```ts
 * const canRead: Rule = requireScopes(['orders:read']);
 * canRead.evaluate({ principal }).allowed;
 * ```
 */
export interface Rule<R = unknown> {
  /** Kind of rule (`scopes`, `roles`, `tenant`, `ownership`, `policy`, `allOf`, `anyOf`). */
  readonly kind: string;
  /** Human-readable description, used in reasons and start-up reports. */
  readonly description: string;
  evaluate(context: DecisionContext<R>): Decision;
  /**
   * Optional: the part of the decision that depends on the caller only, made BEFORE the resource
   * is loaded, so a caller the rule refuses whatever the resource costs no load (nothing
   * downstream runs). Returns the deny, or `undefined` to load the resource and `evaluate`.
   * Adapters call it before their resource loader; `evaluate` repeats the same checks.
   */
  precheck?(context: Omit<DecisionContext<R>, 'resource'>): Deny | undefined;
}
