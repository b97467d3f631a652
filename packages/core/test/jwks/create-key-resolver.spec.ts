// Start-up validation of the key configuration: exactly one key source, safe key URLs (SPEC 176),
// sane remote options. Every mistake is a TypeError that says how to fix it.

import { describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair } from 'jose';
import { createKeyResolver } from '../../src/jwks/create-key-resolver.js';
import type { VerifierOptions } from '../../src/token/verifier-options.js';

const base = { issuer: 'https://as.example.test', audience: 'https://api.example.test/orders' } as const;
const SECRET = { key: 'x'.repeat(32), allowSymmetric: true } as const;

async function publicSet() {
  const { publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] };
}

describe('createKeyResolver: key source', () => {
  it('requires a key source', () => {
    expect(() => createKeyResolver({ ...base })).toThrow(/a key source is required: set exactly one of "jwksUri"/);
  });

  it('refuses two key sources', async () => {
    const jwks = await publicSet();
    expect(() => createKeyResolver({ ...base, jwksUri: 'https://as.example.test/jwks', jwks })).toThrow(
      /only one key source may be set, got "jwksUri" and "jwks"/,
    );
    expect(() => createKeyResolver({ ...base, jwks, secret: SECRET })).toThrow(TypeError);
    expect(() => createKeyResolver({ ...base, keys: [{ kind: 'jwk', jwk: jwks.keys[0]! }], secret: SECRET })).toThrow(
      /only one key source/,
    );
  });

  it('dispatches to the right source', async () => {
    expect(createKeyResolver({ ...base, jwksUri: 'https://as.example.test/jwks' }).status().source).toBe('remote');
    expect(createKeyResolver({ ...base, jwks: await publicSet() }).status().source).toBe('local');
    const jwk = (await publicSet()).keys[0]!;
    expect(createKeyResolver({ ...base, keys: [{ kind: 'jwk', jwk }] }).status().source).toBe('static');
    const secret = createKeyResolver({ ...base, secret: SECRET });
    expect(secret.status().source).toBe('secret');
    expect(secret.symmetric).toBe(true);
  });

  it('refuses remoteJwks without jwksUri', async () => {
    const jwks = await publicSet();
    expect(() => createKeyResolver({ ...base, jwks, remoteJwks: { timeout: 1000 } })).toThrow(
      /"remoteJwks" only applies with "jwksUri"/,
    );
  });

  it('refuses an algorithm allowlist with nothing a key set can serve', async () => {
    const jwks = await publicSet();
    expect(() => createKeyResolver({ ...base, jwks, algorithms: ['HS256'] })).toThrow(/HS256 needs "secret"/);
    expect(() => createKeyResolver({ ...base, jwks, algorithms: 'ES256' as never })).toThrow(
      /"algorithms" must be an array/,
    );
  });
});

describe('createKeyResolver: jwksUri (SPEC 176)', () => {
  const create = (jwksUri: unknown) => () => createKeyResolver({ ...base, jwksUri: jwksUri as string });

  it.each([
    'https://as.example.test/jwks',
    'http://127.0.0.1:8080/jwks',
    'http://127.1.2.3/jwks',
    'http://localhost:3000/jwks',
    'http://[::1]:3000/jwks',
    'http://2130706433/jwks', // 127.0.0.1 in another spelling; the URL parser normalises it
  ])('accepts %s', (uri) => {
    expect(create(uri)).not.toThrow();
  });

  it('accepts a URL object', () => {
    expect(create(new URL('https://as.example.test/jwks'))).not.toThrow();
  });

  it.each([
    'http://as.example.test/jwks',
    'http://10.0.0.1/jwks',
    'http://169.254.169.254/latest/meta-data/',
    'http://localhost.attacker.test/jwks',
    'http://[::ffff:127.0.0.1]/jwks',
    'http://0.0.0.0/jwks',
  ])('refuses plain http to a non-loopback host: %s', (uri) => {
    expect(create(uri)).toThrow(
      /must use https: \(http: is accepted only for 127\.0\.0\.0\/8, \[::1\] and localhost\)/,
    );
  });

  it.each(['file:///etc/jwks.json', 'ftp://as.example.test/jwks', 'data:application/json,{}'])('refuses %s', (uri) => {
    expect(create(uri)).toThrow(/must use https:/);
  });

  it('refuses relative or malformed URLs and credentials in the URL', () => {
    expect(create('/jwks')).toThrow(/not a valid absolute URL/);
    expect(create(42)).toThrow(/must be an absolute https: URL/);
    expect(create('https://user:pass@as.example.test/jwks')).toThrow(/must not contain credentials/);
  });
});

describe('createKeyResolver: remoteJwks options', () => {
  const create = (remoteJwks: unknown) => () =>
    createKeyResolver({ ...base, jwksUri: 'https://as.example.test/jwks', remoteJwks } as VerifierOptions);

  it.each([
    [{ timeout: 0 }, /"remoteJwks.timeout" must be a finite number of milliseconds ≥ 1/],
    [{ timeout: Number.NaN }, /"remoteJwks.timeout"/],
    // setTimeout turns a delay over 2^31 − 1 ms into 1 ms: every fetch would time out at once (503).
    [{ timeout: 2 ** 31 }, /"remoteJwks.timeout" must be at most 2147483647/],
    [{ cacheMaxAge: -1 }, /"remoteJwks.cacheMaxAge"/],
    [{ cooldown: '30s' }, /"remoteJwks.cooldown"/],
    [{ maxStale: Infinity }, /"remoteJwks.maxStale"/],
    [{ maxResponseBytes: 0 }, /"remoteJwks.maxResponseBytes" must be a positive integer/],
    [{ maxResponseBytes: 1.5 }, /"remoteJwks.maxResponseBytes"/],
    [{ headers: { 'user-agent': 1 } }, /"remoteJwks.headers" must be an object of string header values/],
    [{ fetch: 'fetch' }, /"remoteJwks.fetch" must be a fetch function/],
    ['fast', /"remoteJwks" must be an object/],
    // Bounds: no setting makes every request (0 max age) or every random `kid` (0 cooldown) a
    // key-server request, or keeps a removed key alive for days (max age, stale grace).
    [{ cacheMaxAge: 0 }, /"remoteJwks.cacheMaxAge" must be a finite number of milliseconds from 1000 to 86400000, e.g. 600000/],
    [{ cacheMaxAge: 86_400_001 }, /"remoteJwks.cacheMaxAge" must be .* from 1000 to 86400000/],
    [{ cooldown: 0 }, /"remoteJwks.cooldown" must be a finite number of milliseconds from 1000 to 3600000, e.g. 30000/],
    [{ cooldown: 999 }, /"remoteJwks.cooldown" must be/],
    [{ cooldown: 3_600_001 }, /"remoteJwks.cooldown" must be/],
    [{ maxStale: 86_400_001 }, /"remoteJwks.maxStale" must be a finite number of milliseconds from 0 to 86400000, e.g. 3600000/],
    [{ maxStale: Number.POSITIVE_INFINITY }, /"remoteJwks.maxStale" must be/],
    // A misspelt option would silently keep its default (here: keys cached 10 min instead of 1).
    [{ cacheMaxage: 60_000 }, /"remoteJwks" has an unknown option 'cacheMaxage'/],
  ])('refuses %j', (options, message) => {
    expect(create(options)).toThrow(message);
  });

  it('accepts the bounds themselves', () => {
    expect(create({ cacheMaxAge: 1_000, cooldown: 1_000, maxStale: 0 })).not.toThrow();
    expect(create({ cacheMaxAge: 86_400_000, cooldown: 3_600_000, maxStale: 86_400_000 })).not.toThrow();
  });

  it('accepts every documented option', () => {
    expect(
      create({
        timeout: 1500,
        maxResponseBytes: 65_536,
        cacheMaxAge: 300_000,
        cooldown: 1_000,
        maxStale: 0,
        headers: { 'user-agent': 'orders-api' },
        fetch: globalThis.fetch,
      }),
    ).not.toThrow();
  });

  it('refuses a non-function now', () => {
    expect(() =>
      createKeyResolver({ ...base, jwksUri: 'https://as.example.test/jwks', now: 5 as unknown as () => number }),
    ).toThrow(/"now" must be a function/);
  });
});
