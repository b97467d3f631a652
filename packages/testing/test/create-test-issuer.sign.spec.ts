import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  compactVerify,
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeProtectedHeader,
  importJWK,
  jwtVerify,
} from 'jose';
import { createTestIssuer } from '../src/index.js';
import type { TestIssuer } from '../src/index.js';

const T0 = Date.parse('2030-01-01T00:00:00Z');

function part(token: string, i: number): string {
  return Buffer.from(token.split('.')[i]!, 'base64url').toString('utf8');
}

describe('issuer.sign()', () => {
  let issuer: TestIssuer;
  let es256: Awaited<ReturnType<typeof importJWK>>;
  beforeAll(async () => {
    issuer = await createTestIssuer({ serve: 'none', now: T0 });
    es256 = await importJWK(
      issuer.jwks.keys.find((k) => k.kid === 'es256-1')!,
      'ES256',
    );
  });
  afterAll(() => issuer.close());

  it('signs an object header and payload with the key named by kid', async () => {
    const token = await issuer.sign({ alg: 'ES256', kid: 'es256-1', typ: 'at+jwt' }, { sub: 'x' });
    expect(part(token, 0)).toBe('{"alg":"ES256","kid":"es256-1","typ":"at+jwt"}');
    const { payload } = await compactVerify(token, es256);
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({ sub: 'x' });
  });

  it('signs non-object JSON payloads and raw string payloads', async () => {
    for (const [value, json] of [
      [null, 'null'],
      [123, '123'],
      [true, 'true'],
      [['a'], '["a"]'],
      ['"x"', '"x"'],
      ['not json at all', 'not json at all'],
    ] as const) {
      const token = await issuer.sign({ alg: 'ES256' }, value);
      expect(part(token, 1)).toBe(json);
      await expect(compactVerify(token, es256)).resolves.toBeDefined();
    }
  });

  it('signs a raw header with duplicate members; the signing key comes from the lexically last alg', async () => {
    const raw = '{"alg":"none","alg":"ES256","typ":"at+jwt","kid":"es256-1"}';
    const token = await issuer.sign(raw, { sub: 'x' });
    expect(part(token, 0)).toBe(raw);
    await expect(compactVerify(token, es256)).resolves.toBeDefined();
  });

  it('signs header bytes that are not valid UTF-8 when told the algorithm', async () => {
    const bytes = new Uint8Array([...Buffer.from('{"alg":"ES256","kid":"k'), 0xc3, 0x28, ...Buffer.from('"}')]);
    const token = await issuer.sign(bytes, { sub: 'x' }, { alg: 'ES256' });
    expect(Buffer.from(token.split('.')[0]!, 'base64url')).toEqual(Buffer.from(bytes));
    const [h, p, s] = token.split('.');
    const { webcrypto } = await import('node:crypto');
    const ok = await webcrypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      es256 as never,
      Buffer.from(s!, 'base64url'),
      Buffer.from(`${h}.${p}`),
    );
    expect(ok).toBe(true);
  });

  it("key 'none' and alg none give an empty signature", async () => {
    expect((await issuer.sign({ alg: 'none' }, {})).endsWith('.')).toBe(true);
    expect((await issuer.sign({ alg: 'nOnE' }, {})).endsWith('.')).toBe(true);
    expect((await issuer.sign({ alg: 'ES256', kid: 'es256-1' }, {}, { key: 'none' })).endsWith('.')).toBe(true);
  });

  it('HMAC keys: hmac:<secret> text and { hmac } bytes', async () => {
    const token = await issuer.sign({ alg: 'HS256', typ: 'at+jwt' }, { sub: 'x' }, { key: 'hmac:secret' });
    const [h, p, s] = token.split('.');
    expect(createHmac('sha256', 'secret').update(`${h}.${p}`).digest('base64url')).toBe(s);
    const empty = await issuer.sign({ alg: 'HS512' }, {}, { key: { hmac: new Uint8Array() } });
    await expect(jwtVerify(empty, new Uint8Array(0), { algorithms: ['HS512'] })).rejects.toBeDefined(); // jose refuses empty keys
    const [h2, p2, s2] = empty.split('.');
    expect(createHmac('sha512', Buffer.alloc(0)).update(`${h2}.${p2}`).digest('base64url')).toBe(s2);
    await expect(issuer.sign({ alg: 'HS256' }, {})).rejects.toThrow(/hmac/);
    await expect(issuer.sign({ alg: 'ES256' }, {}, { key: 'hmac:x' })).rejects.toThrow(/HS256/);
  });

  it('{ kid } signs with that key whatever the header says (alg/key-type mismatch cases)', async () => {
    const token = await issuer.sign(
      { alg: 'ES256', typ: 'at+jwt', kid: 'es256-1' },
      { sub: 'x' },
      { key: { kid: 'rs256-1' } },
    );
    expect(Buffer.from(token.split('.')[2]!, 'base64url')).toHaveLength(256); // an RSA-2048 signature
    await expect(compactVerify(token, es256)).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    await expect(issuer.sign({ alg: 'ES256' }, {}, { key: { kid: 'nope' } })).rejects.toThrow(TypeError);
  });

  it("'untrusted' signs with a stable key that is not published", async () => {
    const a = await issuer.sign({ alg: 'ES256', kid: 'es256-1' }, { sub: 'x' }, { key: 'untrusted' });
    await expect(compactVerify(a, es256)).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    const jwk = decodeProtectedHeader(await issuer.badToken('embedded-jwk')).jwk!;
    await expect(compactVerify(a, await importJWK(jwk, 'ES256'))).resolves.toBeDefined();
  });

  it('b64:false in the header yields an unencoded payload', async () => {
    const token = await issuer.sign({ alg: 'ES256', kid: 'es256-1', b64: false, crit: ['b64'] }, 'hello');
    expect(token.split('.')[1]).toBe('hello');
    await expect(compactVerify(token, es256)).resolves.toBeDefined();
  });

  it('b64:false with a JSON payload stays a three-part compact JWS (the "." of a URL is escaped)', async () => {
    const header = { alg: 'ES256', kid: 'es256-1', b64: false, crit: ['b64'] };
    const claims = { iss: 'https://issuer.example.test', aud: ['a.b', 'ünï'], n: 1 };
    const signed = await issuer.sign(header, claims);
    const viaToken = await issuer.token(claims, { header: { b64: false, crit: ['b64'] } });
    for (const token of [signed, viaToken]) {
      expect(token.split('.')).toHaveLength(3);
      expect(token).toMatch(/^[\x21-\x7e]+$/);
      const { payload } = await compactVerify(token, es256, { crit: { b64: true } } as never);
      expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject(claims);
    }
  });

  it('refuses what it cannot sign', async () => {
    await expect(issuer.sign({}, {})).rejects.toThrow(/alg/);
    await expect(issuer.sign({ alg: 'PS256' }, {})).rejects.toThrow(/addKey/);
    await expect(issuer.sign(null as never, {})).rejects.toThrow(TypeError);
    await expect(issuer.sign({ alg: 'ES256' }, undefined)).rejects.toThrow(/payload/);
    await expect(issuer.sign({ alg: 'ES256', b64: false }, undefined)).rejects.toThrow(/payload/);
    await expect(issuer.sign({ alg: 'ES256' }, {}, { key: 'bogus' as never })).rejects.toThrow(/key/);
  });
});

describe('key rotation: addKey() / removeKey()', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: ['ES256', 'RS256'] });
  });
  afterAll(() => issuer.close());

  it('addKey publishes a new key that new tokens use; removeKey unpublishes it but can still sign', async () => {
    const kid = await issuer.addKey('ES256');
    expect(kid).toBe('es256-2');
    const served = (await (await fetch(issuer.jwksUri!, { signal: AbortSignal.timeout(2000) })).json()) as {
      keys: Array<{ kid: string }>;
    };
    expect(served.keys.map((k) => k.kid)).toEqual(['es256-1', 'rs256-1', 'es256-2']);

    const fresh = await issuer.token();
    expect(decodeProtectedHeader(fresh).kid).toBe('es256-2');
    const options = { issuer: issuer.issuer, audience: issuer.audience };
    await expect(jwtVerify(fresh, createRemoteJWKSet(new URL(issuer.jwksUri!)), options)).resolves.toBeDefined();

    issuer.removeKey('es256-1');
    expect(issuer.jwks.keys.map((k) => k.kid)).toEqual(['rs256-1', 'es256-2']);
    const old = await issuer.token({}, { kid: 'es256-1' });
    expect(decodeProtectedHeader(old).kid).toBe('es256-1');
    await expect(jwtVerify(old, createRemoteJWKSet(new URL(issuer.jwksUri!)), options)).rejects.toMatchObject({
      code: 'ERR_JWKS_NO_MATCHING_KEY',
    });
    await expect(jwtVerify(old, createLocalJWKSet(issuer.jwks), options)).rejects.toMatchObject({
      code: 'ERR_JWKS_NO_MATCHING_KEY',
    });
  });

  it('addKey works for algorithms outside the defaults; kids count per algorithm', async () => {
    expect(await issuer.addKey('PS256')).toBe('ps256-1');
    expect(await issuer.addKey('PS256')).toBe('ps256-2');
    const token = await issuer.token({}, { alg: 'PS256' });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'PS256', kid: 'ps256-2' });
    await expect(jwtVerify(token, createLocalJWKSet(issuer.jwks), { algorithms: ['PS256'] })).resolves.toBeDefined();
  });

  it('refuses unknown algorithms and kids', async () => {
    await expect(issuer.addKey('HS256' as never)).rejects.toThrow(TypeError);
    expect(() => issuer.removeKey('nope')).toThrow(TypeError);
  });

  it('jwks is a copy: mutating it does not change the published set', () => {
    const copy = issuer.jwks;
    copy.keys.pop();
    copy.keys[0]!.kid = 'changed';
    expect(issuer.jwks.keys[0]!.kid).toBe('rs256-1');
  });
});
