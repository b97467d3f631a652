// Each bad-token preset must be wrong in exactly the way its name says and valid in every other
// way: core's real verifier rejects it with the defaults, for that reason, and accepts it once
// that one check is relaxed (or the clock moved so the one time claim is in range). A preset with
// a second defect would still be rejected by the relaxed verifier, so a verifier that skips the
// check the preset is named after would be reported as "safe" for the wrong reason.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAccessTokenVerifier, PortcullisError } from '@portcullis/core';
import type { VerifierOptions } from '@portcullis/core';
import { decodeJwt, decodeProtectedHeader, EmbeddedJWK, importJWK, jwtVerify, UnsecuredJWT } from 'jose';
import type { JWTVerifyOptions } from 'jose';
import { KeyObject } from 'node:crypto';
import { createTestIssuer } from '../src/index.js';
import type { BadTokenKind, SigningAlgorithm, TestIssuer } from '../src/index.js';

const T0 = Date.parse('2030-01-01T00:00:00Z');

async function rejection(promise: Promise<unknown>): Promise<PortcullisError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PortcullisError) return error;
    throw error;
  }
  throw new Error('expected a rejection, got a verified token');
}

describe('each bad token has exactly its one defect', () => {
  let issuer: TestIssuer;
  const options = (extra: Partial<VerifierOptions> = {}): VerifierOptions => ({
    ...issuer.verifierOptions(),
    jwks: issuer.jwks, // a snapshot taken after minting (serve: 'none')
    cache: false,
    ...extra,
  });
  const verify = (token: string, extra: Partial<VerifierOptions> = {}) =>
    createAccessTokenVerifier(options(extra)).verify(token);
  /** jose's claim checks with the issuer's values, for presets core cannot be told to accept. */
  const claimsOk = (): JWTVerifyOptions => ({
    issuer: issuer.issuer,
    audience: issuer.audience,
    typ: 'at+jwt',
    requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub', 'jti', 'client_id'],
    currentDate: new Date(issuer.clock.now()),
  });

  beforeAll(async () => {
    issuer = await createTestIssuer({ serve: 'none', now: T0 });
  });
  afterAll(() => issuer.close());

  it('control: a plain token verifies with the defaults', async () => {
    await expect(verify(await issuer.token())).resolves.toBeDefined();
  });

  // kind → [code with the defaults, claim in details (if any), the one relaxation that accepts it]
  const relaxable: [BadTokenKind, string, string | undefined, () => Partial<VerifierOptions>][] = [
    // Time presets: move the verifier's clock (not its tolerance) so that only the named claim moves into range.
    ['expired', 'ERR_TOKEN_EXPIRED', undefined, () => ({ now: () => T0 - 3700_000 })],
    ['not-yet-valid', 'ERR_TOKEN_NOT_YET_VALID', undefined, () => ({ now: () => T0 + 700_000 })],
    ['issued-in-future', 'ERR_TOKEN_NOT_YET_VALID', 'iat', () => ({ now: () => T0 + 650_000 })],
    ['wrong-issuer', 'ERR_CLAIM_INVALID', 'iss', () => ({ issuer: 'https://evil.example.test' })],
    ['wrong-audience', 'ERR_CLAIM_INVALID', 'aud', () => ({ audience: 'https://other-api.example.test/' })],
    ['wrong-typ', 'ERR_INVALID_TOKEN_TYPE', undefined, () => ({ typ: 'JWT' })],
    ['missing-typ', 'ERR_INVALID_TOKEN_TYPE', undefined, () => ({ typ: false })],
    [
      'missing-claim:jti',
      'ERR_CLAIM_INVALID',
      'jti',
      () => ({ requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub', 'client_id'] }),
    ],
    [
      'missing-claim:client_id',
      'ERR_CLAIM_INVALID',
      'client_id',
      () => ({ requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub', 'jti'] }),
    ],
    ['oversized', 'ERR_MALFORMED_TOKEN', undefined, () => ({ maxTokenSize: 16 * 1024 })],
    ['long-lived', 'ERR_CLAIM_INVALID', 'exp', () => ({ maxTokenLifetime: 11 * 365 * 86_400 })],
    ['disallowed-alg', 'ERR_ALGORITHM_NOT_ALLOWED', undefined, () => ({ algorithms: ['ES256', 'ES512'] })],
    [
      'unknown-kid',
      'ERR_KEY_NOT_FOUND',
      undefined,
      // The same ES256 key, published under the token's kid: the only difference is the kid.
      () => ({ jwks: { keys: issuer.jwks.keys.map((k) => (k.kid === 'es256-1' ? { ...k, kid: lastKid } : k)) } }),
    ],
  ];
  let lastKid = '';

  it.each(relaxable)(
    '%s: refused with %s by default, accepted once only that check is relaxed',
    async (kind, code, claim, relax) => {
      const token = await issuer.badToken(kind);
      lastKid = String(decodeProtectedHeader(token).kid);
      const error = await rejection(verify(token));
      expect(error.code).toBe(code);
      if (claim !== undefined) expect(error.claim).toBe(claim);
      await expect(verify(token, relax())).resolves.toBeDefined();
    },
  );

  it('alg-none: the claims and typ are valid; only the missing signature is wrong', async () => {
    const token = await issuer.badToken('alg-none');
    expect((await rejection(verify(token))).status).toBe(401);
    expect(() => UnsecuredJWT.decode(token, claimsOk())).not.toThrow();
  });

  it('hs-rs-confusion: valid claims under the HMAC the confused verifier computes', async () => {
    const token = await issuer.badToken('hs-rs-confusion');
    expect((await rejection(verify(token))).code).toBe('ERR_ALGORITHM_NOT_ALLOWED');
    const rsa = await importJWK(
      issuer.jwks.keys.find((k) => k.kid === 'rs256-1')!,
      'RS256',
    );
    const pem = KeyObject.from(rsa as never).export({ type: 'spki', format: 'pem' }) as string;
    await expect(
      jwtVerify(token, new TextEncoder().encode(pem), { ...claimsOk(), algorithms: ['HS256'] }),
    ).resolves.toBeDefined();
  });

  it('embedded-jwk / jku: valid claims under the untrusted key that signed them', async () => {
    const embedded = await issuer.badToken('embedded-jwk');
    expect((await rejection(verify(embedded))).status).toBe(401);
    await expect(jwtVerify(embedded, EmbeddedJWK, claimsOk())).resolves.toBeDefined();
    const jku = await issuer.badToken('jku');
    expect((await rejection(verify(jku))).status).toBe(401);
    const untrusted = await importJWK(decodeProtectedHeader(embedded).jwk!, 'ES256');
    await expect(jwtVerify(jku, untrusted, claimsOk())).resolves.toBeDefined();
  });

  it('crit: valid once the extension is understood', async () => {
    const token = await issuer.badToken('crit');
    expect((await rejection(verify(token))).status).toBe(401);
    const es256 = await importJWK(
      issuer.jwks.keys.find((k) => k.kid === 'es256-1')!,
      'ES256',
    );
    await expect(jwtVerify(token, es256, { ...claimsOk(), crit: { 'exp-ext': true } })).resolves.toBeDefined();
  });

  it('tampered-payload / tampered-signature: the claims themselves are valid', async () => {
    for (const kind of ['tampered-payload', 'tampered-signature'] as const) {
      const token = await issuer.badToken(kind);
      expect((await rejection(verify(token))).code).toBe('ERR_SIGNATURE_INVALID');
      expect(decodeJwt(token)).toMatchObject({ iss: issuer.issuer, aud: issuer.audience, exp: T0 / 1000 + 300 });
    }
  });
});

describe('disallowed-alg against a verifier that already holds the key set', () => {
  let issuer: TestIssuer;
  afterAll(() => issuer?.close());

  it('is refused only for its algorithm when the issuer serves ES512 from the start', async () => {
    issuer = await createTestIssuer({ algorithms: ['ES256', 'RS256', 'EdDSA', 'ES512'], now: T0 });
    // Core's defaults refuse it for the algorithm; a verifier that allows ES512 (as one without an
    // allowlist would) accepts it although it cached the key set before the token was minted.
    const strict = createAccessTokenVerifier(issuer.verifierOptions());
    const lenient = createAccessTokenVerifier({ ...issuer.verifierOptions(), algorithms: ['ES256', 'ES512'] });
    await expect(strict.verify(await issuer.token())).resolves.toBeDefined();
    await expect(lenient.verify(await issuer.token())).resolves.toBeDefined();
    const token = await issuer.badToken('disallowed-alg');
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES512', kid: 'es512-1' });
    expect((await rejection(strict.verify(token))).code).toBe('ERR_ALGORITHM_NOT_ALLOWED');
    await expect(lenient.verify(token)).resolves.toBeDefined();
    expect(issuer.jwksServer.fetchCount).toBe(2);
  });

  it('without ES512 in algorithms its key appears only on first use: a cached key set does not know it yet (documented)', async () => {
    await issuer.close();
    issuer = await createTestIssuer({ now: T0 });
    const lenient = createAccessTokenVerifier({ ...issuer.verifierOptions(), algorithms: ['ES256', 'ES512'] });
    await expect(lenient.verify(await issuer.token())).resolves.toBeDefined();
    const token = await issuer.badToken('disallowed-alg');
    // Refused for an unknown kid within the refetch cooldown, not for its algorithm.
    expect((await rejection(lenient.verify(token))).code).toBe('ERR_KEY_NOT_FOUND');
  });
});

describe('embedded-jwk and jku follow the issuer algorithm', () => {
  // An API that allows RS256 only must refuse these for the header key / key URL, not for the
  // algorithm: with an ES256 attacker key, an RS256-only verifier that trusts the embedded key
  // would still look safe.
  it.each<[SigningAlgorithm, string[]]>([
    ['RS256', ['e', 'kty', 'n']],
    ['EdDSA', ['crv', 'kty', 'x']],
    ['ES384', ['crv', 'kty', 'x', 'y']],
  ])('%s-only issuer', async (alg, members) => {
    const issuer = await createTestIssuer({ serve: 'none', algorithms: [alg], now: T0 });
    try {
      const claims: JWTVerifyOptions = {
        issuer: issuer.issuer,
        audience: issuer.audience,
        typ: 'at+jwt',
        algorithms: [alg],
        currentDate: new Date(T0),
      };
      const embedded = await issuer.badToken('embedded-jwk');
      const header = decodeProtectedHeader(embedded);
      expect(header.alg).toBe(alg);
      expect(Object.keys(header.jwk!).sort()).toEqual(members);
      await expect(jwtVerify(embedded, EmbeddedJWK, claims)).resolves.toBeDefined();
      const jku = await issuer.badToken('jku');
      expect(decodeProtectedHeader(jku)).toMatchObject({ alg, kid: `untrusted-${alg.toLowerCase()}` });
      await expect(jwtVerify(jku, await importJWK(header.jwk!, alg), claims)).resolves.toBeDefined();
      const verifier = createAccessTokenVerifier({ ...issuer.verifierOptions(), algorithms: [alg] });
      // Core refuses both header members outright; the reason names the member, not the algorithm.
      expect((await rejection(verifier.verify(embedded))).reason).toMatch(/"jwk"/);
      expect((await rejection(verifier.verify(jku))).reason).toMatch(/"jku"/);
    } finally {
      await issuer.close();
    }
  });
});
