import type { JWTPayload } from 'jose';
import { PortcullisError } from '../errors/portcullis-error.js';

/** What the claim checks need from the verifier options. */
export interface ClaimRules {
  readonly issuer: string;
  readonly audience: readonly string[];
  /** The claim `audience` is matched against (`aud`, or `client_id` for tokens without `aud`). */
  readonly audienceClaim: 'aud' | 'client_id';
  /** Seconds. */
  readonly clockTolerance: number;
  /** Seconds, or `undefined` for no limit. */
  readonly maxTokenAge: number | undefined;
  /** Seconds. */
  readonly maxTokenLifetime: number;
}

const own = (claims: object, name: string): boolean => Object.prototype.hasOwnProperty.call(claims, name);

function invalid(claim: string, reason: string): PortcullisError {
  return new PortcullisError('ERR_CLAIM_INVALID', { claim, reason });
}

/** A NumericDate claim (RFC 7519 §2): a finite JSON number. */
function numericDate(claims: Readonly<JWTPayload>, name: 'exp' | 'iat' | 'nbf'): number | undefined {
  if (!own(claims, name)) return undefined;
  const value: unknown = claims[name];
  // jose checks `typeof value === 'number'`, which lets `1e999` (= Infinity: never expires) through.
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(name, `"${name}" is not a finite number`);
  return value;
}

/**
 * Type and value checks that jose's `jwtVerify` does not make, run right after it. They do not
 * depend on the clock, so they run once per token (not on cache hits).
 *
 * - `iss` a string equal to the issuer, code unit by code unit (no case folding, no trailing-slash
 *   or Unicode normalisation — SPEC cases 77–79; an array `iss` is refused, case 78).
 * - `aud` a non-empty string or a non-empty array of strings containing one of ours (cases 80–84);
 *   or, with `audienceClaim: 'client_id'`, `client_id` a string equal to one of ours (`aud` is then
 *   not compared: tokens of that kind carry none, and `audience` holds client ids, not API ids).
 * - `sub`, `jti`, `client_id`, when present, non-empty strings (case 85): an empty or numeric
 *   subject must not become a principal, nor an empty `jti` a revocation key.
 * - `exp`, `iat`, `nbf`, when present, finite numbers (case 72).
 *
 * @example
 * ```ts
 * checkClaimValues(claims, rules); // throws PortcullisError ERR_CLAIM_INVALID with `claim`
 * ```
 */
export function checkClaimValues(claims: Readonly<JWTPayload>, rules: ClaimRules): void {
  if (typeof claims.iss !== 'string' || claims.iss !== rules.issuer)
    throw invalid('iss', '"iss" is not the configured issuer');
  if (rules.audienceClaim === 'client_id') {
    const clientId: unknown = claims['client_id'];
    // Exact match against the configured client ids; an array or a number is never a client id.
    if (typeof clientId !== 'string' || !rules.audience.includes(clientId)) {
      throw invalid('client_id', '"client_id" is not one of the accepted clients');
    }
  } else {
    const aud: unknown = claims.aud;
    const audOk =
      (typeof aud === 'string' && rules.audience.includes(aud)) ||
      (Array.isArray(aud) &&
        aud.length > 0 &&
        aud.every((a) => typeof a === 'string') &&
        aud.some((a: string) => rules.audience.includes(a)));
    if (!audOk) throw invalid('aud', '"aud" does not contain this audience');
  }
  for (const name of ['sub', 'jti', 'client_id'] as const) {
    if (own(claims, name)) {
      const value: unknown = claims[name];
      if (typeof value !== 'string' || value.length === 0) throw invalid(name, `"${name}" is not a non-empty string`);
    }
  }
  numericDate(claims, 'exp');
  numericDate(claims, 'iat');
  numericDate(claims, 'nbf');
}

/**
 * Clock checks, run after every full verification **and on every cache hit**, so a cached entry is
 * held to exactly the rules jose applied when it was first verified:
 *
 * - `exp` in the past beyond the tolerance → `ERR_TOKEN_EXPIRED` (jose: `exp <= now − tolerance`);
 * - `nbf` in the future beyond the tolerance → `ERR_TOKEN_NOT_YET_VALID`;
 * - `iat` in the future beyond the tolerance → `ERR_TOKEN_NOT_YET_VALID` (jose checks this only
 *   when `maxTokenAge` is set; a token "issued" later than now is minted wrong or forged, case 75);
 * - `iat` older than `maxTokenAge` (+ tolerance) → `ERR_CLAIM_INVALID` on `iat`;
 * - lifetime `exp − iat` (or `exp − now` without `iat`) over `maxTokenLifetime` →
 *   `ERR_CLAIM_INVALID` on `exp` (case 73: a ten-year token is a stolen-forever token).
 *
 * @param nowSeconds Current time, whole seconds since the epoch (as jose floors it).
 *
 * @example
 * ```ts
 * checkClaimTimes(claims, Math.floor(Date.now() / 1000), rules);
 * ```
 */
export function checkClaimTimes(claims: Readonly<JWTPayload>, nowSeconds: number, rules: ClaimRules): void {
  const tolerance = rules.clockTolerance;
  const exp = claims.exp;
  const iat = claims.iat;
  const nbf = claims.nbf;
  if (typeof exp !== 'number') throw invalid('exp', '"exp" is missing');
  if (exp <= nowSeconds - tolerance) {
    throw new PortcullisError('ERR_TOKEN_EXPIRED', { claim: 'exp', reason: '"exp" is in the past' });
  }
  if (typeof nbf === 'number' && nbf > nowSeconds + tolerance) {
    throw new PortcullisError('ERR_TOKEN_NOT_YET_VALID', { claim: 'nbf', reason: '"nbf" is in the future' });
  }
  if (typeof iat === 'number') {
    if (iat > nowSeconds + tolerance) {
      throw new PortcullisError('ERR_TOKEN_NOT_YET_VALID', { claim: 'iat', reason: '"iat" is in the future' });
    }
    if (rules.maxTokenAge !== undefined && nowSeconds - iat - tolerance > rules.maxTokenAge) {
      throw invalid('iat', '"iat" is older than maxTokenAge');
    }
  }
  if (exp - (typeof iat === 'number' ? iat : nowSeconds) > rules.maxTokenLifetime) {
    throw invalid('exp', 'token lifetime exceeds maxTokenLifetime');
  }
}
