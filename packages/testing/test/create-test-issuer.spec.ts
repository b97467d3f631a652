import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { createTestIssuer } from '../src/index.js';
import type { SigningAlgorithm, TestIssuer } from '../src/index.js';

const T0 = Date.parse('2030-01-01T00:00:00Z');

describe('createTestIssuer (served)', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: ['ES256', 'RS256', 'EdDSA', 'PS256'] });
  });
  afterAll(() => issuer.close());

  it('defaults: issuer is the served base URL, audience, kids per algorithm', () => {
    expect(issuer.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(issuer.audience).toBe('https://api.example.test/orders');
    expect(issuer.jwksUri).toBe(`${issuer.issuer}/jwks`);
    expect(issuer.jwks.keys.map((k) => k.kid)).toEqual(['es256-1', 'rs256-1', 'eddsa-1', 'ps256-1']);
    for (const key of issuer.jwks.keys) {
      expect(key.use).toBe('sig');
      expect(key).not.toHaveProperty('d');
    }
    expect(issuer.jwks.keys.find((k) => k.kid === 'rs256-1')).toMatchObject({ kty: 'RSA', alg: 'RS256', e: 'AQAB' });
    // 2048-bit modulus = 256 bytes = 342 base64url characters
    expect(issuer.jwks.keys.find((k) => k.kid === 'rs256-1')!.n).toHaveLength(342);
  });

  it('serves a JWKS that jose fetches, and the discovery document', async () => {
    const jwks = (await (await fetch(issuer.jwksUri!, { signal: AbortSignal.timeout(2000) })).json()) as {
      keys: unknown[];
    };
    expect(jwks).toEqual(issuer.jwks);
    const discovery = await (
      await fetch(`${issuer.issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(2000) })
    ).json();
    expect(discovery).toEqual({ issuer: issuer.issuer, jwks_uri: issuer.jwksUri });
    expect(issuer.discoveryUri).toBe(`${issuer.issuer}/.well-known/openid-configuration`);
  });

  it.each<SigningAlgorithm>(['ES256', 'RS256', 'EdDSA', 'PS256'])(
    'mints %s tokens that jose verifies against the served JWKS',
    async (alg) => {
      const token = await issuer.token({ scope: ['orders:read', 'orders:write'] }, { alg });
      const jwks = createRemoteJWKSet(new URL(issuer.jwksUri!), { timeoutDuration: 2000 });
      const { payload, protectedHeader } = await jwtVerify(token, jwks, {
        issuer: issuer.issuer,
        audience: issuer.audience,
        typ: 'at+jwt',
        algorithms: [alg],
        requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub', 'jti', 'client_id'],
      });
      expect(protectedHeader).toEqual({ alg, typ: 'at+jwt', kid: `${alg.toLowerCase()}-1` });
      expect(payload).toMatchObject({ sub: 'test-user', client_id: 'test-client', scope: 'orders:read orders:write' });
      expect(payload.exp! - payload.iat!).toBe(300);
      expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it('verifierOptions() points at the served key set and shares the clock', () => {
    const options = issuer.verifierOptions();
    expect(options).toEqual({
      issuer: issuer.issuer,
      audience: issuer.audience,
      jwksUri: issuer.jwksUri,
      now: issuer.clock.now,
    });
    expect(options).not.toHaveProperty('jwks');
  });
});

describe('createTestIssuer (serve: none)', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer({ serve: 'none', now: T0 });
  });
  afterAll(() => issuer.close());

  it('has no URL, an offline issuer name and verifierOptions() with the key set itself', async () => {
    expect(issuer.jwksUri).toBeUndefined();
    expect(issuer.issuer).toBe('https://issuer.portcullis.test');
    const options = issuer.verifierOptions();
    expect(options.jwksUri).toBeUndefined();
    expect(options.jwks).toEqual(issuer.jwks);
    expect(options.now()).toBe(T0);
    const token = await issuer.token();
    const { payload } = await jwtVerify(token, createLocalJWKSet(options.jwks!), {
      issuer: options.issuer,
      audience: options.audience,
      currentDate: new Date(options.now()),
    });
    expect(payload.iat).toBe(T0 / 1000);
  });

  it('jwksServer.mode() explains that it needs serve: http', () => {
    expect(() => issuer.jwksServer.mode('down')).toThrow(TypeError);
    expect(issuer.jwksServer.fetchCount).toBe(0);
  });
});

describe('token()', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer({ serve: 'none', now: T0 });
  });
  afterAll(() => issuer.close());

  it('default claims, in a stable order', async () => {
    const payload = decodeJwt(await issuer.token());
    expect(Object.keys(payload)).toEqual(['iss', 'sub', 'aud', 'client_id', 'iat', 'exp', 'jti']);
    expect(payload).toMatchObject({
      iss: issuer.issuer,
      aud: issuer.audience,
      sub: 'test-user',
      client_id: 'test-client',
      iat: T0 / 1000,
      exp: T0 / 1000 + 300,
    });
  });

  it('merges claims, joins scope arrays, omits undefined and empty scope', async () => {
    const payload = decodeJwt(
      await issuer.token({ sub: 'alice', roles: ['customer'], jti: undefined, scope: ['a', 'b'] }),
    );
    expect(payload).toMatchObject({ sub: 'alice', roles: ['customer'], scope: 'a b' });
    expect(payload).not.toHaveProperty('jti');
    expect(decodeJwt(await issuer.token({ scope: '' }))).not.toHaveProperty('scope');
    expect(decodeJwt(await issuer.token({ scope: [] }))).not.toHaveProperty('scope');
  });

  it('a __proto__ claim is an ordinary JSON member', async () => {
    const token = await issuer.token(JSON.parse('{"__proto__":{"roles":["admin"]}}'));
    const json = Buffer.from(token.split('.')[1]!, 'base64url').toString();
    expect(json).toContain('"__proto__":{"roles":["admin"]}');
  });

  it('jti is unique per token', async () => {
    const a = decodeJwt(await issuer.token());
    const b = decodeJwt(await issuer.token());
    expect(a.jti).not.toBe(b.jti);
  });

  it('options: expiresIn, typ (null omits), header, kid', async () => {
    expect(decodeJwt(await issuer.token({}, { expiresIn: 60 })).exp).toBe(T0 / 1000 + 60);
    expect(decodeProtectedHeader(await issuer.token({}, { typ: null }))).toEqual({ alg: 'ES256', kid: 'es256-1' });
    expect(decodeProtectedHeader(await issuer.token({}, { typ: 'application/at+jwt', header: { cty: 'x' } }))).toEqual({
      alg: 'ES256',
      typ: 'application/at+jwt',
      kid: 'es256-1',
      cty: 'x',
    });
    expect(decodeProtectedHeader(await issuer.token({}, { kid: 'rs256-1' }))).toMatchObject({
      alg: 'RS256',
      kid: 'rs256-1',
    });
  });

  it('refuses contradictory or impossible options with a TypeError', async () => {
    await expect(issuer.token({}, { kid: 'rs256-1', alg: 'ES256' })).rejects.toThrow(TypeError);
    await expect(issuer.token({}, { alg: 'PS256' })).rejects.toThrow(/addKey\('PS256'\)/);
    await expect(issuer.token({}, { expiresIn: Number.NaN })).rejects.toThrow(TypeError);
    // Claims are an object: a string's characters or an array's indexes are no claims.
    await expect(issuer.token('alice' as never)).rejects.toThrow(/token\(claims\): claims must be an object/);
    await expect(issuer.token(['sub'] as never)).rejects.toThrow(/token\(claims\): claims must be an object/);
    await expect(issuer.badToken('expired', null as never)).resolves.toBeDefined();
    // A misspelt option would mint a token without the intended defect (e.g. still typ at+jwt).
    await expect(issuer.token({}, { type: 'JWT' } as never)).rejects.toThrow(/unknown token option 'type'/);
    await expect(issuer.token({}, { expiresin: 5 } as never)).rejects.toThrow(/unknown token option 'expiresin'/);
  });
});

describe('options validation', () => {
  it.each([
    [{ audience: '' }, /audience/],
    [{ serve: 'ftp' }, /serve/],
    [{ algorithms: [] }, /algorithms/],
    [{ algorithms: ['HS256'] }, /algorithms/],
    [{ algorithms: ['ES256', 'ES256'] }, /repeat/],
    [{ now: Number.NaN }, /now/],
    // A misspelt option would silently keep its default (e.g. ES256 keys instead of RS256 ones).
    [{ algorithm: ['RS256'] }, /unknown option 'algorithm'.*audience, issuer, serve, algorithms, now/],
    [{ audiance: 'https://x.test' }, /unknown option 'audiance'/],
  ])('%j is refused', async (options, message) => {
    await expect(createTestIssuer(options as never)).rejects.toThrow(message);
  });

  it('uses the given issuer in tokens and in the discovery document', async () => {
    const issuer = await createTestIssuer({
      issuer: 'https://as.example.test',
      audience: 'urn:api',
      algorithms: ['ES256'],
    });
    try {
      expect(decodeJwt(await issuer.token())).toMatchObject({ iss: 'https://as.example.test', aud: 'urn:api' });
      const discovery = await (await fetch(issuer.discoveryUri!, { signal: AbortSignal.timeout(2000) })).json();
      expect(discovery).toMatchObject({ issuer: 'https://as.example.test', jwks_uri: issuer.jwksUri });
    } finally {
      await issuer.close();
    }
  });

  it('defaults to the first algorithm when there is no ES256 key', async () => {
    const issuer = await createTestIssuer({ serve: 'none', algorithms: ['EdDSA'] });
    expect(decodeProtectedHeader(await issuer.token())).toMatchObject({ alg: 'EdDSA', kid: 'eddsa-1' });
    await issuer.close();
  });
});
