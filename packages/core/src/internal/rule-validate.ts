import type { Decision, Rule } from '../authorization/rule.js';
import { PortcullisError } from '../errors/portcullis-error.js';

/**
 * Validates a list of role names given to a rule at creation. Roles are exact strings; a name with
 * leading or trailing whitespace is refused because it can never be what was meant.
 */
export function validateRoleList(value: unknown, option: string, allowEmpty = false): readonly string[] {
  if (!Array.isArray(value) || (!allowEmpty && value.length === 0)) {
    throw new TypeError(`'${option}' must be a non-empty array of role names, e.g. ['admin']`);
  }
  for (const role of value) {
    if (typeof role !== 'string' || role === '' || role.trim() !== role) {
      throw new TypeError(`'${option}' must hold non-empty role names without surrounding whitespace`);
    }
  }
  return Object.freeze([...new Set(value as string[])]);
}

/** Validates a rule's mode option. */
export function validateMode<M extends string>(value: unknown, allowed: readonly M[], fallback: M, option: string): M {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value as M)) {
    throw new TypeError(`'${option}' must be one of ${allowed.map((m) => `'${m}'`).join(', ')}`);
  }
  return value as M;
}

/** Checks an options object and refuses unknown keys (a typo must not silently drop a check). */
export function validateOptions(value: unknown, name: string, keys: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${name} options must be an object`);
  }
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) throw new TypeError(`${name}: unknown option '${key}'; expected ${keys.join(', ')}`);
  }
  return value as Record<string, unknown>;
}

/** Whether a value is a well-formed decision (a rule may return garbage, e.g. a Promise). */
export function isDecision(value: unknown): value is Decision {
  if (typeof value !== 'object' || value === null) return false;
  const d = value as Partial<Record<'allowed' | 'reason' | 'error', unknown>>;
  if (d.allowed === true) return typeof d.reason === 'string';
  return d.allowed === false && d.error instanceof PortcullisError && d.reason === d.error.code;
}

/** Whether a value looks like a rule. */
export function isRule(value: unknown): value is Rule<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as Rule).evaluate === 'function';
}

/** Makes a frozen rule object. */
export function makeRule<R>(kind: string, description: string, evaluate: Rule<R>['evaluate']): Rule<R> {
  return Object.freeze({ kind, description, evaluate });
}
