import { webcrypto } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import type { CryptoKey } from 'jose';
import { PortcullisError } from '../../src/errors/portcullis-error.js';
import { signatureKey, verifySignature } from '../../src/internal/jws-signature.js';
import { T_FIXED, expectCode, makeVerifier, segments } from '../token/support/verifier-under-test.js';

// The node:crypto signature path keeps every key check jose made on a CryptoKey (usage, algorithm
// binding, hash, curve, RSA modulus size) and the exact signature length RFC 8017 requires. The key
// resolvers never hand out such keys, so these are checked on the function itself, with CryptoKeys
// made for the purpose; the last case goes through the verifier with a real token.

const subtle = webcrypto.subtle;

async function publicKey(algorithm: webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams): Promise<CryptoKey> {
  const pair = (await subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  return pair.publicKey as unknown as CryptoKey;
}

function refusal(run: () => unknown): PortcullisError {
  try {
    run();
  } catch (error) {
    if (error instanceof PortcullisError) return error;
    throw error;
  }
  throw new Error('expected signatureKey to refuse the key');
}

const rsa = (name: 'RSASSA-PKCS1-v1_5' | 'RSA-PSS', hash: string, modulusLength = 2048) => ({
  name,
  hash,
  modulusLength,
  publicExponent: new Uint8Array([1, 0, 1]),
});

describe('signatureKey — the key checks jose made', () => {
  it('accepts a fitting key (positive control)', async () => {
    const key = await publicKey(rsa('RSASSA-PKCS1-v1_5', 'SHA-256'));
    expect(signatureKey(key, 'RS256').rsaBytes).toBe(256);
    const ec = await publicKey({ name: 'ECDSA', namedCurve: 'P-256' });
    expect(signatureKey(ec, 'ES256').scheme.name).toBe('ECDSA');
  });

  it('refuses an RSA modulus under 2048 bits', async () => {
    const key = await publicKey(rsa('RSASSA-PKCS1-v1_5', 'SHA-256', 1024));
    expect(refusal(() => signatureKey(key, 'RS256')).code).toBe('ERR_KEY_NOT_FOUND');
    const pss = await publicKey(rsa('RSA-PSS', 'SHA-256', 1536));
    expect(refusal(() => signatureKey(pss, 'PS256')).code).toBe('ERR_KEY_NOT_FOUND');
  });

  it('refuses a key whose usages do not include "verify"', async () => {
    const key = await publicKey(rsa('RSASSA-PKCS1-v1_5', 'SHA-256'));
    const spki = await subtle.exportKey('spki', key as unknown as webcrypto.CryptoKey);
    const noUsage = (await subtle.importKey(
      'spki',
      spki,
      rsa('RSASSA-PKCS1-v1_5', 'SHA-256'),
      true,
      [],
    )) as unknown as CryptoKey;
    expect(noUsage.usages).toEqual([]);
    expect(refusal(() => signatureKey(noUsage, 'RS256')).code).toBe('ERR_KEY_NOT_FOUND');
  });

  it('refuses an RSA key bound to another hash or another padding', async () => {
    const sha384 = await publicKey(rsa('RSASSA-PKCS1-v1_5', 'SHA-384'));
    expect(refusal(() => signatureKey(sha384, 'RS256')).code).toBe('ERR_KEY_NOT_FOUND');
    expect(signatureKey(sha384, 'RS384').rsaBytes).toBe(256);
    const pss = await publicKey(rsa('RSA-PSS', 'SHA-256'));
    expect(refusal(() => signatureKey(pss, 'RS256')).code).toBe('ERR_KEY_NOT_FOUND');
    const pkcs1 = await publicKey(rsa('RSASSA-PKCS1-v1_5', 'SHA-256'));
    expect(refusal(() => signatureKey(pkcs1, 'PS256')).code).toBe('ERR_KEY_NOT_FOUND');
  });

  it('refuses an EC key on another curve', async () => {
    const p384 = await publicKey({ name: 'ECDSA', namedCurve: 'P-384' });
    expect(refusal(() => signatureKey(p384, 'ES256')).code).toBe('ERR_KEY_NOT_FOUND');
    const p256 = await publicKey({ name: 'ECDSA', namedCurve: 'P-256' });
    expect(refusal(() => signatureKey(p256, 'ES384')).code).toBe('ERR_KEY_NOT_FOUND');
  });
});

describe('verifySignature — exact RSA signature length (RFC 8017 §8.1.2 step 1)', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer({ serve: 'none', now: T_FIXED, algorithms: ['PS256'] });
  });
  afterAll(() => issuer.close());

  it('a PS256 signature with its leading zero byte dropped is refused (OpenSSL alone would accept it)', async () => {
    // PSS is randomised: mint until a signature starts with 0x00 (1 in 256; bounded).
    let token: string | undefined;
    for (let i = 0; i < 4096 && token === undefined; i++) {
      const candidate = await issuer.token({ jti: `pss-${i}` }, { alg: 'PS256' });
      if (Buffer.from(segments(candidate)[2], 'base64url')[0] === 0) token = candidate;
    }
    if (token === undefined) throw new Error('no PS256 signature with a leading zero byte in 4096 tries');
    const [h, p, s] = segments(token);
    const stripped = Buffer.from(s, 'base64url').subarray(1);
    expect(stripped.length).toBe(255);
    const verifier = makeVerifier({ ...issuer.verifierOptions(), algorithms: ['PS256'] });
    await expect(verifier.verify(token)).resolves.toBeDefined();
    // Another string for the same signed token (another hash: cache, logs, audit) must not verify.
    await expectCode(verifier.verify(`${h}.${p}.${stripped.toString('base64url')}`), 'ERR_SIGNATURE_INVALID');

    const key = (await verifierKey(issuer)) as CryptoKey;
    const ready = signatureKey(key, 'PS256');
    const input = Buffer.from(`${h}.${p}`, 'latin1');
    expect(verifySignature(ready, input, Buffer.from(s, 'base64url'))).toBe(true);
    expect(verifySignature(ready, input, stripped)).toBe(false);
  });
});

async function verifierKey(issuer: TestIssuer): Promise<unknown> {
  const jwk = issuer.jwks.keys.find((k) => k.alg === 'PS256')!;
  return subtle.importKey('jwk', jwk as webcrypto.JsonWebKey, { name: 'RSA-PSS', hash: 'SHA-256' }, true, ['verify']);
}
