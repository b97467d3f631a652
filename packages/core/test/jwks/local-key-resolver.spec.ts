// A local JWK Set is checked at creation with the rules of a fetched one (SPEC 169, 170, 173, 66,
// 67) and its keys are imported lazily, once per algorithm.

import { describe, expect, it } from '@jest/globals';
import { compactVerify, CompactSign, exportJWK, generateKeyPair, importJWK } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { PortcullisError } from '../../src/errors/portcullis-error.js';
import { createKeyResolver } from '../../src/jwks/create-key-resolver.js';
import type { KeyResolver } from '../../src/jwks/create-key-resolver.js';

const base = { issuer: 'https://as.example.test', audience: 'https://api.example.test/orders' } as const;

async function keyPair(alg: 'ES256' | 'RS256' | 'PS256' | 'EdDSA' | 'ES384', kid?: string, extra: JWK = {}) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), ...(kid === undefined ? {} : { kid }), ...extra };
  return { publicJwk, privateJwk: { ...(await exportJWK(privateKey)), kid }, privateKey };
}

async function sign(privateKey: CryptoKey, header: { alg: string; kid?: string }): Promise<string> {
  return new CompactSign(new TextEncoder().encode('{"sub":"alice"}')).setProtectedHeader(header).sign(privateKey);
}

async function keyNotFound(resolver: KeyResolver, header: { alg: string; kid?: string }): Promise<string | undefined> {
  try {
    await resolver.getKey(header);
  } catch (error) {
    expect(error).toBeInstanceOf(PortcullisError);
    expect((error as PortcullisError).code).toBe('ERR_KEY_NOT_FOUND');
    return (error as PortcullisError).reason;
  }
  throw new Error('expected ERR_KEY_NOT_FOUND');
}

describe('local key set: validation at creation', () => {
  it('170: refuses a set holding a private key', async () => {
    const { publicJwk, privateJwk } = await keyPair('ES256', 'k1');
    expect(() => createKeyResolver({ ...base, jwks: { keys: [publicJwk, { ...privateJwk, kid: 'k2' }] } })).toThrow(
      /"jwks" is refused: key set member 1 is a private or symmetric key/,
    );
  });

  it('169: refuses a set holding a symmetric key', async () => {
    const { publicJwk } = await keyPair('ES256', 'k1');
    expect(() =>
      createKeyResolver({ ...base, jwks: { keys: [publicJwk, { kty: 'oct', k: 'c2VjcmV0', kid: 'h' }] } }),
    ).toThrow(/private or symmetric/);
  });

  it('173: refuses two members with the same kid', async () => {
    const a = await keyPair('ES256', 'k1');
    const b = await keyPair('RS256', 'k1');
    expect(() => createKeyResolver({ ...base, jwks: { keys: [a.publicJwk, b.publicJwk] } })).toThrow(/share a "kid"/);
  });

  it.each([
    [null, /"jwks" is refused: a JWK Set must be an object with a "keys" array|key source is required/],
    [{}, /"keys" array/],
    [{ keys: {} }, /"keys" array/],
    [{ keys: [null] }, /member 0 is not a JWK with a string "kty"/],
    [{ keys: [{ kty: 1 }] }, /member 0 is not a JWK/],
  ])('refuses the malformed set %j', (jwks, message) => {
    expect(() => createKeyResolver({ ...base, jwks: jwks as never })).toThrow(message);
  });

  it('refuses a set without any key usable for verification, and says why', async () => {
    const { publicJwk } = await keyPair('ES256', 'k1', { use: 'enc' });
    expect(() => createKeyResolver({ ...base, jwks: { keys: [publicJwk] } })).toThrow(
      /holds no key usable for signature verification \("use" is not "sig"\)/,
    );
    expect(() => createKeyResolver({ ...base, jwks: { keys: [] } })).toThrow(/no key usable/);
  });

  it('is not affected by later changes to the configured object', async () => {
    const { publicJwk, privateKey } = await keyPair('ES256', 'k1');
    const jwks = { keys: [{ ...publicJwk }] };
    const resolver = createKeyResolver({ ...base, jwks });
    jwks.keys[0]!.kid = 'changed';
    await compactVerify(await sign(privateKey, { alg: 'ES256', kid: 'k1' }), (h) => resolver.getKey(h));
  });
});

describe('local key set: lookup', () => {
  it('verifies ES256, RS256, PS256 and EdDSA tokens by kid and imports each key once', async () => {
    const es = await keyPair('ES256', 'es');
    const rs = await keyPair('RS256', 'rs'); // no "alg" member: serves RS256 and PS256
    const ed = await keyPair('EdDSA', 'ed');
    const resolver = createKeyResolver({ ...base, jwks: { keys: [es.publicJwk, rs.publicJwk, ed.publicJwk] } });
    expect(resolver.status()).toEqual({ source: 'local', state: 'fresh', keyCount: 3 });

    await compactVerify(await sign(es.privateKey, { alg: 'ES256', kid: 'es' }), (h) => resolver.getKey(h));
    await compactVerify(await sign(ed.privateKey, { alg: 'EdDSA', kid: 'ed' }), (h) => resolver.getKey(h));
    const rsKey = await resolver.getKey({ alg: 'RS256', kid: 'rs' });
    expect(await resolver.getKey({ alg: 'RS256', kid: 'rs' })).toBe(rsKey);
    // The same RSA key (no "alg" member) also verifies PS256, through its own RSA-PSS CryptoKey.
    const psPrivate = (await importJWK(rs.privateJwk, 'PS256')) as CryptoKey;
    await compactVerify(await sign(psPrivate, { alg: 'PS256', kid: 'rs' }), (h) => resolver.getKey(h));
    const psKey = await resolver.getKey({ alg: 'PS256', kid: 'rs' });
    expect(psKey).not.toBe(rsKey);
    expect((psKey as CryptoKey).algorithm.name).toBe('RSA-PSS');
    expect((rsKey as CryptoKey).algorithm.name).toBe('RSASSA-PKCS1-v1_5');
  });

  it('a key pinned by its "alg" serves that algorithm only', async () => {
    const rs = await keyPair('RS256', 'rs', { alg: 'RS256' });
    const resolver = createKeyResolver({ ...base, jwks: { keys: [rs.publicJwk] } });
    await resolver.getKey({ alg: 'RS256', kid: 'rs' });
    expect(await keyNotFound(resolver, { alg: 'PS256', kid: 'rs' })).toMatch(/pinned to another algorithm/);
  });

  it('never returns a key for HS256, none or an algorithm whose key type does not fit', async () => {
    const rs = await keyPair('RS256', 'rs');
    const resolver = createKeyResolver({
      ...base,
      jwks: { keys: [rs.publicJwk] },
      algorithms: ['RS256', 'ES256', 'HS256'],
    });
    await keyNotFound(resolver, { alg: 'HS256', kid: 'rs' });
    await keyNotFound(resolver, { alg: 'none', kid: 'rs' });
    await keyNotFound(resolver, { alg: 'ES256', kid: 'rs' });
    await keyNotFound(resolver, { alg: 'RS384', kid: 'rs' }); // fits the key, but outside the allowlist
  });

  it('66: members with use "enc" or key_ops without "verify" never verify; the other members do', async () => {
    const enc = await keyPair('ES256', 'enc', { use: 'enc' });
    const ops = await keyPair('ES256', 'ops', { key_ops: ['encrypt', 'decrypt'] });
    const badOps = await keyPair('ES256', 'bad-ops', { key_ops: 'verify' as never });
    const ok = await keyPair('ES256', 'ok', { use: 'sig', key_ops: ['verify'] });
    const resolver = createKeyResolver({
      ...base,
      jwks: { keys: [enc.publicJwk, ops.publicJwk, badOps.publicJwk, ok.publicJwk] },
    });
    expect(await keyNotFound(resolver, { alg: 'ES256', kid: 'enc' })).toMatch(/"use" is not "sig"/);
    expect(await keyNotFound(resolver, { alg: 'ES256', kid: 'ops' })).toMatch(/"key_ops"/);
    await keyNotFound(resolver, { alg: 'ES256', kid: 'bad-ops' });
    await compactVerify(await sign(ok.privateKey, { alg: 'ES256', kid: 'ok' }), (h) => resolver.getKey(h));
    expect(resolver.status().keyCount).toBe(1);
  });

  it('67: a token without kid uses the only fitting key; several fitting keys → ERR_KEY_NOT_FOUND', async () => {
    const a = await keyPair('ES256', 'a');
    const b = await keyPair('ES256', 'b');
    const c = await keyPair('ES256', 'c');
    const rs = await keyPair('RS256', 'rs');
    const one = createKeyResolver({ ...base, jwks: { keys: [a.publicJwk, rs.publicJwk] } });
    await compactVerify(await sign(a.privateKey, { alg: 'ES256' }), (h) => one.getKey(h));
    const three = createKeyResolver({ ...base, jwks: { keys: [a.publicJwk, b.publicJwk, c.publicJwk] } });
    expect(await keyNotFound(three, { alg: 'ES256' })).toMatch(/ambiguous/);
    await compactVerify(await sign(b.privateKey, { alg: 'ES256', kid: 'b' }), (h) => three.getKey(h));
  });

  it('a member without kid never matches a token that names a kid', async () => {
    const a = await keyPair('ES256');
    const resolver = createKeyResolver({ ...base, jwks: { keys: [a.publicJwk] } });
    await keyNotFound(resolver, { alg: 'ES256', kid: 'a' });
    await resolver.getKey({ alg: 'ES256' });
  });

  it('a member whose point is not on its curve fails to import: ERR_KEY_NOT_FOUND, remembered', async () => {
    const a = await keyPair('ES256', 'a');
    const y = a.publicJwk.y!;
    const broken = { ...a.publicJwk, y: `${y.slice(0, -2)}${y.endsWith('AA') ? 'AB' : 'AA'}` };
    const resolver = createKeyResolver({ ...base, jwks: { keys: [broken] } });
    expect(await keyNotFound(resolver, { alg: 'ES256', kid: 'a' })).toMatch(/could not be imported/);
    expect(await keyNotFound(resolver, { alg: 'ES256', kid: 'a' })).toMatch(/could not be imported/);
  });

  it('freshly generated RSA keys are not mistaken for ROCA keys', async () => {
    const keys = await Promise.all([keyPair('RS256', 'r1'), keyPair('RS256', 'r2'), keyPair('PS256', 'r3')]);
    const resolver = createKeyResolver({ ...base, jwks: { keys: keys.map((k) => k.publicJwk) } });
    expect(resolver.status().keyCount).toBe(3);
  });

  it('reload() is a harmless no-op', async () => {
    const a = await keyPair('ES256', 'a');
    const resolver = createKeyResolver({ ...base, jwks: { keys: [a.publicJwk] } });
    await resolver.reload();
    await resolver.getKey({ alg: 'ES256', kid: 'a' });
  });
});
