import { describe, expect, it } from '@jest/globals';
import { errors } from 'jose';
import { PortcullisError } from '../../src/errors/portcullis-error.js';
import type { PortcullisErrorCode } from '../../src/errors/portcullis-error.js';
import { mapJoseError, mapKeySourceError } from '../../src/internal/map-jose-error.js';

const claimsSet = { sub: 'secret-subject-value', email: 'alice@example.test' };

describe('mapJoseError', () => {
  const table: Array<[string, unknown, boolean, PortcullisErrorCode, string | undefined]> = [
    [
      'JWTExpired exp',
      new errors.JWTExpired('"exp" claim timestamp check failed', claimsSet, 'exp', 'check_failed'),
      true,
      'ERR_TOKEN_EXPIRED',
      'exp',
    ],
    [
      'JWTExpired iat (maxTokenAge)',
      new errors.JWTExpired('too old', claimsSet, 'iat', 'check_failed'),
      true,
      'ERR_CLAIM_INVALID',
      'iat',
    ],
    [
      'nbf check',
      new errors.JWTClaimValidationFailed('nbf', claimsSet, 'nbf', 'check_failed'),
      true,
      'ERR_TOKEN_NOT_YET_VALID',
      'nbf',
    ],
    [
      'iat in the future',
      new errors.JWTClaimValidationFailed('iat', claimsSet, 'iat', 'check_failed'),
      true,
      'ERR_TOKEN_NOT_YET_VALID',
      'iat',
    ],
    [
      'nbf not a number',
      new errors.JWTClaimValidationFailed('nbf', claimsSet, 'nbf', 'invalid'),
      true,
      'ERR_CLAIM_INVALID',
      'nbf',
    ],
    [
      'typ',
      new errors.JWTClaimValidationFailed('typ', claimsSet, 'typ', 'check_failed'),
      true,
      'ERR_INVALID_TOKEN_TYPE',
      undefined,
    ],
    [
      'missing claim',
      new errors.JWTClaimValidationFailed('missing', claimsSet, 'client_id', 'missing'),
      true,
      'ERR_CLAIM_INVALID',
      'client_id',
    ],
    [
      'wrong audience',
      new errors.JWTClaimValidationFailed('aud', claimsSet, 'aud', 'check_failed'),
      true,
      'ERR_CLAIM_INVALID',
      'aud',
    ],
    ['signature', new errors.JWSSignatureVerificationFailed(), true, 'ERR_SIGNATURE_INVALID', undefined],
    ['alg not allowed', new errors.JOSEAlgNotAllowed('alg'), false, 'ERR_ALGORITHM_NOT_ALLOWED', undefined],
    ['not supported', new errors.JOSENotSupported('crit'), false, 'ERR_ALGORITHM_NOT_ALLOWED', undefined],
    ['no matching key', new errors.JWKSNoMatchingKey(), false, 'ERR_KEY_NOT_FOUND', undefined],
    ['multiple keys', new errors.JWKSMultipleMatchingKeys(), false, 'ERR_KEY_NOT_FOUND', undefined],
    ['JWKS timeout', new errors.JWKSTimeout(), false, 'ERR_KEYS_UNAVAILABLE', undefined],
    ['JWKS invalid', new errors.JWKSInvalid('bad set'), false, 'ERR_KEYS_UNAVAILABLE', undefined],
    ['JWS invalid', new errors.JWSInvalid('Invalid Compact JWS'), false, 'ERR_MALFORMED_TOKEN', undefined],
    [
      'JWT invalid',
      new errors.JWTInvalid('JWT Claims Set must be a top-level JSON object'),
      true,
      'ERR_MALFORMED_TOKEN',
      undefined,
    ],
    [
      'key unusable after resolution',
      new TypeError('RS256 requires key modulusLength to be 2048 bits or larger'),
      true,
      'ERR_KEY_NOT_FOUND',
      undefined,
    ],
    [
      'unexpected error before a key',
      new SyntaxError('Unexpected token x in JSON at position 3: {"sub":"alice"'),
      false,
      'ERR_MALFORMED_TOKEN',
      undefined,
    ],
    ['a thrown string', 'boom', false, 'ERR_MALFORMED_TOKEN', undefined],
  ];

  it.each(table)('%s', (_name, error, keyResolved, code, claim) => {
    const mapped = mapJoseError(error, keyResolved);
    expect(mapped).toBeInstanceOf(PortcullisError);
    expect({ code: mapped.code, claim: mapped.claim }).toEqual({ code, claim });
    // Fixed public message; no claim values anywhere, and no cause carrying the claims set.
    expect(mapped.message).not.toMatch(/secret-subject-value|alice/);
    expect(mapped.reason ?? '').not.toMatch(/secret-subject-value|alice/);
    expect(mapped.cause).toBeUndefined();
  });

  it('passes a PortcullisError through unchanged', () => {
    const original = new PortcullisError('ERR_KEYS_UNAVAILABLE');
    expect(mapJoseError(original, false)).toBe(original);
  });
});

describe('mapKeySourceError', () => {
  it('keeps PortcullisErrors, maps jose key errors, and turns anything else into a 503', () => {
    const original = new PortcullisError('ERR_KEY_NOT_FOUND');
    expect(mapKeySourceError(original)).toBe(original);
    expect(mapKeySourceError(new errors.JWKSNoMatchingKey()).code).toBe('ERR_KEY_NOT_FOUND');
    expect(mapKeySourceError(new errors.JWKSTimeout()).code).toBe('ERR_KEYS_UNAVAILABLE');
    const outage = mapKeySourceError(new Error('ECONNRESET'));
    expect({ code: outage.code, status: outage.status, retryAfter: outage.retryAfter }).toEqual({
      code: 'ERR_KEYS_UNAVAILABLE',
      status: 503,
      retryAfter: 30,
    });
    expect(mapKeySourceError(new errors.JWSInvalid('x')).code).toBe('ERR_KEYS_UNAVAILABLE');
  });
});
