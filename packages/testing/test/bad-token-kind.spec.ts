import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  compactVerify,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  EmbeddedJWK,
  importJWK,
  jwtVerify,
} from 'jose';
import type { JWTVerifyOptions } from 'jose';
import { KeyObject } from 'node:crypto';
import { BAD_TOKEN_KINDS, createTestIssuer } from '../src/index.js';
import type { BadTokenKind, TestIssuer } from '../src/index.js';

const T0 = Date.parse('2030-01-01T00:00:00Z');
const NOW = T0 / 1000;
const REQUIRED = ['iss', 'aud', 'exp', 'iat', 'sub', 'jti', 'client_id'];

function segments(token: string): { header: unknown; payload: unknown; signature: string } {
  const [h, p, s] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h!, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(p!, 'base64url').toString()),
    signature: s!,
  };
}

describe('issuer.badToken()', () => {
  let issuer: TestIssuer;
  let strict: (token: string, extra?: Partial<JWTVerifyOptions>) => ReturnType<typeof jwtVerify>;

  beforeAll(async () => {
    issuer = await createTestIssuer({ serve: 'none', now: T0 });
    // A strict RFC 9068 verifier: what each bad token must fail against, for its own reason.
    strict = (token, extra = {}) =>
      jwtVerify(token, createLocalJWKSet(issuer.jwks), {
        issuer: issuer.issuer,
        audience: issuer.audience,
        typ: 'at+jwt',
        algorithms: ['ES256', 'RS256', 'EdDSA', 'PS256'],
        requiredClaims: REQUIRED,
        maxTokenAge: 3600,
        clockTolerance: 5,
        currentDate: new Date(issuer.clock.now()),
        ...extra,
      });
  });
  afterAll(() => issuer.close());

  it('the strict verifier used below accepts a plain token (control)', async () => {
    await expect(strict(await issuer.token())).resolves.toBeDefined();
  });

  it('lists every fixed kind once', () => {
    expect(new Set(BAD_TOKEN_KINDS).size).toBe(BAD_TOKEN_KINDS.length);
    expect(BAD_TOKEN_KINDS).toHaveLength(22);
  });

  it('expired: exp an hour ago', async () => {
    const token = await issuer.badToken('expired');
    expect(decodeJwt(token)).toMatchObject({ iat: NOW - 3900, exp: NOW - 3600 });
    await expect(strict(token)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED', claim: 'exp' });
  });

  it('the defect wins over caller claims', async () => {
    const token = await issuer.badToken('expired', { exp: NOW + 300, sub: 'alice' });
    expect(decodeJwt(token)).toMatchObject({ sub: 'alice', exp: NOW - 3600 });
  });

  it('not-yet-valid: nbf in 10 minutes', async () => {
    const token = await issuer.badToken('not-yet-valid');
    expect(decodeJwt(token)).toMatchObject({ iat: NOW, nbf: NOW + 600, exp: NOW + 900 });
    await expect(strict(token)).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'nbf' });
  });

  it('issued-in-future: iat in 10 minutes', async () => {
    const token = await issuer.badToken('issued-in-future');
    expect(decodeJwt(token)).toMatchObject({ iat: NOW + 600, exp: NOW + 900 });
    expect(decodeJwt(token)).not.toHaveProperty('nbf');
    await expect(strict(token)).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'iat' });
  });

  it('wrong-issuer / wrong-audience', async () => {
    const iss = await issuer.badToken('wrong-issuer');
    expect(decodeJwt(iss).iss).toBe('https://evil.example.test');
    await expect(strict(iss)).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'iss' });
    const aud = await issuer.badToken('wrong-audience');
    expect(decodeJwt(aud).aud).toBe('https://other-api.example.test/');
    await expect(strict(aud)).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' });
  });

  it('wrong-typ / missing-typ', async () => {
    const wrong = await issuer.badToken('wrong-typ');
    expect(decodeProtectedHeader(wrong)).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'es256-1' });
    await expect(strict(wrong)).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'typ' });
    const missing = await issuer.badToken('missing-typ');
    expect(decodeProtectedHeader(missing)).toEqual({ alg: 'ES256', kid: 'es256-1' });
    await expect(strict(missing)).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'typ' });
  });

  it.each(REQUIRED)('missing-claim:%s', async (claim) => {
    const token = await issuer.badToken(`missing-claim:${claim}`);
    const payload = decodeJwt(token);
    expect(payload).not.toHaveProperty(claim);
    expect(Object.keys(payload)).toHaveLength(REQUIRED.length - 1);
    await expect(strict(token)).rejects.toMatchObject({ claim });
  });

  it('missing-claim: needs a name', async () => {
    await expect(issuer.badToken('missing-claim:')).rejects.toThrow(TypeError);
  });

  it('unknown-kid: signed by the ES256 key under a kid the key set does not have', async () => {
    const token = await issuer.badToken('unknown-kid');
    const { kid } = decodeProtectedHeader(token);
    expect(kid).toMatch(/^unknown-/);
    expect(issuer.jwks.keys.map((k) => k.kid)).not.toContain(kid);
    await expect(strict(token)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    const es256 = await importJWK(
      issuer.jwks.keys.find((k) => k.kid === 'es256-1')!,
      'ES256',
    );
    await expect(compactVerify(token, es256)).resolves.toBeDefined();
  });

  it('alg-none: {"alg":"none","typ":"at+jwt"} and an empty signature', async () => {
    const token = await issuer.badToken('alg-none');
    expect(token.endsWith('.')).toBe(true);
    expect(segments(token).header).toEqual({ alg: 'none', typ: 'at+jwt' });
    expect(segments(token).payload).toMatchObject({ iss: issuer.issuer, aud: issuer.audience });
    await expect(strict(token)).rejects.toMatchObject({ code: 'ERR_JOSE_ALG_NOT_ALLOWED' });
  });

  it('hs-rs-confusion: HS256 keyed with the RS256 public key PEM text (a naive HMAC check passes)', async () => {
    const token = await issuer.badToken('hs-rs-confusion');
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'at+jwt', kid: 'rs256-1' });
    const rsa = await importJWK(
      issuer.jwks.keys.find((k) => k.kid === 'rs256-1')!,
      'RS256',
    );
    const pem = KeyObject.from(rsa as never).export({ type: 'spki', format: 'pem' }) as string;
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
    const [h, p, s] = token.split('.');
    expect(createHmac('sha256', pem).update(`${h}.${p}`).digest('base64url')).toBe(s);
    // The vulnerable verifier: accepts HS256 and uses the PEM as a secret.
    await expect(jwtVerify(token, new TextEncoder().encode(pem), { algorithms: ['HS256'] })).resolves.toBeDefined();
    await expect(strict(token)).rejects.toMatchObject({ code: 'ERR_JOSE_ALG_NOT_ALLOWED' });
  });

  it('tampered-payload: sub changed after signing, header and signature kept', async () => {
    const token = await issuer.badToken('tampered-payload', { sub: 'alice' });
    expect(decodeJwt(token).sub).toBe('attacker');
    await expect(strict(token)).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    expect(decodeJwt(await issuer.badToken('tampered-payload', { sub: 'attacker' })).sub).toBe('attacker-2');
  });

  it('tampered-signature: one bit of the signature flipped', async () => {
    const token = await issuer.badToken('tampered-signature');
    const { signature } = segments(token);
    expect(Buffer.from(signature, 'base64url')).toHaveLength(64);
    expect(decodeJwt(token)).toMatchObject({ iss: issuer.issuer });
    await expect(strict(token)).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  it('oversized: over 8 KiB, under 16 KiB, otherwise valid', async () => {
    const token = await issuer.badToken('oversized');
    expect(token.length).toBeGreaterThan(8192);
    expect(token.length).toBeLessThan(10 * 1024);
    await expect(strict(token)).resolves.toBeDefined();
  });

  it('id-token: typ JWT, aud = client id, nonce; no access-token claims', async () => {
    const token = await issuer.badToken('id-token', { client_id: 'orders-web', scope: 'orders:read' });
    expect(decodeProtectedHeader(token)).toMatchObject({ typ: 'JWT' });
    const payload = decodeJwt(token);
    expect(payload).toMatchObject({
      iss: issuer.issuer,
      sub: 'test-user',
      aud: 'orders-web',
      azp: 'orders-web',
      auth_time: NOW,
    });
    expect(typeof payload['nonce']).toBe('string');
    for (const claim of ['client_id', 'scope', 'jti']) expect(payload).not.toHaveProperty(claim);
    await expect(strict(token, { typ: undefined, requiredClaims: ['iss', 'sub', 'exp', 'iat'] })).rejects.toMatchObject(
      { claim: 'aud' },
    );
    await expect(strict(token)).rejects.toMatchObject({ claim: 'typ' });
  });

  it('long-lived: exp ten years after iat, otherwise valid (only a lifetime cap catches it)', async () => {
    const token = await issuer.badToken('long-lived');
    const { iat, exp } = decodeJwt(token);
    expect(exp! - iat!).toBe(10 * 365 * 86400);
    await expect(strict(token)).resolves.toBeDefined();
  });

  it('disallowed-alg: ES512 with a published P-521 key; only the allowlist rejects it', async () => {
    const token = await issuer.badToken('disallowed-alg');
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES512', typ: 'at+jwt', kid: 'es512-1' });
    expect(issuer.jwks.keys.find((k) => k.kid === 'es512-1')).toMatchObject({ kty: 'EC', crv: 'P-521', alg: 'ES512' });
    await expect(strict(token)).rejects.toMatchObject({ code: 'ERR_JOSE_ALG_NOT_ALLOWED' });
    await expect(strict(token, { algorithms: undefined })).resolves.toBeDefined();
    // The same key is reused on the next call.
    expect(decodeProtectedHeader(await issuer.badToken('disallowed-alg')).kid).toBe('es512-1');
  });

  it('embedded-jwk: signed by the key in its own header, which the key set does not hold', async () => {
    const token = await issuer.badToken('embedded-jwk');
    const header = decodeProtectedHeader(token);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt', jwk: { kty: 'EC', crv: 'P-256' } });
    expect(header).not.toHaveProperty('kid');
    expect(issuer.jwks.keys.map((k) => k.x)).not.toContain(header.jwk!.x);
    await expect(jwtVerify(token, EmbeddedJWK)).resolves.toBeDefined();
    await expect(strict(token)).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  it('jku: points at an attacker URL and is signed by an untrusted key', async () => {
    const token = await issuer.badToken('jku');
    expect(decodeProtectedHeader(token)).toEqual({
      alg: 'ES256',
      typ: 'at+jwt',
      kid: 'untrusted-es256',
      jku: 'https://attacker.example.test/jwks.json',
    });
    await expect(strict(token)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });

  it('embedded-jwk and jku use the same untrusted key', async () => {
    const jwk = decodeProtectedHeader(await issuer.badToken('embedded-jwk')).jwk!;
    const jku = await issuer.badToken('jku');
    await expect(compactVerify(jku, await importJWK(jwk, 'ES256'))).resolves.toBeDefined();
  });

  it('crit: an unknown critical extension on an otherwise valid token', async () => {
    const token = await issuer.badToken('crit');
    expect(decodeProtectedHeader(token)).toEqual({
      alg: 'ES256',
      typ: 'at+jwt',
      kid: 'es256-1',
      crit: ['exp-ext'],
      'exp-ext': 1,
    });
    await expect(strict(token)).rejects.toMatchObject({ code: 'ERR_JOSE_NOT_SUPPORTED' });
    await expect(strict(token, { crit: { 'exp-ext': true } })).resolves.toBeDefined();
  });

  it('b64-false: RFC 7797 unencoded payload, validly signed, no "." in the payload', async () => {
    const token = await issuer.badToken('b64-false', { scope: 'orders:read orders:write' });
    const parts = token.split('.');
    expect(parts).toHaveLength(3);
    expect(decodeProtectedHeader(token)).toEqual({
      alg: 'ES256',
      typ: 'at+jwt',
      kid: 'es256-1',
      b64: false,
      crit: ['b64'],
    });
    expect(parts[1]).toMatch(/^\{"iss":/);
    expect(parts[1]).not.toMatch(/[ .]/);
    const claims = JSON.parse(parts[1]!);
    expect(claims).toMatchObject({ iss: issuer.issuer, scope: 'orders:read orders:write' });
    const es256 = await importJWK(
      issuer.jwks.keys.find((k) => k.kid === 'es256-1')!,
      'ES256',
    );
    await expect(compactVerify(token, es256)).resolves.toBeDefined();
    await expect(strict(token)).rejects.toMatchObject({
      code: 'ERR_JWT_INVALID',
      message: 'JWTs MUST NOT use unencoded payload',
    });
  });

  it('array-payload: the claims set wrapped in an array, validly signed', async () => {
    const token = await issuer.badToken('array-payload');
    const { payload } = segments(token);
    expect(Array.isArray(payload)).toBe(true);
    expect((payload as unknown[])[0]).toMatchObject({ iss: issuer.issuer, aud: issuer.audience });
    const es256 = await importJWK(
      issuer.jwks.keys.find((k) => k.kid === 'es256-1')!,
      'ES256',
    );
    await expect(compactVerify(token, es256)).resolves.toBeDefined();
    await expect(strict(token)).rejects.toMatchObject({ code: 'ERR_JWT_INVALID' });
  });

  it('revoked-shape: a plain valid token', async () => {
    const token = await issuer.badToken('revoked-shape', { sub: 'alice' });
    await expect(strict(token)).resolves.toMatchObject({ payload: { sub: 'alice' } });
  });

  it('refuses an unknown kind', async () => {
    await expect(issuer.badToken('nope' as BadTokenKind)).rejects.toThrow(TypeError);
  });

  it('hs-rs-confusion explains a missing RS256 key', async () => {
    const ecOnly = await createTestIssuer({ serve: 'none', algorithms: ['ES256'] });
    await expect(ecOnly.badToken('hs-rs-confusion')).rejects.toThrow(/addKey\('RS256'\)/);
    await ecOnly.close();
  });

  // Every kind except the deliberately valid ones must fail the strict verifier.
  it.each(BAD_TOKEN_KINDS.filter((k) => !['revoked-shape', 'oversized', 'long-lived'].includes(k)))(
    '%s fails a strict verifier',
    async (kind) => {
      await expect(strict(await issuer.badToken(kind))).rejects.toBeDefined();
    },
  );
});
