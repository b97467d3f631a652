import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import { toHttpResponse } from '../../src/errors/to-http-response.js';
import { createAccessTokenVerifier } from '../../src/token/create-access-token-verifier.js';
import { json, startKeySetServer } from '../jwks/support/key-set-server.js';
import { T_FIXED, expectCode } from './support/verifier-under-test.js';

// createAccessTokenVerifier end to end over a JWKS served on 127.0.0.1 by the test issuer: the
// verifier and the key resolver together, with the shared frozen clock.

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ serve: 'http', now: T_FIXED });
});
beforeEach(() => {
  issuer.clock.freeze(T_FIXED);
  issuer.jwksServer.mode('ok');
});
afterAll(() => issuer.close());

describe('createAccessTokenVerifier over a served JWKS', () => {
  it('verifies tokens with one key-set fetch, then from the cache', async () => {
    const verifier = createAccessTokenVerifier(issuer.verifierOptions());
    const before = issuer.jwksServer.fetchCount;
    for (let i = 0; i < 5; i++) await verifier.verify(await issuer.token({ jti: `remote-${i}` }));
    expect(issuer.jwksServer.fetchCount - before).toBe(1);
    expect(verifier.keySetStatus()).toMatchObject({ source: 'remote', state: 'fresh' });
  });

  it('case 175: a key removed from the JWKS stops fresh AND cached tokens once the key set is refreshed', async () => {
    const verifier = createAccessTokenVerifier({ ...issuer.verifierOptions(), remoteJwks: { cacheMaxAge: 60_000 } });
    const oldKid = issuer.jwks.keys.find((k) => k.alg === 'ES256')!.kid!;
    const cachedToken = await issuer.token({}, { kid: oldKid, expiresIn: 600 });
    await expect(verifier.verify(cachedToken)).resolves.toMatchObject({ cached: false });
    // Within the key set's max age the verified-token cache serves it.
    await expect(verifier.verify(cachedToken)).resolves.toMatchObject({ cached: true });

    const newKid = await issuer.addKey('ES256');
    issuer.removeKey(oldKid);
    issuer.clock.advance(61); // past cacheMaxAge: the next lookup refetches the key set

    // The cached verification is bound to its key: once the refreshed set no longer has it, the
    // token is refused like a fresh one (SPEC 175: removed key → 401 after the cache refresh).
    await expectCode(verifier.verify(cachedToken), 'ERR_KEY_NOT_FOUND');
    await expectCode(verifier.verify(await issuer.token({}, { kid: oldKid })), 'ERR_KEY_NOT_FOUND');
    const fresh = await issuer.token({}, { kid: newKid });
    await expect(verifier.verify(fresh)).resolves.toMatchObject({ cached: false });
    await expect(verifier.verify(fresh)).resolves.toMatchObject({ cached: true });
  });

  it('a token cached under a key the refreshed set still holds stays a cache hit', async () => {
    const verifier = createAccessTokenVerifier({ ...issuer.verifierOptions(), remoteJwks: { cacheMaxAge: 60_000 } });
    const token = await issuer.token({}, { alg: 'RS256', expiresIn: 600 });
    await expect(verifier.verify(token)).resolves.toMatchObject({ cached: false });
    const before = issuer.jwksServer.fetchCount;
    issuer.clock.advance(61); // past cacheMaxAge: the hit waits for the refetch, then is served
    await expect(verifier.verify(token)).resolves.toMatchObject({ cached: false });
    expect(issuer.jwksServer.fetchCount - before).toBe(1);
    await expect(verifier.verify(token)).resolves.toMatchObject({ cached: true });
  });

  it('case 175: a cached token whose key was removed is not served on after the wall clock steps back', async () => {
    const verifier = createAccessTokenVerifier({ ...issuer.verifierOptions(), remoteJwks: { cacheMaxAge: 60_000 } });
    const kid = await issuer.addKey('ES256');
    const nowS = Math.floor(T_FIXED / 1000);
    // Issued two hours ago, valid for one more: still valid after the clock steps back an hour.
    const token = await issuer.token({ iat: nowS - 7200, exp: nowS + 3600 }, { kid });
    await expect(verifier.verify(token)).resolves.toMatchObject({ cached: false });
    await expect(verifier.verify(token)).resolves.toMatchObject({ cached: true });

    issuer.removeKey(kid);
    issuer.clock.advance(-3600); // NTP steps the clock back: the key set's age is unknown now
    await expectCode(verifier.verify(token), 'ERR_KEY_NOT_FOUND');
  });

  it('case 105: 1 000 concurrent tokens with fresh random kids → all 401, at most one extra key-set fetch', async () => {
    const verifier = createAccessTokenVerifier(issuer.verifierOptions());
    await verifier.verify(await issuer.token());
    const before = issuer.jwksServer.fetchCount;
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => issuer.badToken('unknown-kid')));
    const results = await Promise.allSettled(tokens.map((t) => verifier.verify(t)));
    expect(
      results.every((r) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'ERR_KEY_NOT_FOUND'),
    ).toBe(true);
    expect(issuer.jwksServer.fetchCount - before).toBeLessThanOrEqual(1);
  });

  it('reloadKeys() refetches the key set and empties the verified-token cache', async () => {
    const verifier = createAccessTokenVerifier(issuer.verifierOptions());
    const token = await issuer.token();
    await verifier.verify(token);
    const before = issuer.jwksServer.fetchCount;
    await verifier.reloadKeys();
    expect(issuer.jwksServer.fetchCount - before).toBe(1);
    await expect(verifier.verify(token)).resolves.toMatchObject({ cached: false });
  });

  it('a key server that is down before the first fetch → 503 with Retry-After, never an allow', async () => {
    const verifier = createAccessTokenVerifier({ ...issuer.verifierOptions(), remoteJwks: { timeout: 500 } });
    issuer.jwksServer.mode('down');
    const error = await expectCode(verifier.verify(await issuer.token()), 'ERR_KEYS_UNAVAILABLE');
    const response = toHttpResponse(error, { realm: 'orders' });
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toMatch(/^\d+$/);
    expect(response.headers['www-authenticate']).toBeUndefined();
  });
});

describe('a kid reused for another key', () => {
  it('a cached token is not served once the refreshed key set maps its kid to a different key', async () => {
    // Two issuers with the same name and the same kid ("es256-1"), each with its own key: the key
    // server first publishes A's key under that kid, then B's.
    const a = await createTestIssuer({
      serve: 'none',
      now: T_FIXED,
      algorithms: ['ES256'],
      issuer: 'https://as.reuse.test',
    });
    const b = await createTestIssuer({
      serve: 'none',
      now: T_FIXED,
      algorithms: ['ES256'],
      issuer: 'https://as.reuse.test',
    });
    const server = await startKeySetServer(json(a.jwks));
    try {
      const kid = a.jwks.keys[0]!.kid!;
      expect(b.jwks.keys[0]!.kid).toBe(kid);
      expect(b.jwks.keys[0]!.x).not.toBe(a.jwks.keys[0]!.x);
      const verifier = createAccessTokenVerifier({
        ...a.verifierOptions(),
        jwks: undefined,
        jwksUri: server.url,
        remoteJwks: { cacheMaxAge: 60_000, cooldown: 1_000 },
      });
      const fromA = await a.token({ jti: 'from-a' }, { expiresIn: 600 });
      await expect(verifier.verify(fromA)).resolves.toMatchObject({ cached: false });
      await expect(verifier.verify(fromA)).resolves.toMatchObject({ cached: true });

      server.handle(json(b.jwks));
      a.clock.advance(61); // the verifier's clock: past cacheMaxAge
      b.clock.advance(61);
      // B's token refetches the set: the kid now names B's key (imported, served synchronously).
      await expect(verifier.verify(await b.token({ jti: 'from-b' }, { expiresIn: 600 }))).resolves.toMatchObject({
        cached: false,
      });
      // A's token is still in the cache, but its kid no longer yields the key it was verified with.
      await expectCode(verifier.verify(fromA), 'ERR_SIGNATURE_INVALID');
    } finally {
      await server.close();
      await a.close();
      await b.close();
    }
  });
});
