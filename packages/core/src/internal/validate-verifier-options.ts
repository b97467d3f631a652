import { InMemoryRevocationStore } from '../revocation/in-memory-revocation-store.js';
import type { RevocationStore } from '../revocation/revocation-store.js';
import type { VerifierOptions } from '../token/verifier-options.js';
import {
  DEFAULT_ASYMMETRIC_ALGORITHMS,
  SUPPORTED_ASYMMETRIC_ALGORITHMS,
  SYMMETRIC_ALGORITHM,
} from './key-algorithms.js';
import { MAX_TIMER_DELAY } from './jwks-remote-options.js';
import { normalizeMediaType } from './parse-compact-jws.js';
import type { JwsPolicy } from './parse-compact-jws.js';

// One table of algorithms for the whole core: the key resolver serves exactly these.
const SYMMETRIC_ALGORITHMS: ReadonlySet<string> = new Set([SYMMETRIC_ALGORITHM]);
/** Recognised HMAC names, so that HS384/HS512 get a precise message instead of "unsupported". */
const HMAC_NAMES: ReadonlySet<string> = new Set(['HS256', 'HS384', 'HS512']);

export const DEFAULT_REQUIRED_CLAIMS: readonly string[] = Object.freeze([
  'iss',
  'aud',
  'exp',
  'iat',
  'sub',
  'jti',
  'client_id',
]);

/** Claims the verifier cannot work without, whatever `requiredClaims` says (plus the audience claim). */
const ALWAYS_REQUIRED = ['iss', 'exp'] as const;
/** Claims a revocation query is made of. */
const REVOCATION_REQUIRES = ['jti', 'sub', 'iat', 'iss'] as const;

/**
 * Every option `VerifierOptions` has (compile-time exhaustive). Anything else is refused: a
 * misspelt option would otherwise be ignored silently — `revocaton` would leave revocation off,
 * `maxTokenLifetme` keep the 24 h default — and JavaScript callers get no compile error for it.
 */
export const VERIFIER_OPTION_NAMES: Readonly<Record<keyof VerifierOptions, true>> = Object.freeze({
  issuer: true,
  audience: true,
  audienceClaim: true,
  jwksUri: true,
  remoteJwks: true,
  jwks: true,
  keys: true,
  secret: true,
  algorithms: true,
  typ: true,
  requiredClaims: true,
  clockTolerance: true,
  maxTokenAge: true,
  maxTokenLifetime: true,
  maxTokenSize: true,
  cache: true,
  revocation: true,
  revocationTimeout: true,
  now: true,
});

/** Largest accepted clock tolerance: RFC 9068 §4 speaks of "a few minutes" at most. */
const MAX_CLOCK_TOLERANCE = 300;

/** Verifier options after validation, with every default applied. */
export interface ResolvedVerifierOptions {
  readonly issuer: string;
  readonly audience: string[];
  /** The claim `audience` is matched against. */
  readonly audienceClaim: 'aud' | 'client_id';
  readonly policy: JwsPolicy;
  readonly requiredClaims: string[];
  /** Seconds. */
  readonly clockTolerance: number;
  /** Seconds, or `undefined` for no limit. */
  readonly maxTokenAge: number | undefined;
  /** Seconds. */
  readonly maxTokenLifetime: number;
  /** Entries, or `false` when the cache is off. */
  readonly cacheMaxEntries: number | false;
  readonly revocation: RevocationStore | undefined;
  /** Milliseconds. */
  readonly revocationTimeout: number;
  readonly now: () => number;
}

function fail(message: string): never {
  throw new TypeError(`createAccessTokenVerifier: ${message}`);
}

function isPositiveFinite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function resolveAlgorithms(options: VerifierOptions): string[] {
  const symmetric = options.secret !== undefined;
  const given = options.algorithms;
  if (given === undefined) return symmetric ? ['HS256'] : [...DEFAULT_ASYMMETRIC_ALGORITHMS];
  if (!Array.isArray(given) || given.length === 0 || given.some((a) => typeof a !== 'string' || a.length === 0)) {
    fail("'algorithms' must be a non-empty array of JWS algorithm names, e.g. ['ES256', 'RS256']");
  }
  for (const alg of given as readonly string[]) {
    // Refused in every spelling: `none` means "no signature" (RFC 8725 §3.1; CVE-2015-9235 family).
    if (alg.toLowerCase() === 'none')
      fail("'algorithms' must never contain 'none': unsigned tokens are never accepted");
    if (HMAC_NAMES.has(alg)) {
      if (!symmetric) {
        // Symmetric algorithms next to public keys are the RS256→HS256 key-confusion attack
        // (RFC 8725 §2.1, SPEC case 45): only possible when a secret is configured on purpose.
        fail(
          `'algorithms' contains ${alg}, a symmetric algorithm; it is only allowed together with 'secret: { key, allowSymmetric: true }'`,
        );
      }
      if (!SYMMETRIC_ALGORITHMS.has(alg)) fail(`'algorithms' contains ${alg}; a shared secret verifies HS256 only`);
      continue;
    }
    if (symmetric) {
      fail(
        `'algorithms' contains ${alg}, but 'secret' is set: a shared-secret verifier accepts HS256 only (create a second verifier for public keys)`,
      );
    }
    if (!SUPPORTED_ASYMMETRIC_ALGORITHMS.includes(alg)) {
      fail(
        `'algorithms' contains unsupported ${JSON.stringify(alg)}; use names from ${SUPPORTED_ASYMMETRIC_ALGORITHMS.join(', ')} or HS256 (case-sensitive)`,
      );
    }
  }
  return [...new Set(given as readonly string[])];
}

/**
 * Validates every option that is not about the key source (the key resolver validates those) and
 * applies the defaults. Throws a `TypeError` that says how to fix the first problem found.
 *
 * Runs once, when the verifier is created: bad configuration fails at start-up, not at the first
 * request, and the per-request path never re-checks options.
 *
 * @example
 * ```ts
 * const resolved = validateVerifierOptions({ issuer: 'https://as.example', audience: 'https://api.example' });
 * resolved.clockTolerance; // 5
 * ```
 */
export function validateVerifierOptions(options: VerifierOptions): ResolvedVerifierOptions {
  if (options === null || typeof options !== 'object')
    fail('options must be an object, e.g. { issuer, audience, jwksUri }');
  for (const key of Object.keys(options)) {
    if (!Object.prototype.hasOwnProperty.call(VERIFIER_OPTION_NAMES, key)) {
      fail(`unknown option '${key}' (misspelt?); the options are ${Object.keys(VERIFIER_OPTION_NAMES).join(', ')}`);
    }
  }

  if (typeof options.issuer !== 'string' || options.issuer.length === 0) {
    fail(
      "'issuer' must be a non-empty string, the exact 'iss' of your authorization server (e.g. 'https://auth.example.com/')",
    );
  }

  const aud = options.audience;
  let audience: string[];
  if (typeof aud === 'string' && aud.length > 0) audience = [aud];
  else if (Array.isArray(aud) && aud.length > 0 && aud.every((a) => typeof a === 'string' && a.length > 0))
    audience = [...(aud as string[])];
  else
    fail(
      "'audience' must be a non-empty string or a non-empty array of non-empty strings: this API's identifier (e.g. 'https://api.example.com')",
    );

  const audienceClaim = options.audienceClaim ?? 'aud';
  if (audienceClaim !== 'aud' && audienceClaim !== 'client_id') {
    fail(
      "'audienceClaim' must be 'aud' (the default, RFC 9068) or 'client_id' (for access tokens without 'aud', e.g. Amazon Cognito)",
    );
  }

  const algorithms = resolveAlgorithms(options);

  let typ: string | false;
  if (options.typ === undefined) typ = normalizeMediaType('at+jwt');
  else if (options.typ === false) typ = false;
  else if (typeof options.typ === 'string' && /^[\x21-\x7e]+$/.test(options.typ)) typ = normalizeMediaType(options.typ);
  else fail("'typ' must be a media type such as 'at+jwt' (the RFC 9068 default), or false to disable the check");

  let requiredClaims: string[];
  if (options.requiredClaims === undefined) {
    // Tokens matched on `client_id` have no `aud` to require (Cognito access tokens carry none).
    requiredClaims =
      audienceClaim === 'aud' ? [...DEFAULT_REQUIRED_CLAIMS] : DEFAULT_REQUIRED_CLAIMS.filter((c) => c !== 'aud');
  } else if (
    Array.isArray(options.requiredClaims) &&
    options.requiredClaims.every((c) => typeof c === 'string' && c.length > 0)
  ) {
    requiredClaims = [...new Set(options.requiredClaims as string[])];
  } else
    fail(
      "'requiredClaims' must be an array of claim names, e.g. ['iss', 'aud', 'exp', 'iat', 'sub', 'jti', 'client_id']",
    );
  for (const claim of ALWAYS_REQUIRED) {
    if (!requiredClaims.includes(claim)) {
      // RFC 9068 §2.2 / §4: without these there is no issuer or expiry to check.
      fail(`'requiredClaims' must include '${claim}' (RFC 9068 §2.2); add it to the list`);
    }
  }
  if (!requiredClaims.includes(audienceClaim)) {
    // Without the audience claim there is nothing to match `audience` against: a token for any
    // API of the same issuer would pass.
    fail(
      audienceClaim === 'aud'
        ? "'requiredClaims' must include 'aud' (RFC 9068 §2.2); add it to the list"
        : "'requiredClaims' must include 'client_id' when 'audienceClaim' is 'client_id'; add it to the list",
    );
  }
  if (options.revocation !== undefined) {
    for (const claim of REVOCATION_REQUIRES) {
      if (!requiredClaims.includes(claim))
        fail(
          `'requiredClaims' must include '${claim}' when 'revocation' is set: revocation looks tokens up by jti, sub, iat and iss`,
        );
    }
  }

  const clockTolerance = options.clockTolerance ?? 5;
  if (
    typeof clockTolerance !== 'number' ||
    !Number.isFinite(clockTolerance) ||
    clockTolerance < 0 ||
    clockTolerance > MAX_CLOCK_TOLERANCE
  ) {
    fail(`'clockTolerance' must be a number of seconds between 0 and ${MAX_CLOCK_TOLERANCE} (default 5)`);
  }
  if (options.maxTokenAge !== undefined && !isPositiveFinite(options.maxTokenAge)) {
    fail("'maxTokenAge' must be a positive number of seconds, or left out for no limit");
  }
  const maxTokenLifetime = options.maxTokenLifetime ?? 86_400;
  if (!isPositiveFinite(maxTokenLifetime))
    fail("'maxTokenLifetime' must be a positive number of seconds (default 86400)");
  const maxTokenSize = options.maxTokenSize ?? 8192;
  if (!isPositiveInteger(maxTokenSize))
    fail("'maxTokenSize' must be a positive integer number of characters (default 8192)");

  let cacheMaxEntries: number | false;
  const cache = options.cache;
  if (cache === undefined) cacheMaxEntries = 10_000;
  else if (cache === false) cacheMaxEntries = false;
  else if (
    cache !== null &&
    typeof cache === 'object' &&
    Object.keys(cache).every((key) => key === 'maxEntries') &&
    (cache.maxEntries === undefined || isPositiveInteger(cache.maxEntries))
  ) {
    cacheMaxEntries = cache.maxEntries ?? 10_000;
  } else fail("'cache' must be false or { maxEntries: <positive integer> } (default { maxEntries: 10000 })");

  const revocation = options.revocation;
  if (
    revocation !== undefined &&
    (revocation === null || typeof revocation !== 'object' || typeof revocation.isRevoked !== 'function')
  ) {
    fail("'revocation' must be a RevocationStore (an object with isRevoked()), e.g. new InMemoryRevocationStore()");
  }
  const leeway: unknown = revocation?.leeway;
  if (leeway !== undefined && (typeof leeway !== 'number' || !Number.isFinite(leeway) || leeway < 0)) {
    fail("'revocation.leeway' must be a number of seconds >= 0 when the store declares one");
  }
  if (typeof leeway === 'number' && leeway < clockTolerance) {
    // The store forgets a revoked jti (or subject) `leeway` seconds after its expiry, while this
    // verifier still accepts the token until `clockTolerance` seconds after `exp`: in between, a
    // revoked token would be let through again. Any store that declares its leeway is checked, so
    // is a wrapper that passes its inner store's on.
    const fix =
      revocation instanceof InMemoryRevocationStore
        ? `create the store with new InMemoryRevocationStore({ leeway: ${clockTolerance} }) or more`
        : `give the store a leeway of ${clockTolerance} s or more`;
    fail(
      `'revocation' forgets revocations ${leeway} s after exp, but 'clockTolerance' accepts tokens ${clockTolerance} s after it; ${fix}`,
    );
  }
  const revocationTimeout = options.revocationTimeout ?? 1000;
  // A delay over MAX_TIMER_DELAY makes setTimeout fire after 1 ms: every async store answer would be a 503.
  if (!isPositiveFinite(revocationTimeout) || revocationTimeout > MAX_TIMER_DELAY)
    fail(`'revocationTimeout' must be a positive number of milliseconds, at most ${MAX_TIMER_DELAY} (default 1000)`);

  const now = options.now ?? Date.now;
  if (typeof now !== 'function')
    fail("'now' must be a function returning milliseconds since the epoch (default Date.now)");

  return {
    issuer: options.issuer,
    audience,
    audienceClaim,
    policy: Object.freeze({
      maxTokenSize,
      algorithms: new Set(algorithms),
      algorithmList: Object.freeze(algorithms),
      typ,
    }),
    requiredClaims,
    clockTolerance,
    maxTokenAge: options.maxTokenAge,
    maxTokenLifetime,
    cacheMaxEntries,
    revocation,
    revocationTimeout,
    now,
  };
}
