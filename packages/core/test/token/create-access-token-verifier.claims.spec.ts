import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import { toHttpResponse } from '../../src/errors/to-http-response.js';
import type { AccessTokenVerifier } from '../../src/token/access-token-verifier.js';
import { NOW, T_FIXED, expectCode, makeVerifier } from './support/verifier-under-test.js';

// SPEC B5 (cases 69–85) at the verifier. Cases 86–89 (scope type and scope matching) belong to the
// principal mapper and requireScopes, not to token verification. The SPEC's leeway of 60 s is
// configured where a case depends on it (this project's default clock tolerance is 5 s).

let issuer: TestIssuer;
let verifier: AccessTokenVerifier;
let es256Kid: string;
beforeAll(async () => {
  issuer = await createTestIssuer({ serve: 'none', now: T_FIXED });
  es256Kid = issuer.jwks.keys.find((k) => k.alg === 'ES256')!.kid!;
  verifier = makeVerifier(issuer.verifierOptions());
});
afterAll(() => issuer.close());

const CHALLENGE = {
  realm: 'orders',
  resourceMetadata: 'https://api.example.test/.well-known/oauth-protected-resource/orders',
};

/** Signs an exact payload text (for values JSON.stringify cannot produce, such as 1e999). */
async function signRaw(payload: string): Promise<string> {
  return issuer.sign({ alg: 'ES256', typ: 'at+jwt', kid: es256Kid }, payload);
}

describe('SPEC B5 — claims', () => {
  it('case 69: no exp → 401 (jose alone would accept it)', async () => {
    const error = await expectCode(verifier.verify(await issuer.badToken('missing-claim:exp')), 'ERR_CLAIM_INVALID', {
      claim: 'exp',
    });
    expect(toHttpResponse(error, CHALLENGE).headers['www-authenticate']).toBe(
      'Bearer realm="orders", error="invalid_token", error_description="The access token claims are invalid", resource_metadata="https://api.example.test/.well-known/oauth-protected-resource/orders"',
    );
    // Even with requiredClaims trimmed, exp cannot be dropped (TypeError at creation, see options tests).
  });

  it('case 70: exp = NOW − 301 with a 60 s leeway → 401 expired', async () => {
    const lenient = makeVerifier({ ...issuer.verifierOptions(), clockTolerance: 60 });
    const error = await expectCode(
      lenient.verify(await issuer.token({ iat: NOW - 600, exp: NOW - 301 })),
      'ERR_TOKEN_EXPIRED',
      { claim: 'exp' },
    );
    expect(toHttpResponse(error, CHALLENGE).headers['www-authenticate']).toBe(
      'Bearer realm="orders", error="invalid_token", error_description="The access token expired", resource_metadata="https://api.example.test/.well-known/oauth-protected-resource/orders"',
    );
    await expectCode(verifier.verify(await issuer.badToken('expired')), 'ERR_TOKEN_EXPIRED');
  });

  it('case 71: exp = NOW − 30 with a 60 s leeway → accepted (positive leeway control)', async () => {
    const lenient = makeVerifier({ ...issuer.verifierOptions(), clockTolerance: 60 });
    await expect(lenient.verify(await issuer.token({ iat: NOW - 300, exp: NOW - 30 }))).resolves.toBeDefined();
    // ...and refused with the default 5 s tolerance.
    await expectCode(verifier.verify(await issuer.token({ iat: NOW - 300, exp: NOW - 30 })), 'ERR_TOKEN_EXPIRED');
  });

  it('exp boundaries follow jose: valid while exp > now − tolerance', async () => {
    await expect(verifier.verify(await issuer.token({ iat: NOW - 100, exp: NOW - 4 }))).resolves.toBeDefined();
    await expectCode(verifier.verify(await issuer.token({ iat: NOW - 100, exp: NOW - 5 })), 'ERR_TOKEN_EXPIRED');
  });

  it('case 72: exp as a string, or an infinite number → 401', async () => {
    await expectCode(verifier.verify(await issuer.token({ exp: '4102444800' })), 'ERR_CLAIM_INVALID', { claim: 'exp' });
    const infinite = `{"iss":${JSON.stringify(issuer.issuer)},"aud":${JSON.stringify(issuer.audience)},"sub":"s","client_id":"c","jti":"j","iat":${NOW},"exp":1e999}`;
    await expectCode(verifier.verify(await signRaw(infinite)), 'ERR_CLAIM_INVALID', { claim: 'exp' });
    await expectCode(verifier.verify(await issuer.token({ iat: '0' })), 'ERR_CLAIM_INVALID', { claim: 'iat' });
    await expectCode(verifier.verify(await issuer.token({ nbf: null })), 'ERR_CLAIM_INVALID', { claim: 'nbf' });
  });

  it('case 72 (variant): an infinite nbf or iat → 401 on that claim (-1e999 would make nbf "always valid")', async () => {
    const raw = (extra: string): string =>
      `{"iss":${JSON.stringify(issuer.issuer)},"aud":${JSON.stringify(issuer.audience)},"sub":"s","client_id":"c","jti":"j","exp":${NOW + 300}${extra}}`;
    // Control: the same payload text with finite values verifies.
    await expect(verifier.verify(await signRaw(raw(`,"iat":${NOW},"nbf":${NOW}`)))).resolves.toBeDefined();
    await expectCode(verifier.verify(await signRaw(raw(`,"iat":${NOW},"nbf":-1e999`))), 'ERR_CLAIM_INVALID', {
      claim: 'nbf',
    });
    await expectCode(verifier.verify(await signRaw(raw(`,"iat":1e999`))), 'ERR_CLAIM_INVALID', { claim: 'iat' });
    await expectCode(verifier.verify(await signRaw(raw(`,"iat":-1e999`))), 'ERR_CLAIM_INVALID', { claim: 'iat' });
  });

  it('case 73 (variant): the lifetime is exp − iat, not exp − now: an old token with a long exp is refused', async () => {
    // Minted 1000 s ago with a lifetime of 86 400 + 500 s: only 85 900 s remain, but it was issued
    // for longer than maxTokenLifetime (86 400 s) allows.
    issuer.clock.freeze(T_FIXED - 1_000_000);
    let token: string;
    let fine: string;
    try {
      token = await issuer.token({}, { expiresIn: 86_400 + 500 });
      fine = await issuer.token({}, { expiresIn: 86_400 });
    } finally {
      issuer.clock.freeze(T_FIXED);
    }
    const fresh = makeVerifier({ ...issuer.verifierOptions(), cache: false });
    await expect(fresh.verify(fine)).resolves.toBeDefined();
    await expectCode(fresh.verify(token), 'ERR_CLAIM_INVALID', { claim: 'exp' });
  });

  it('case 73: exp = NOW + 10 years → 401 (lifetime above maxTokenLifetime)', async () => {
    await expectCode(verifier.verify(await issuer.badToken('long-lived')), 'ERR_CLAIM_INVALID', { claim: 'exp' });
    const hourly = makeVerifier({ ...issuer.verifierOptions(), maxTokenLifetime: 3600 });
    await expect(hourly.verify(await issuer.token({}, { expiresIn: 3600 }))).resolves.toBeDefined();
    await expectCode(hourly.verify(await issuer.token({}, { expiresIn: 3601 })), 'ERR_CLAIM_INVALID', { claim: 'exp' });
    // Without iat (not required here), the remaining lifetime is bounded instead.
    const noIat = makeVerifier({
      ...issuer.verifierOptions(),
      maxTokenLifetime: 3600,
      requiredClaims: ['iss', 'aud', 'exp'],
    });
    await expectCode(noIat.verify(await issuer.token({ iat: undefined, exp: NOW + 7200 })), 'ERR_CLAIM_INVALID', {
      claim: 'exp',
    });
    await expect(noIat.verify(await issuer.token({ iat: undefined, exp: NOW + 600 }))).resolves.toBeDefined();
  });

  it('case 74: nbf = NOW + 600 → 401 not yet valid', async () => {
    const error = await expectCode(verifier.verify(await issuer.badToken('not-yet-valid')), 'ERR_TOKEN_NOT_YET_VALID', {
      claim: 'nbf',
    });
    expect(toHttpResponse(error, CHALLENGE).headers['www-authenticate']).toContain(
      'error_description="The access token is not yet valid"',
    );
    await expect(verifier.verify(await issuer.token({ nbf: NOW + 5 }))).resolves.toBeDefined(); // within tolerance
  });

  it('case 75: iat = NOW + 600 → 401 not yet valid (jose checks it only with maxTokenAge)', async () => {
    await expectCode(verifier.verify(await issuer.badToken('issued-in-future')), 'ERR_TOKEN_NOT_YET_VALID', {
      claim: 'iat',
    });
    const aged = makeVerifier({ ...issuer.verifierOptions(), maxTokenAge: 600 });
    await expectCode(aged.verify(await issuer.badToken('issued-in-future')), 'ERR_TOKEN_NOT_YET_VALID', {
      claim: 'iat',
    });
  });

  it('maxTokenAge: a token issued longer ago than allowed → 401 on iat', async () => {
    const aged = makeVerifier({ ...issuer.verifierOptions(), maxTokenAge: 600 });
    await expect(aged.verify(await issuer.token({ iat: NOW - 600 }))).resolves.toBeDefined();
    await expectCode(aged.verify(await issuer.token({ iat: NOW - 1200, exp: NOW + 60 })), 'ERR_CLAIM_INVALID', {
      claim: 'iat',
    });
  });

  it.each(['iat', 'jti', 'sub', 'client_id', 'iss', 'aud'])('case 76: no %s → 401 naming the claim', async (claim) => {
    await expectCode(verifier.verify(await issuer.badToken(`missing-claim:${claim}`)), 'ERR_CLAIM_INVALID', { claim });
  });

  it('case 77: iss with a trailing slash → 401', async () => {
    await expectCode(verifier.verify(await issuer.token({ iss: `${issuer.issuer}/` })), 'ERR_CLAIM_INVALID', {
      claim: 'iss',
    });
    await expectCode(verifier.verify(await issuer.badToken('wrong-issuer')), 'ERR_CLAIM_INVALID', { claim: 'iss' });
  });

  it('case 78: iss as an array containing ours → 401', async () => {
    await expectCode(
      verifier.verify(await issuer.token({ iss: ['https://evil.test', issuer.issuer] })),
      'ERR_CLAIM_INVALID',
      { claim: 'iss' },
    );
    await expectCode(verifier.verify(await issuer.token({ iss: [issuer.issuer] })), 'ERR_CLAIM_INVALID', {
      claim: 'iss',
    });
  });

  it('case 79: iss in another case, or Unicode look-alike → 401 (code-point comparison)', async () => {
    await expectCode(verifier.verify(await issuer.token({ iss: issuer.issuer.toUpperCase() })), 'ERR_CLAIM_INVALID', {
      claim: 'iss',
    });
    await expectCode(
      verifier.verify(await issuer.token({ iss: issuer.issuer.replace('.', '\uFF0E') })),
      'ERR_CLAIM_INVALID',
      { claim: 'iss' },
    );
    await expectCode(verifier.verify(await issuer.token({ iss: `${issuer.issuer}\u0000` })), 'ERR_CLAIM_INVALID', {
      claim: 'iss',
    });
  });

  it('case 80: no aud → 401', async () => {
    await expectCode(verifier.verify(await issuer.token({ aud: undefined })), 'ERR_CLAIM_INVALID', { claim: 'aud' });
  });

  it('case 81: aud of another API → 401', async () => {
    await expectCode(
      verifier.verify(await issuer.token({ aud: 'https://api.example.test/payments' })),
      'ERR_CLAIM_INVALID',
      { claim: 'aud' },
    );
    await expectCode(verifier.verify(await issuer.badToken('wrong-audience')), 'ERR_CLAIM_INVALID', { claim: 'aud' });
  });

  it('case 82: aud array containing ours → accepted (positive control)', async () => {
    const verified = await verifier.verify(
      await issuer.token({ aud: ['https://api.example.test/payments', issuer.audience] }),
    );
    expect(verified.claims.aud).toEqual(['https://api.example.test/payments', issuer.audience]);
  });

  it('case 83: aud with a trailing slash → 401', async () => {
    await expectCode(verifier.verify(await issuer.token({ aud: `${issuer.audience}/` })), 'ERR_CLAIM_INVALID', {
      claim: 'aud',
    });
  });

  it('case 84: aud = the client id (ID-token style) → 401', async () => {
    await expectCode(verifier.verify(await issuer.token({ aud: 'orders-web' })), 'ERR_CLAIM_INVALID', { claim: 'aud' });
  });

  it('aud arrays must hold strings only, and not be empty', async () => {
    await expectCode(verifier.verify(await issuer.token({ aud: [123, issuer.audience] })), 'ERR_CLAIM_INVALID', {
      claim: 'aud',
    });
    await expectCode(verifier.verify(await issuer.token({ aud: [] })), 'ERR_CLAIM_INVALID', { claim: 'aud' });
  });

  it.each([[''], [123], [null], [['user-alice']], [{}]])('case 85: sub = %j → 401', async (sub) => {
    await expectCode(verifier.verify(await issuer.token({ sub })), 'ERR_CLAIM_INVALID', { claim: 'sub' });
  });

  it.each([
    ['jti', ''],
    ['jti', 7],
    ['client_id', ''],
    ['client_id', ['orders-web']],
  ])('%s = %j → 401', async (claim, value) => {
    await expectCode(verifier.verify(await issuer.token({ [claim]: value })), 'ERR_CLAIM_INVALID', { claim });
  });

  it('__proto__ in the claims is an own property of a frozen object, never the prototype', async () => {
    const raw = `{"iss":${JSON.stringify(issuer.issuer)},"aud":${JSON.stringify(issuer.audience)},"sub":"s","client_id":"c","jti":"j","iat":${NOW},"exp":${NOW + 60},"__proto__":{"roles":["admin"]}}`;
    const { claims } = await verifier.verify(await signRaw(raw));
    expect(Object.getPrototypeOf(claims)).toBe(Object.prototype);
    expect((claims as Record<string, unknown>)['roles']).toBeUndefined();
    expect(({} as Record<string, unknown>)['roles']).toBeUndefined();
  });
});
