import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import { toHttpResponse } from '../../src/errors/to-http-response.js';
import type { RevocationQuery, RevocationStore } from '../../src/revocation/revocation-store.js';
import type { VerifierOptions } from '../../src/token/verifier-options.js';
import { NOW, T_FIXED, decodeJson, expectCode, makeVerifier, segments } from './support/verifier-under-test.js';

// SPEC B9 cases 130–134: revocation through a RevocationStore, on every call, cached or not.

/** A tiny store for these tests: jti entries and subject "issued at or before" entries. */
class TestRevocationStore implements RevocationStore {
  readonly jtis = new Set<string>();
  readonly subjects = new Map<string, number>();
  readonly queries: RevocationQuery[] = [];
  revokeToken(jti: string): void {
    this.jtis.add(jti);
  }
  revokeSubject(sub: string, issuedAtOrBefore: number): void {
    this.subjects.set(sub, issuedAtOrBefore);
  }
  isRevoked(query: RevocationQuery): boolean {
    this.queries.push(query);
    const before = this.subjects.get(query.sub);
    return this.jtis.has(query.jti) || (before !== undefined && query.iat <= before);
  }
}

/** A store whose answer is whatever the test says. */
function answering(answer: () => unknown): RevocationStore {
  return {
    revokeToken: () => undefined,
    revokeSubject: () => undefined,
    isRevoked: answer as RevocationStore['isRevoked'],
  };
}

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ serve: 'none', now: T_FIXED });
});
afterAll(() => issuer.close());

const withStore = (revocation: RevocationStore, extra: Partial<VerifierOptions> = {}): VerifierOptions => ({
  ...issuer.verifierOptions(),
  revocation,
  ...extra,
});

describe('SPEC B9 — revocation', () => {
  it('asks the store with { jti, sub, iat, iss } and the whole claims set of the verified token, cached or not', async () => {
    const store = new TestRevocationStore();
    const token = await issuer.token({ sub: 'user-alice', org_id: 'acme' });
    const verifier = makeVerifier(withStore(store));
    const first = await verifier.verify(token);
    const second = await verifier.verify(token);
    expect(second.cached).toBe(true);
    const claims = decodeJson(segments(token)[1]);
    const expected = { jti: claims['jti'], sub: 'user-alice', iat: NOW, iss: issuer.issuer, claims };
    expect(store.queries).toEqual([expected, expected]);
    // The very claims the caller gets, frozen: a store cannot change what the request sees.
    expect(store.queries[0]!.claims).toBe(first.claims);
    expect(store.queries[0]!.claims!['org_id']).toBe('acme');
    expect(Object.isFrozen(store.queries[0])).toBe(true);
    expect(Object.isFrozen(store.queries[0]!.claims)).toBe(true);
  });

  it('case 130: a token whose jti is revoked → 401 invalid_token "revoked"', async () => {
    const store = new TestRevocationStore();
    const verifier = makeVerifier(withStore(store));
    const token = await issuer.badToken('revoked-shape', { jti: 'jti-130' });
    await expect(verifier.verify(token)).resolves.toBeDefined();
    store.revokeToken('jti-130');
    const error = await expectCode(verifier.verify(token), 'ERR_TOKEN_REVOKED');
    expect(toHttpResponse(error, { realm: 'orders' }).headers['www-authenticate']).toBe(
      'Bearer realm="orders", error="invalid_token", error_description="The access token was revoked"',
    );
    // Other tokens of the same subject are unaffected.
    await expect(verifier.verify(await issuer.token({ jti: 'jti-130-b' }))).resolves.toBeDefined();
  });

  it('case 131: subject revoked before T: iat < T and iat = T → 401; iat > T → accepted', async () => {
    const store = new TestRevocationStore();
    const verifier = makeVerifier(withStore(store));
    store.revokeSubject('user-alice', NOW - 10);
    await expectCode(verifier.verify(await issuer.token({ sub: 'user-alice', iat: NOW - 60 })), 'ERR_TOKEN_REVOKED');
    await expectCode(verifier.verify(await issuer.token({ sub: 'user-alice', iat: NOW - 10 })), 'ERR_TOKEN_REVOKED');
    await expect(verifier.verify(await issuer.token({ sub: 'user-alice', iat: NOW - 9 }))).resolves.toBeDefined();
    await expect(verifier.verify(await issuer.token({ sub: 'user-bob', iat: NOW - 60 }))).resolves.toBeDefined();
  });

  it('revocation applies to a token served from the verified-token cache', async () => {
    const store = new TestRevocationStore();
    const verifier = makeVerifier(withStore(store));
    const token = await issuer.token({ jti: 'jti-cached' });
    expect((await verifier.verify(token)).cached).toBe(false);
    expect((await verifier.verify(token)).cached).toBe(true);
    store.revokeToken('jti-cached');
    await expectCode(verifier.verify(token), 'ERR_TOKEN_REVOKED');
    expect(store.queries).toHaveLength(3);
  });

  it('case 132: store down (throws ECONNREFUSED) → 503 + Retry-After, never allow', async () => {
    const down = answering(() => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    });
    const error = await expectCode(
      makeVerifier(withStore(down)).verify(await issuer.token()),
      'ERR_REVOCATION_UNAVAILABLE',
    );
    const response = toHttpResponse(error, { realm: 'orders' });
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('30');
    expect(response.headers['www-authenticate']).toBeUndefined();
    const rejecting = answering(() => Promise.reject(new Error('READONLY')));
    await expectCode(makeVerifier(withStore(rejecting)).verify(await issuer.token()), 'ERR_REVOCATION_UNAVAILABLE');
  });

  it('case 133: a store that does not answer within revocationTimeout → 503', async () => {
    const hanging = answering(() => new Promise<boolean>(() => undefined));
    const verifier = makeVerifier(withStore(hanging, { revocationTimeout: 50 }));
    const error = await expectCode(verifier.verify(await issuer.token()), 'ERR_REVOCATION_UNAVAILABLE');
    expect(error.reason).toMatch(/did not answer within 50 ms/);
  });

  it('a store that answers in time with a promise is honoured either way', async () => {
    const late = (value: boolean): RevocationStore =>
      answering(() => new Promise((resolve) => setTimeout(() => resolve(value), 5)));
    await expect(makeVerifier(withStore(late(false))).verify(await issuer.token())).resolves.toBeDefined();
    await expectCode(makeVerifier(withStore(late(true))).verify(await issuer.token()), 'ERR_TOKEN_REVOKED');
  });

  it.each([[undefined], [null], ['false'], [0], [1], [{}], ['true'], [Promise.resolve('no')]])(
    'case 134: a malformed answer (%p) → 503 (unknown is not "not revoked")',
    async (answer) => {
      await expectCode(
        makeVerifier(withStore(answering(() => answer))).verify(await issuer.token()),
        'ERR_REVOCATION_UNAVAILABLE',
      );
    },
  );

  it('a thenable whose then getter throws → 503', async () => {
    const hostile = answering(() => ({
      get then(): never {
        throw new Error('boom');
      },
    }));
    await expectCode(makeVerifier(withStore(hostile)).verify(await issuer.token()), 'ERR_REVOCATION_UNAVAILABLE');
  });

  it('a thenable that fulfils with a never-settling thenable → 503 within revocationTimeout, never a hang', async () => {
    // Adopting the inner thenable after the timer was cleared would leave the request waiting forever.
    const nested = answering(() => ({
      then(onFulfilled: (value: unknown) => void) {
        onFulfilled(new Promise<boolean>(() => undefined));
      },
    }));
    const verifier = makeVerifier(withStore(nested, { revocationTimeout: 50 }));
    await expectCode(verifier.verify(await issuer.token()), 'ERR_REVOCATION_UNAVAILABLE');
  });

  it('the store is consulted only for tokens that passed verification', async () => {
    const store = new TestRevocationStore();
    const verifier = makeVerifier(withStore(store));
    await expectCode(verifier.verify(await issuer.badToken('expired')), 'ERR_TOKEN_EXPIRED');
    await expectCode(verifier.verify(await issuer.badToken('tampered-signature')), 'ERR_SIGNATURE_INVALID');
    expect(store.queries).toHaveLength(0);
  });
});
