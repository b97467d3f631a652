// Individually configured public keys: PEM (SPKI or X.509 certificate, with its alg) or JWK.
// Private keys, PKCS#1 PEMs and symmetric JWKs are refused at creation.

import { readFileSync } from 'node:fs';
import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { CompactSign, compactVerify, exportJWK, exportPKCS8, exportSPKI, generateKeyPair, importSPKI } from 'jose';
import type { CryptoKey } from 'jose';
import type { PortcullisError } from '../../src/errors/portcullis-error.js';
import { createKeyResolver } from '../../src/jwks/create-key-resolver.js';
import { createAccessTokenVerifier } from '../../src/token/create-access-token-verifier.js';
import type { KeyResolver } from '../../src/jwks/create-key-resolver.js';
import type { StaticKey } from '../../src/token/verifier-options.js';

const base = { issuer: 'https://as.example.test', audience: 'https://api.example.test/orders' } as const;
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

async function pair(alg: 'ES256' | 'RS256' | 'EdDSA') {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { publicKey, privateKey, spki: await exportSPKI(publicKey), jwk: await exportJWK(publicKey) };
}

async function sign(privateKey: CryptoKey, header: { alg: string; kid?: string }): Promise<string> {
  return new CompactSign(new TextEncoder().encode('{"sub":"alice"}')).setProtectedHeader(header).sign(privateKey);
}

const staticResolver = (keys: StaticKey[], algorithms?: string[]) =>
  createKeyResolver({ ...base, keys, ...(algorithms === undefined ? {} : { algorithms }) });

async function notFound(resolver: KeyResolver, header: { alg: string; kid?: string }): Promise<PortcullisError> {
  try {
    await resolver.getKey(header);
  } catch (error) {
    expect((error as PortcullisError).code).toBe('ERR_KEY_NOT_FOUND');
    return error as PortcullisError;
  }
  throw new Error('expected ERR_KEY_NOT_FOUND');
}

describe('static keys: PEM', () => {
  it('verifies with an SPKI public key for its alg only', async () => {
    const es = await pair('ES256');
    const resolver = staticResolver([{ kind: 'pem', pem: es.spki, alg: 'ES256', kid: 'k1' }]);
    expect(resolver.status()).toEqual({ source: 'static', state: 'fresh', keyCount: 1 });
    await compactVerify(await sign(es.privateKey, { alg: 'ES256', kid: 'k1' }), (h) => resolver.getKey(h));
    await notFound(resolver, { alg: 'ES384', kid: 'k1' });
    await notFound(resolver, { alg: 'HS256', kid: 'k1' });
    expect(await resolver.getKey({ alg: 'ES256', kid: 'k1' })).toBe(await resolver.getKey({ alg: 'ES256', kid: 'k1' }));
  });

  it('imports the public key of an X.509 certificate', async () => {
    const resolver = staticResolver([{ kind: 'pem', pem: fixture('es256-certificate.pem'), alg: 'ES256' }]);
    const key = (await resolver.getKey({ alg: 'ES256' })) as CryptoKey;
    const expected = await importSPKI(fixture('es256-certificate.pubkey.pem'), 'ES256', { extractable: true });
    expect(await exportJWK(key)).toEqual(await exportJWK(expected));
  });

  it('refuses private keys, PKCS#1 and other PEMs at creation', async () => {
    const rs = await pair('RS256');
    const pkcs8 = await exportPKCS8(rs.privateKey);
    expect(() => staticResolver([{ kind: 'pem', pem: pkcs8, alg: 'RS256' }])).toThrow(
      /"keys\[0\]".pem is a private key; configure the public key/,
    );
    const pkcs1 = createPublicKey(rs.spki).export({ type: 'pkcs1', format: 'pem' }) as string;
    expect(() => staticResolver([{ kind: 'pem', pem: pkcs1, alg: 'RS256' }])).toThrow(/is PKCS#1; convert it to SPKI/);
    expect(() => staticResolver([{ kind: 'pem', pem: 'not a pem', alg: 'RS256' }])).toThrow(
      /must start with "-----BEGIN PUBLIC KEY-----"/,
    );
    expect(() =>
      staticResolver([
        { kind: 'pem', pem: '-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----', alg: 'ES256' },
      ]),
    ).toThrow(/private key/);
  });

  it('refuses a missing, symmetric or non-allowlisted alg, and bad kids', async () => {
    const es = await pair('ES256');
    expect(() => staticResolver([{ kind: 'pem', pem: es.spki, alg: 'HS256' }])).toThrow(
      /must be an asymmetric JWS algorithm/,
    );
    expect(() => staticResolver([{ kind: 'pem', pem: es.spki } as never])).toThrow(
      /must be an asymmetric JWS algorithm/,
    );
    expect(() => staticResolver([{ kind: 'pem', pem: es.spki, alg: 'ES256' }], ['RS256'])).toThrow(
      /"ES256" is not in "algorithms"/,
    );
    expect(() => staticResolver([{ kind: 'pem', pem: es.spki, alg: 'ES256', kid: '' }])).toThrow(
      /kid must be a non-empty string/,
    );
    expect(() =>
      staticResolver([
        { kind: 'pem', pem: es.spki, alg: 'ES256', kid: 'same' },
        { kind: 'pem', pem: es.spki, alg: 'ES256', kid: 'same' },
      ]),
    ).toThrow(/repeats a "kid"/);
  });

  it('a PEM whose key does not fit its alg fails at first use (ERR_KEY_NOT_FOUND) and shows in status()', async () => {
    const rs = await pair('RS256');
    const resolver = staticResolver([{ kind: 'pem', pem: rs.spki, alg: 'ES256', kid: 'k1' }]);
    await notFound(resolver, { alg: 'ES256', kid: 'k1' });
    expect(resolver.status()).toEqual({ source: 'static', state: 'unavailable', keyCount: 0 });
  });

  it('a PEM with public exponent 1 is never used: a forged RS256 token (signature = padded message) is refused', async () => {
    // e = 1 makes RSA the identity: the PKCS#1 v1.5 encoding of any message is its own valid
    // signature. WebCrypto and OpenSSL import and use such a key; the key checks must refuse it.
    const { n } = (await pair('RS256')).jwk;
    const weak = createPublicKey({ key: { kty: 'RSA', n: n!, e: 'AQ' }, format: 'jwk' });
    const pem = weak.export({ type: 'spki', format: 'pem' }).toString();
    const now = Math.floor(Date.now() / 1000);
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', kid: 'weak' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({
        iss: base.issuer,
        aud: base.audience,
        sub: 'mallory',
        client_id: 'c',
        jti: 'j',
        iat: now,
        exp: now + 60,
      }),
    ).toString('base64url');
    const digestInfo = Buffer.concat([
      Buffer.from('3031300d060960864801650304020105000420', 'hex'),
      createHash('sha256').update(`${header}.${payload}`).digest(),
    ]);
    const encoded = Buffer.concat([
      Buffer.from([0x00, 0x01]),
      Buffer.alloc(256 - 3 - digestInfo.length, 0xff),
      Buffer.from([0x00]),
      digestInfo,
    ]);
    // The forgery is real: OpenSSL accepts it under the weak key.
    expect(nodeVerify('sha256', Buffer.from(`${header}.${payload}`), weak, encoded)).toBe(true);
    const forged = `${header}.${payload}.${encoded.toString('base64url')}`;

    const keys: StaticKey[] = [{ kind: 'pem', pem, alg: 'RS256', kid: 'weak' }];
    const resolver = staticResolver(keys, ['RS256']);
    await notFound(resolver, { alg: 'RS256', kid: 'weak' });
    expect(resolver.status()).toEqual({ source: 'static', state: 'unavailable', keyCount: 0 });
    const verifier = createAccessTokenVerifier({ ...base, keys, algorithms: ['RS256'] });
    await expect(verifier.verify(forged)).rejects.toMatchObject({ code: 'ERR_KEY_NOT_FOUND' });
  });
});

describe('static keys: JWK', () => {
  it('verifies with a public JWK; without "alg" it serves every algorithm its type fits', async () => {
    const rs = await pair('RS256');
    const resolver = staticResolver([{ kind: 'jwk', jwk: { ...rs.jwk, kid: 'rs' } }]);
    await compactVerify(await sign(rs.privateKey, { alg: 'RS256', kid: 'rs' }), (h) => resolver.getKey(h));
    const ps = (await resolver.getKey({ alg: 'PS256', kid: 'rs' })) as CryptoKey;
    expect(ps.algorithm.name).toBe('RSA-PSS');
    await notFound(resolver, { alg: 'ES256', kid: 'rs' });
  });

  it('refuses private, symmetric and unusable JWKs at creation', async () => {
    const es = await pair('ES256');
    const privateJwk = await exportJWK(es.privateKey);
    expect(() => staticResolver([{ kind: 'jwk', jwk: privateJwk }])).toThrow(
      /"keys\[0\]".jwk is a private or symmetric key/,
    );
    expect(() => staticResolver([{ kind: 'jwk', jwk: { kty: 'oct', k: 'c2VjcmV0' } }])).toThrow(
      /HS256 secrets go in "secret"/,
    );
    expect(() => staticResolver([{ kind: 'jwk', jwk: { ...es.jwk, use: 'enc' } }])).toThrow(
      /cannot verify signatures: "use" is not "sig"/,
    );
    expect(() => staticResolver([{ kind: 'jwk', jwk: { ...es.jwk, alg: 'ES256' } }], ['RS256'])).toThrow(
      /is not in "algorithms"/,
    );
    expect(() => staticResolver([{ kind: 'jwk', jwk: es.jwk }], ['RS256'])).toThrow(/fits none of the "algorithms"/);
    expect(() => staticResolver([{ kind: 'jwk', jwk: 'x' as never }])).toThrow(/must be a public JWK object/);
    expect(() => staticResolver([{ kind: 'x509' } as never])).toThrow(/kind must be "pem" or "jwk"/);
    expect(() => staticResolver([])).toThrow(/"keys" must be a non-empty array/);
  });
});

describe('static keys: lookup by kid', () => {
  it('a kid-less key answers any kid; a kid match wins; ambiguity is refused (SPEC 67)', async () => {
    const a = await pair('ES256');
    const b = await pair('ES256');
    const c = await pair('ES256');
    const resolver = staticResolver([
      { kind: 'pem', pem: a.spki, alg: 'ES256', kid: 'a' },
      { kind: 'pem', pem: b.spki, alg: 'ES256' },
    ]);
    await compactVerify(await sign(a.privateKey, { alg: 'ES256', kid: 'a' }), (h) => resolver.getKey(h));
    await compactVerify(await sign(b.privateKey, { alg: 'ES256', kid: 'whatever-the-as-calls-it' }), (h) =>
      resolver.getKey(h),
    );
    const error = await notFound(resolver, { alg: 'ES256' });
    expect(error.reason).toMatch(/several configured keys/);

    const two = staticResolver([
      { kind: 'pem', pem: b.spki, alg: 'ES256' },
      { kind: 'pem', pem: c.spki, alg: 'ES256' },
    ]);
    await notFound(two, { alg: 'ES256', kid: 'x' });
  });

  it('a key with a kid does not answer another kid', async () => {
    const a = await pair('EdDSA');
    const resolver = staticResolver([{ kind: 'pem', pem: a.spki, alg: 'EdDSA', kid: 'a' }]);
    await notFound(resolver, { alg: 'EdDSA', kid: 'b' });
    await compactVerify(await sign(a.privateKey, { alg: 'EdDSA' }), (h) => resolver.getKey(h));
  });
});
