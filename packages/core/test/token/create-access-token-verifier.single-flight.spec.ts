import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import type { VerifierKeySource } from '../../src/internal/build-access-token-verifier.js';
import type { RevocationQuery, RevocationStore } from '../../src/revocation/revocation-store.js';
import { createAccessTokenVerifier } from '../../src/token/create-access-token-verifier.js';
import type { VerifiedToken } from '../../src/token/verified-token.js';
import { T_FIXED, controlled, expectCode, makeVerifier } from './support/verifier-under-test.js';

// Single flight per token: N concurrent first sights of one token cost one key lookup and one
// signature check. Observables, none of them timing-based:
// - `crypto.subtle.verify` calls: jose 6 checks every signature through WebCrypto's global
//   `crypto.subtle.verify`, so a spy on it counts real signature verifications;
// - key lookups through the verifier's key source (the `controlled` wrapper);
// - the public `cached` flag: `false` for the one call that verified, `true` for the ones that joined.
// The served JWKS's fetchCount is *not* an observable for this: the remote key resolver already
// shares one fetch among concurrent lookups, so it is 1 with or without token single flight.

const N = 100;

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ serve: 'none', now: T_FIXED });
});
afterAll(() => issuer.close());

let verifySpy: ReturnType<typeof jest.spyOn> | undefined;
/** Starts counting signature verifications (call after minting: minting signs, it never verifies). */
function countSignatureChecks(): () => number {
  verifySpy = jest.spyOn(globalThis.crypto.subtle, 'verify');
  return () => verifySpy!.mock.calls.length;
}
afterEach(() => {
  verifySpy?.mockRestore();
  verifySpy = undefined;
});

/** A key source whose lookups wait until `release()` is called: holds a verification in flight. */
function gated(inner: VerifierKeySource): VerifierKeySource & { lookups: number; release(): void } {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const source = {
    lookups: 0,
    release: () => open(),
    async getKey(header: { readonly alg: string; readonly kid?: string }) {
      source.lookups++;
      await gate;
      return inner.getKey(header);
    },
    reload: () => inner.reload(),
    status: () => inner.status(),
  };
  return source;
}

/** Lets pending promise callbacks run (a few macrotask turns; no time is asserted). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function countFlags(results: readonly VerifiedToken[]): { fresh: number; joined: number } {
  return {
    fresh: results.filter((r) => !r.cached).length,
    joined: results.filter((r) => r.cached).length,
  };
}

describe('single flight per token', () => {
  it(`${N} concurrent verifies of one fresh token → one key lookup and one signature check`, async () => {
    let source: ReturnType<typeof controlled> | undefined;
    const verifier = makeVerifier(issuer.verifierOptions(), (inner) => (source = controlled(inner)));
    const token = await issuer.token({ sub: 'alice' });
    const signatureChecks = countSignatureChecks();

    const results = await Promise.all(Array.from({ length: N }, () => verifier.verify(token)));

    expect(signatureChecks()).toBe(1);
    expect(source!.lookups).toBe(1);
    expect(countFlags(results)).toEqual({ fresh: 1, joined: N - 1 });
    // Everyone got the same frozen claims, verified once.
    expect(new Set(results.map((r) => r.claims)).size).toBe(1);
    expect(results.every((r) => r.claims.sub === 'alice')).toBe(true);
  });

  it('also over a JWKS served on 127.0.0.1 by the testing kit, through the public factory', async () => {
    const served = await createTestIssuer({ now: T_FIXED });
    try {
      const verifier = createAccessTokenVerifier(served.verifierOptions());
      const token = await served.token({ sub: 'bob' });
      const signatureChecks = countSignatureChecks();

      const results = await Promise.all(Array.from({ length: N }, () => verifier.verify(token)));

      expect(signatureChecks()).toBe(1);
      expect(countFlags(results)).toEqual({ fresh: 1, joined: N - 1 });
      expect(served.jwksServer.fetchCount).toBe(1); // one key-set fetch (the resolver's own single flight)
    } finally {
      await served.close();
    }
  });

  it('coalesces with the verified-token cache off too, and only within the in-flight window', async () => {
    const verifier = makeVerifier({ ...issuer.verifierOptions(), cache: false });
    const token = await issuer.token();
    const signatureChecks = countSignatureChecks();

    const burst = await Promise.all(Array.from({ length: N }, () => verifier.verify(token)));
    expect(signatureChecks()).toBe(1);
    expect(countFlags(burst)).toEqual({ fresh: 1, joined: N - 1 });

    // Once settled, nothing is kept: without the cache the next call checks the signature again.
    const later = await verifier.verify(token);
    expect(later.cached).toBe(false);
    expect(signatureChecks()).toBe(2);
  });

  it('does not coalesce different tokens', async () => {
    const verifier = makeVerifier(issuer.verifierOptions());
    const tokens = await Promise.all([issuer.token({ sub: 'a' }), issuer.token({ sub: 'b' })]);
    const signatureChecks = countSignatureChecks();

    const results = await Promise.all(tokens.flatMap((t) => [verifier.verify(t), verifier.verify(t)]));

    expect(signatureChecks()).toBe(2);
    expect(results.map((r) => r.claims.sub)).toEqual(['a', 'a', 'b', 'b']);
  });

  it('keeps the revocation check per call: the store is asked N times, and a revoked token fails every call', async () => {
    const asked: RevocationQuery[] = [];
    let revoked = false;
    const store: RevocationStore = {
      isRevoked: (query) => {
        asked.push(query);
        return revoked;
      },
      revokeToken: () => undefined,
      revokeSubject: () => undefined,
    };
    const verifier = makeVerifier({ ...issuer.verifierOptions(), revocation: store });

    const token = await issuer.token();
    const signatureChecks = countSignatureChecks();
    await Promise.all(Array.from({ length: N }, () => verifier.verify(token)));
    expect(asked).toHaveLength(N);
    expect(signatureChecks()).toBe(1);

    revoked = true;
    const other = await issuer.token();
    const outcomes = await Promise.allSettled(Array.from({ length: N }, () => verifier.verify(other)));
    expect(asked).toHaveLength(2 * N);
    expect(signatureChecks()).toBe(2);
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'ERR_TOKEN_REVOKED' } });
    }
  });

  it('shares a failure only with the calls waiting for it, never with a later call', async () => {
    let source: ReturnType<typeof controlled> | undefined;
    const verifier = makeVerifier(issuer.verifierOptions(), (inner) => (source = controlled(inner)));
    const token = await issuer.token();

    source!.enabled = false; // the key "left the key set": the verification fails
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => verifier.verify(token)));
    expect(source!.lookups).toBe(1);
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'ERR_KEY_NOT_FOUND' } });
    }

    source!.enabled = true; // the failure is not remembered: the next call decides afresh
    const verified = await verifier.verify(token);
    expect(verified.cached).toBe(false);
    expect(source!.lookups).toBe(2);
  });

  it('holds every joined call to its own clock (a call that joins after exp is refused)', async () => {
    const clockIssuer = await createTestIssuer({ serve: 'none', now: T_FIXED });
    try {
      let source: ReturnType<typeof gated> | undefined;
      const verifier = makeVerifier(clockIssuer.verifierOptions(), (inner) => (source = gated(inner)));
      const token = await clockIssuer.token({}, { expiresIn: 60 });

      const first = verifier.verify(token); // in flight, waiting for its key
      await settle();
      clockIssuer.clock.advance(120); // the token has expired for anyone who asks from now on
      const late = verifier.verify(token); // joins the running verification
      await settle();
      source!.release();

      await expect(first).resolves.toMatchObject({ cached: false });
      await expectCode(late, 'ERR_TOKEN_EXPIRED');
      expect(source!.lookups).toBe(1);
    } finally {
      await clockIssuer.close();
    }
  });

  it('a call made after reloadKeys() does not join a verification started with the old keys', async () => {
    let source: ReturnType<typeof gated> | undefined;
    const verifier = makeVerifier(issuer.verifierOptions(), (inner) => (source = gated(inner)));
    const token = await issuer.token();

    const before = verifier.verify(token);
    await settle();
    await verifier.reloadKeys();
    const after = verifier.verify(token);
    await settle();
    source!.release();

    const results = await Promise.all([before, after]);
    expect(source!.lookups).toBe(2);
    expect(results.map((r) => r.cached)).toEqual([false, false]);
  });
});
