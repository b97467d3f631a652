import { buildAccessTokenVerifier } from '../internal/build-access-token-verifier.js';
import { validateVerifierOptions } from '../internal/validate-verifier-options.js';
import { createKeyResolver } from '../jwks/create-key-resolver.js';
import type { AccessTokenVerifier } from './access-token-verifier.js';
import type { VerifierOptions } from './verifier-options.js';

/**
 * Creates an access-token verifier for one authorization server and one API (RFC 9068 JWT
 * access tokens on jose). Create it once at start-up; call `verify` per request.
 *
 * Options are validated here, once, with a `TypeError` that says how to fix them: a non-empty
 * `issuer` and `audience`, exactly one key source (`jwksUri`, `jwks`, `keys` or `secret`),
 * an algorithm allowlist that never contains `none` and holds symmetric algorithms only with
 * `secret`, sane numbers.
 *
 * Per token, cheapest first, each step refusing before the next one costs anything:
 *
 * 1. size cap (`maxTokenSize`, 8192) before any decoding → `ERR_MALFORMED_TOKEN`;
 * 2. verified-token cache lookup by `hashToken(token)` (on by default; a hit re-checks the clock
 *    claims and skips to step 7). On a miss, concurrent calls with the same token share one
 *    verification (single flight: one key lookup, one signature check; each call still checks the
 *    clock and revocation itself, and a failure is shared only with the calls that were waiting for it);
 * 3. compact JWS shape: three canonical base64url segments, non-empty signature; JWE and JSON
 *    serialization refused → `ERR_MALFORMED_TOKEN`;
 * 4. header: strict UTF-8 JSON object without duplicate members; `alg` in the allowlist
 *    (`ERR_ALGORITHM_NOT_ALLOWED`); `jwk`, `jku`, `x5u`, `x5c`, `crit`, `b64`, `enc`, `zip` and
 *    `cty: JWT` refused (`ERR_ALGORITHM_NOT_ALLOWED`); `kid` a string of 1–256 characters
 *    (`ERR_MALFORMED_TOKEN`); `typ` `at+jwt` as a media type (`ERR_INVALID_TOKEN_TYPE`);
 * 5. key lookup by `kid`/`alg` (keys imported once) and signature — node:crypto (OpenSSL) on the
 *    exact signing input for RS/PS/ES/EdDSA, jose for HS256 — then the claims-set checks of jose's
 *    `jwtVerify`, same order and outcome: `requiredClaims`, `issuer`, `audience`, `clockTolerance`,
 *    `maxTokenAge` and the clock;
 * 6. checks jose never made: `iss` a string, exact; `aud` well-typed (or, with
 *    `audienceClaim: 'client_id'`, `client_id` equal to one of `audience`); `sub`, `jti`, `client_id`
 *    non-empty strings; NumericDates finite; `iat` not in the future; lifetime ≤ `maxTokenLifetime`;
 * 7. revocation (when `revocation` is set) on every call, cached or not: revoked →
 *    `ERR_TOKEN_REVOKED`; store error, timeout or odd answer → `ERR_REVOCATION_UNAVAILABLE` (503).
 *
 * Every failure is a `PortcullisError` with a fixed public message; details for logs go to its
 * `reason`, which never holds token material. The returned `VerifiedToken` and its claims are
 * deep-frozen (they may be shared through the cache).
 *
 * @param options See {@link VerifierOptions}; defaults are documented there.
 * @returns A verifier; `reloadKeys()` refetches keys and empties the verified-token cache.
 * @throws {TypeError} When the options are invalid.
 *
 * @example
 * ```ts
 * import { createAccessTokenVerifier, extractBearerToken, toHttpResponse } from '@portcullis/core';
 *
 * const verifier = createAccessTokenVerifier({
 *   issuer: 'https://auth.example.com/',
 *   audience: 'https://api.example.com/orders',
 *   jwksUri: 'https://auth.example.com/.well-known/jwks.json',
 * });
 *
 * try {
 *   const { claims } = await verifier.verify(extractBearerToken(req));
 * } catch (error) {
 *   const { status, headers, body } = toHttpResponse(error, { realm: 'orders' });
 * }
 * ```
 */
export function createAccessTokenVerifier(options: VerifierOptions): AccessTokenVerifier {
  const resolved = validateVerifierOptions(options);
  const resolver = createKeyResolver(options);
  return buildAccessTokenVerifier(resolved, resolver);
}
