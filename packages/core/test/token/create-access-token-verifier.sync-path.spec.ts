import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import { PortcullisError } from '../../src/errors/portcullis-error.js';
import { createPortcullis } from '../../src/portcullis/create-portcullis.js';
import { InMemoryRevocationStore } from '../../src/revocation/in-memory-revocation-store.js';
import type { RevocationStore } from '../../src/revocation/revocation-store.js';
import { createAccessTokenVerifier } from '../../src/token/create-access-token-verifier.js';
import type { VerifiedToken } from '../../src/token/verified-token.js';
import { T_FIXED, expectCode } from './support/verifier-under-test.js';

// The synchronous path (`verifyMaybeSync`, `authenticateMaybeSync`): a repeated token with a
// synchronous revocation store is decided in the calling tick — and with exactly the checks of the
// promise path: the clock and revocation on every call; the principal is mapped once per cached
// (frozen, immutable) token and that frozen result is returned on every call.
//
// | call | cache | store | result |
// | --- | --- | --- | --- |
// | first sight, key not imported yet | miss | any | promise |
// | first sight, key imported | miss | sync / none | value (node:crypto signature in this tick) |
// | repeated token | hit | sync / none | value, or a synchronous throw (expired, revoked) |
// | repeated token | hit | async | promise |

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ serve: 'none', now: T_FIXED });
});
afterAll(() => issuer.close());

const isPromise = (value: unknown): boolean => value instanceof Promise;

function syncCall<T>(fn: () => T | Promise<T>): T {
  const result = fn();
  if (isPromise(result)) throw new Error('expected a synchronous answer, got a promise');
  return result as T;
}

function syncThrow(fn: () => unknown): PortcullisError {
  try {
    const result = fn();
    if (isPromise(result)) (result as Promise<unknown>).catch(() => undefined);
  } catch (error) {
    if (error instanceof PortcullisError) return error;
    throw error;
  }
  throw new Error('expected a synchronous PortcullisError');
}

describe('verifyMaybeSync', () => {
  it('answers a repeated token synchronously, with the same frozen token as verify()', async () => {
    const store = new InMemoryRevocationStore({ now: () => issuer.clock.now() });
    const verifier = createAccessTokenVerifier({ ...issuer.verifierOptions(), revocation: store });
    const token = await issuer.token({ sub: 'alice' });
    const first = verifier.verifyMaybeSync!(token);
    expect(isPromise(first)).toBe(true); // the key is imported on first use
    expect((await first).cached).toBe(false);

    const hit = syncCall(() => verifier.verifyMaybeSync!(token));
    expect(hit.cached).toBe(true);
    expect(hit).toBe(await verifier.verify(token));
    expect(Object.isFrozen(hit.claims)).toBe(true);
  });

  it('checks the clock and revocation on every synchronous hit', async () => {
    const store = new InMemoryRevocationStore({ now: () => issuer.clock.now() });
    const verifier = createAccessTokenVerifier({ ...issuer.verifierOptions(), revocation: store });
    const token = await issuer.token({ jti: 'sync-1' }, { expiresIn: 60 });
    await verifier.verify(token);
    syncCall(() => verifier.verifyMaybeSync!(token));

    store.revokeToken('sync-1', Math.floor(issuer.clock.now() / 1000) + 60);
    expect(syncThrow(() => verifier.verifyMaybeSync!(token)).code).toBe('ERR_TOKEN_REVOKED');
    await expectCode(verifier.verify(token), 'ERR_TOKEN_REVOKED');

    const other = await issuer.token({ jti: 'sync-2' }, { expiresIn: 60 });
    await verifier.verify(other);
    issuer.clock.advance(120);
    expect(syncThrow(() => verifier.verifyMaybeSync!(other)).code).toBe('ERR_TOKEN_EXPIRED');
    issuer.clock.advance(-120);
  });

  it('verifies a first-sight token synchronously once the key is imported', async () => {
    const verifier = createAccessTokenVerifier({ ...issuer.verifierOptions(), cache: false });
    const [one, other] = await Promise.all([issuer.token(), issuer.token({ sub: 'first-sight' })]);
    await verifier.verify(one);
    const fresh = syncCall(() => verifier.verifyMaybeSync!(other));
    expect(fresh.cached).toBe(false);
    expect(fresh.claims.sub).toBe('first-sight');
  });

  it('returns a promise when the revocation store answers with one, and still decides it', async () => {
    let revoked = false;
    const store: RevocationStore = {
      revokeToken: () => undefined,
      revokeSubject: () => undefined,
      isRevoked: async () => revoked,
    };
    const verifier = createAccessTokenVerifier({ ...issuer.verifierOptions(), revocation: store });
    const token = await issuer.token();
    await verifier.verify(token);
    const hit = verifier.verifyMaybeSync!(token);
    expect(isPromise(hit)).toBe(true);
    expect(((await hit) as VerifiedToken).cached).toBe(true);
    revoked = true;
    await expectCode(Promise.resolve(verifier.verifyMaybeSync!(token)), 'ERR_TOKEN_REVOKED');
  });

  it('throws malformed input synchronously and never returns anything but a token or a promise', () => {
    const verifier = createAccessTokenVerifier(issuer.verifierOptions());
    expect(syncThrow(() => verifier.verifyMaybeSync!('')).code).toBe('ERR_MALFORMED_TOKEN');
    expect(syncThrow(() => verifier.verifyMaybeSync!('a.b')).code).toBe('ERR_MALFORMED_TOKEN');
  });
});

describe('authenticateMaybeSync', () => {
  it('authenticates a repeated token synchronously; the principal, mapped once per cached token, is the same frozen result every time', async () => {
    const portcullis = createPortcullis({
      ...issuer.verifierOptions(),
      revocation: new InMemoryRevocationStore({ now: () => issuer.clock.now() }),
    });
    const token = await issuer.token({ scope: 'orders:read', roles: ['admin'] });
    const request = { headers: { authorization: `Bearer ${token}` } };
    const viaPromise = await portcullis.authenticate(request);
    const first = syncCall(() => portcullis.authenticateMaybeSync!(request));
    const second = syncCall(() => portcullis.authenticateMaybeSync!(request));
    expect(second).toBe(first);
    expect(first.principal).toEqual(viaPromise.principal);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.principal)).toBe(true);
    expect(first.principal.scopes.has('orders:read')).toBe(true);
    expect(first.token.cached).toBe(true);
  });

  it('refuses synchronously what authenticate() refuses (no token, revoked)', async () => {
    const store = new InMemoryRevocationStore({ now: () => issuer.clock.now() });
    const portcullis = createPortcullis({ ...issuer.verifierOptions(), revocation: store });
    expect(syncThrow(() => portcullis.authenticateMaybeSync!({ headers: {} })).code).toBe('ERR_MISSING_TOKEN');
    const token = await issuer.token({ jti: 'sync-auth' });
    const request = { headers: { authorization: `Bearer ${token}` } };
    await portcullis.authenticate(request);
    store.revokeToken('sync-auth', Math.floor(issuer.clock.now() / 1000) + 600);
    expect(syncThrow(() => portcullis.authenticateMaybeSync!(request)).code).toBe('ERR_TOKEN_REVOKED');
    await expectCode(portcullis.authenticate(request), 'ERR_TOKEN_REVOKED');
  });
});
