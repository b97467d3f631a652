import { errors } from 'jose';
import { PortcullisError } from '../errors/portcullis-error.js';

/**
 * Turns anything jose (or the key lookup) threw while verifying a token into a
 * {@link PortcullisError}. Nothing else ever leaves the verifier.
 *
 * | jose error | Portcullis code |
 * | --- | --- |
 * | `JWTExpired` on `exp` | `ERR_TOKEN_EXPIRED` |
 * | `JWTExpired` on `iat` (older than `maxTokenAge`) | `ERR_CLAIM_INVALID`, claim `iat` |
 * | `JWTClaimValidationFailed` on `nbf`/`iat` timestamps | `ERR_TOKEN_NOT_YET_VALID` |
 * | `JWTClaimValidationFailed` on `typ` | `ERR_INVALID_TOKEN_TYPE` |
 * | other `JWTClaimValidationFailed` | `ERR_CLAIM_INVALID` with its `claim` |
 * | `JWSSignatureVerificationFailed` | `ERR_SIGNATURE_INVALID` |
 * | `JOSEAlgNotAllowed`, `JOSENotSupported` | `ERR_ALGORITHM_NOT_ALLOWED` |
 * | `JWKSNoMatchingKey`, `JWKSMultipleMatchingKeys`, `JWKInvalid` | `ERR_KEY_NOT_FOUND` |
 * | `JWKSTimeout`, `JWKSInvalid` (key source down or broken) | `ERR_KEYS_UNAVAILABLE` (503) |
 * | a non-jose error after the key was resolved (key unusable for the `alg`: wrong type, RSA < 2048 bits …) | `ERR_KEY_NOT_FOUND` |
 * | anything else (`JWSInvalid`, `JWTInvalid` …) | `ERR_MALFORMED_TOKEN` |
 *
 * A {@link PortcullisError} passes through unchanged (the key resolver throws those).
 *
 * Never attached as `cause`: jose's claim errors carry the whole claims set, and JSON parse errors
 * quote the decoded input; both are token material that must not reach a log (ASVS 16.2.5).
 * `reason` gets jose's own message, which names claims but never their values.
 *
 * @example
 * ```ts
 * try { await jwtVerify(token, key, options); } catch (e) { throw mapJoseError(e, keyResolved); }
 * ```
 */
export function mapJoseError(error: unknown, keyResolved: boolean): PortcullisError {
  if (error instanceof PortcullisError) return error;
  if (!(error instanceof errors.JOSEError)) {
    const kind = error instanceof Error ? error.name : typeof error;
    if (keyResolved) {
      // jose throws a TypeError when the resolved key cannot serve the token's `alg` (an EC key
      // for RS256, a 1024-bit RSA key, a key whose `use`/`key_ops` forbid verification).
      return new PortcullisError('ERR_KEY_NOT_FOUND', {
        reason: `resolved key is not usable for this alg (${kind}: ${messageOf(error)})`,
      });
    }
    return new PortcullisError('ERR_MALFORMED_TOKEN', { reason: `unexpected ${kind} during verification` });
  }
  const reason = `jose ${error.code}: ${error.message}`;
  switch (error.code) {
    case 'ERR_JWT_EXPIRED': {
      const claim = (error as errors.JWTExpired).claim;
      if (claim === 'exp') return new PortcullisError('ERR_TOKEN_EXPIRED', { claim, reason });
      // `iat` older than maxTokenAge: the catalog files token age under invalid claims.
      return new PortcullisError('ERR_CLAIM_INVALID', { claim, reason });
    }
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const { claim, reason: why } = error as errors.JWTClaimValidationFailed;
      if (claim === 'typ') return new PortcullisError('ERR_INVALID_TOKEN_TYPE', { reason });
      if ((claim === 'nbf' || claim === 'iat') && why === 'check_failed') {
        return new PortcullisError('ERR_TOKEN_NOT_YET_VALID', { claim, reason });
      }
      return new PortcullisError('ERR_CLAIM_INVALID', { claim, reason });
    }
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new PortcullisError('ERR_SIGNATURE_INVALID', { reason });
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return new PortcullisError('ERR_ALGORITHM_NOT_ALLOWED', { reason });
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
    case 'ERR_JWK_INVALID':
      return new PortcullisError('ERR_KEY_NOT_FOUND', { reason });
    case 'ERR_JWKS_TIMEOUT':
    case 'ERR_JWKS_INVALID':
      return new PortcullisError('ERR_KEYS_UNAVAILABLE', { reason });
    default:
      return new PortcullisError('ERR_MALFORMED_TOKEN', { reason });
  }
}

/**
 * Maps an error thrown by the key lookup itself. The key resolver throws PortcullisErrors; anything
 * else means the key source could not answer, and a verifier that cannot get keys cannot decide:
 * 503, never a guess (ASVS 16.5.2).
 *
 * @example
 * ```ts
 * try { return await resolver.getKey(header); } catch (e) { throw mapKeySourceError(e); }
 * ```
 */
export function mapKeySourceError(error: unknown): PortcullisError {
  if (error instanceof PortcullisError) return error;
  if (error instanceof errors.JOSEError) {
    const mapped = mapJoseError(error, false);
    // A jose error that is not about keys (should not happen from a key lookup) is still an
    // outage of the key source, not a verdict on the token.
    if (
      mapped.code === 'ERR_KEY_NOT_FOUND' ||
      mapped.code === 'ERR_KEYS_UNAVAILABLE' ||
      mapped.code === 'ERR_ALGORITHM_NOT_ALLOWED'
    ) {
      return mapped;
    }
  }
  const kind = error instanceof Error ? error.name : typeof error;
  // No cause with a message of our choosing only: key-source errors hold no token material, so
  // the original error is kept for the logs.
  return new PortcullisError('ERR_KEYS_UNAVAILABLE', { reason: `key source failed (${kind})`, cause: error });
}

function messageOf(error: unknown): string {
  // Only jose's own key-preparation TypeErrors are quoted; their text is about key types and sizes.
  return error instanceof TypeError ? error.message : 'message withheld';
}
