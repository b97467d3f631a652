import { randomUUID } from 'node:crypto';
import type { TokenClaims } from '../test-issuer.js';

export interface ClaimDefaults {
  readonly iss: string;
  readonly aud: string;
  /** Current time in whole seconds. */
  readonly nowSeconds: number;
  /** Lifetime in seconds. */
  readonly expiresIn: number;
}

/**
 * Builds a claims set: defaults first (stable member order `iss sub aud client_id scope iat exp
 * jti`), then the caller's claims. Members are defined, not assigned, so a hostile `__proto__`
 * claim becomes an ordinary member of the JSON instead of changing the object's prototype.
 */
export function buildClaims(defaults: ClaimDefaults, claims: TokenClaims = {}): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const set = (name: string, value: unknown): void => {
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  };
  set('iss', defaults.iss);
  set('sub', 'test-user');
  set('aud', defaults.aud);
  set('client_id', 'test-client');
  set('scope', '');
  set('iat', defaults.nowSeconds);
  set('exp', defaults.nowSeconds + defaults.expiresIn);
  set('jti', randomUUID());
  for (const name of Object.keys(claims)) set(name, claims[name]);
  const scope = out['scope'];
  if (Array.isArray(scope)) set('scope', scope.join(' '));
  if (out['scope'] === '') delete out['scope'];
  for (const name of Object.keys(out)) if (out[name] === undefined) delete out[name];
  return out;
}
