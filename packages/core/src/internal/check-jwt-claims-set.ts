import type { JWTPayload } from 'jose';
import { PortcullisError } from '../errors/portcullis-error.js';

/**
 * The claims-set checks of jose's `jwtVerify` (jose 6.2 `lib/jwt_claims_set.js`,
 * `validateClaimsSet`), made by the verifier itself since the signature step moved to node:crypto
 * (see `verify-compact-jws.ts`). Same checks, same order, same outcome as jose's error mapped by
 * `mapJoseError`; `test/internal/verify-compact-jws.differential.spec.ts` runs both over the
 * bad-token corpus, the Wycheproof vectors and mutated tokens and requires the same answer.
 *
 * | jose `jwtVerify` (options as the verifier set them) | here / elsewhere |
 * | --- | --- |
 * | `b64: false` → `JWTInvalid` | pre-parse refuses any `b64` member (`parseCompactJws`) |
 * | `crit` understood/refused | pre-parse refuses any `crit` member |
 * | `algorithms` allowlist | pre-parse (`policy.algorithms`) |
 * | `typ` (normalised media type) | pre-parse (`normalizeMediaType`, the same rule as jose's `normalizeTyp`) |
 * | claims set: strict UTF-8, JSON, top-level object → `JWTInvalid` | `decodeClaimsSet` below (`ERR_MALFORMED_TOKEN`) |
 * | presence of `requiredClaims`, `iss` (issuer set), `aud` (audience set), `iat` (maxTokenAge set), in jose's order | {@link checkJwtClaimsSet} step 1 |
 * | `iss` one of `issuer` | step 2 (and `checkClaimValues`: a string, exact) |
 * | `aud` contains one of `audience` | step 3, only with `audienceClaim: 'aud'` (and `checkClaimValues`) |
 * | `iat` / `nbf` / `exp` a number when present → `invalid` | steps 4, 5, 7 |
 * | `nbf > now + tolerance` | step 6 → `ERR_TOKEN_NOT_YET_VALID` |
 * | `exp <= now − tolerance` | step 8 → `ERR_TOKEN_EXPIRED` |
 * | `maxTokenAge`: too old / `iat` in the future | step 9 → `ERR_CLAIM_INVALID` (`iat`) / `ERR_TOKEN_NOT_YET_VALID` |
 * | `now` = ⌊currentDate / 1000⌋ | the caller passes whole seconds |
 *
 * Then, as before, `checkClaimValues` and `checkClaimTimes` (the checks jose never made).
 */
export interface JwtClaimRules {
  /** Claims that must be present, in the order jose checks them (see {@link jwtClaimRules}). */
  readonly presence: readonly string[];
  readonly issuer: string;
  /** Audiences matched against `aud`; `undefined` when the audience is matched on `client_id`. */
  readonly audience: readonly string[] | undefined;
  /** Seconds. */
  readonly clockTolerance: number;
  /** Seconds, or `undefined` for no limit. */
  readonly maxTokenAge: number | undefined;
}

/**
 * Builds the rules once from the resolved options. The presence order is jose's:
 * `new Set([...requiredClaims, iat?, aud?, iss].reverse())`.
 *
 * @example
 * ```ts
 * const rules = jwtClaimRules({ issuer, audience: [api], audienceClaim: 'aud', requiredClaims, clockTolerance: 5, maxTokenAge: undefined });
 * ```
 */
export function jwtClaimRules(options: {
  readonly issuer: string;
  readonly audience: readonly string[];
  readonly audienceClaim: 'aud' | 'client_id';
  readonly requiredClaims: readonly string[];
  readonly clockTolerance: number;
  readonly maxTokenAge: number | undefined;
}): JwtClaimRules {
  const presence = [...options.requiredClaims];
  if (options.maxTokenAge !== undefined) presence.push('iat');
  if (options.audienceClaim === 'aud') presence.push('aud');
  presence.push('iss');
  return Object.freeze({
    presence: Object.freeze([...new Set(presence.reverse())]),
    issuer: options.issuer,
    audience: options.audienceClaim === 'aud' ? Object.freeze([...options.audience]) : undefined,
    clockTolerance: options.clockTolerance,
    maxTokenAge: options.maxTokenAge,
  });
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * The JWT claims set from the verified payload bytes: strict UTF-8 (a BOM is dropped, as by jose's
 * decoder), JSON, a top-level object. Anything else is `ERR_MALFORMED_TOKEN`.
 *
 * @example
 * ```ts
 * const claims = decodeClaimsSet(Buffer.from(payloadSegment, 'base64url'));
 * ```
 */
export function decodeClaimsSet(payload: Uint8Array): Record<string, unknown> {
  let claims: unknown;
  try {
    claims = JSON.parse(strictUtf8.decode(payload));
  } catch {
    throw new PortcullisError('ERR_MALFORMED_TOKEN', { reason: 'JWT claims set is not UTF-8 JSON' });
  }
  if (!isPlainObject(claims)) {
    throw new PortcullisError('ERR_MALFORMED_TOKEN', { reason: 'JWT claims set is not a top-level JSON object' });
  }
  return claims;
}

function invalid(claim: string, reason: string): PortcullisError {
  return new PortcullisError('ERR_CLAIM_INVALID', { claim, reason });
}

function numberClaim(claims: Readonly<JWTPayload>, claim: 'iat' | 'nbf' | 'exp'): number | undefined {
  const value: unknown = claims[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw invalid(claim, `"${claim}" claim must be a number`);
  return value;
}

/**
 * jose's claims-set validation (see the table on {@link JwtClaimRules}), step by step in jose's
 * order, so the first failing check — and so the error — is the one jose reported.
 *
 * @param nowSeconds Whole seconds since the epoch.
 *
 * @example
 * ```ts
 * checkJwtClaimsSet(claims, rules, Math.floor(Date.now() / 1000));
 * ```
 */
export function checkJwtClaimsSet(claims: Readonly<JWTPayload>, rules: JwtClaimRules, nowSeconds: number): void {
  // 1. presence (jose: `Object.hasOwn`; reason "missing")
  for (const claim of rules.presence) {
    if (!Object.prototype.hasOwnProperty.call(claims, claim)) throw invalid(claim, `missing required "${claim}" claim`);
  }
  // 2. issuer (jose: `[issuer].includes(iss)`)
  if (claims.iss !== rules.issuer) throw invalid('iss', 'unexpected "iss" claim value');
  // 3. audience (jose: `checkAudiencePresence`: a string in the list, or an array holding one of them)
  const audience = rules.audience;
  if (audience !== undefined) {
    const aud: unknown = claims.aud;
    const present =
      typeof aud === 'string'
        ? audience.includes(aud)
        : Array.isArray(aud)
          ? audience.some((wanted) => (aud as unknown[]).includes(wanted))
          : false;
    if (!present) throw invalid('aud', 'unexpected "aud" claim value');
  }
  const tolerance = rules.clockTolerance;
  // 4.–5. types of iat and nbf
  const iat = numberClaim(claims, 'iat');
  const nbf = numberClaim(claims, 'nbf');
  // 6. not before
  if (nbf !== undefined && nbf > nowSeconds + tolerance) {
    throw new PortcullisError('ERR_TOKEN_NOT_YET_VALID', {
      claim: 'nbf',
      reason: '"nbf" claim timestamp check failed',
    });
  }
  // 7.–8. expiry
  const exp = numberClaim(claims, 'exp');
  if (exp !== undefined && exp <= nowSeconds - tolerance) {
    throw new PortcullisError('ERR_TOKEN_EXPIRED', { claim: 'exp', reason: '"exp" claim timestamp check failed' });
  }
  // 9. maxTokenAge (iat is present: step 1 required it)
  if (rules.maxTokenAge !== undefined) {
    const age = nowSeconds - (iat as number);
    if (age - tolerance > rules.maxTokenAge)
      throw invalid('iat', '"iat" claim timestamp check failed (too far in the past)');
    if (age < -tolerance) {
      throw new PortcullisError('ERR_TOKEN_NOT_YET_VALID', {
        claim: 'iat',
        reason: '"iat" claim timestamp check failed (it should be in the past)',
      });
    }
  }
}
