import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import type { JWTPayload } from 'jose';
import { PortcullisError } from '../../src/errors/portcullis-error.js';
import { checkJwtClaimsSet, jwtClaimRules } from '../../src/internal/check-jwt-claims-set.js';
import { NOW, T_FIXED, expectCode, makeVerifier } from '../token/support/verifier-under-test.js';

// The claims-set checks that replaced jose's jwtVerify, at the exact edges jose uses:
// exp <= now − tolerance is expired, an age beyond maxTokenAge + tolerance is too old, and with
// maxTokenAge an iat beyond now + tolerance is "not yet valid". The verifier re-checks times
// after this layer, so these edges are pinned on the function itself (its errors decide which
// refusal a token with several defects gets) and, where the verifier shows them, through it.

const ISS = 'https://issuer.example.test';
const AUD = 'https://api.example.test/orders';

function rules(extra: { clockTolerance?: number; maxTokenAge?: number } = {}) {
  return jwtClaimRules({
    issuer: ISS,
    audience: [AUD],
    audienceClaim: 'aud',
    requiredClaims: ['iss', 'aud', 'exp', 'iat'],
    clockTolerance: extra.clockTolerance ?? 5,
    maxTokenAge: extra.maxTokenAge,
  });
}

function outcome(claims: JWTPayload, r: ReturnType<typeof rules>, now = NOW): string {
  try {
    checkJwtClaimsSet(claims, r, now);
    return 'ok';
  } catch (error) {
    if (!(error instanceof PortcullisError)) throw error;
    return `${error.code}:${error.claim ?? ''}`;
  }
}

const base = (extra: JWTPayload = {}): JWTPayload => ({ iss: ISS, aud: AUD, iat: NOW, exp: NOW + 300, ...extra });

describe('checkJwtClaimsSet — jose edges', () => {
  it('exp: expired exactly at now − tolerance, valid one second later', () => {
    expect(outcome(base({ exp: NOW - 5 }), rules())).toBe('ERR_TOKEN_EXPIRED:exp');
    expect(outcome(base({ exp: NOW - 4 }), rules())).toBe('ok');
    expect(outcome(base({ exp: NOW }), rules({ clockTolerance: 0 }))).toBe('ERR_TOKEN_EXPIRED:exp');
  });

  it('nbf: not yet valid beyond now + tolerance only', () => {
    expect(outcome(base({ nbf: NOW + 5 }), rules())).toBe('ok');
    expect(outcome(base({ nbf: NOW + 6 }), rules())).toBe('ERR_TOKEN_NOT_YET_VALID:nbf');
  });

  it('maxTokenAge: the age may exceed it by the tolerance, not more', () => {
    const r = rules({ maxTokenAge: 60 });
    expect(outcome(base({ iat: NOW - 65 }), r)).toBe('ok');
    expect(outcome(base({ iat: NOW - 66 }), r)).toBe('ERR_CLAIM_INVALID:iat');
  });

  it('maxTokenAge: an iat beyond now + tolerance is not yet valid (decided in this layer, as by jose)', () => {
    const r = rules({ maxTokenAge: 60 });
    expect(outcome(base({ iat: NOW + 5 }), r)).toBe('ok');
    expect(outcome(base({ iat: NOW + 6 }), r)).toBe('ERR_TOKEN_NOT_YET_VALID:iat');
    // Without maxTokenAge jose does not look at iat here (the verifier's own time checks do).
    expect(outcome(base({ iat: NOW + 6 }), rules())).toBe('ok');
  });
});

describe('through the verifier (first sight, no cache)', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer({ serve: 'none', now: T_FIXED });
  });
  afterAll(() => issuer.close());

  it('maxTokenAge + clockTolerance is the oldest accepted token on its first verification', async () => {
    const token = await issuer.token({}, { expiresIn: 3600 });
    const verifier = (): ReturnType<typeof makeVerifier> =>
      makeVerifier({ ...issuer.verifierOptions(), maxTokenAge: 60, clockTolerance: 5, cache: false });
    issuer.clock.freeze(T_FIXED + 65_000);
    await expect(verifier().verify(token)).resolves.toMatchObject({ cached: false });
    issuer.clock.freeze(T_FIXED + 66_000);
    await expectCode(verifier().verify(token), 'ERR_CLAIM_INVALID', { claim: 'iat' });
    issuer.clock.freeze(T_FIXED);
  });
});
