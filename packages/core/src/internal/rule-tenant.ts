import type { Principal } from '../principal/principal.js';

/** A usable tenant id: a non-empty string. Anything else counts as "no tenant" (deny). */
export function asTenant(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The principal's tenant, or undefined when it has none (SPEC 92: tenant rules then deny). */
export function principalTenant(principal: Principal): string | undefined {
  return asTenant(principal.tenant);
}

/**
 * Tenant equality: exact code-unit comparison, no Unicode normalisation and no case folding
 * (SPEC 93: `t１` with a fullwidth digit is not `t1`; normalising would let look-alike ids collide).
 */
export function sameTenant(a: string, b: string): boolean {
  return a === b;
}
