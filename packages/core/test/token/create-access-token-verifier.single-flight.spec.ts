import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import type { VerifierKeySource } from '../../src/internal/build-access-token-verifier.js';
import type { RevocationQuery, RevocationStore } from '../../src/revocation/revocation-store.js';
import { createAccessTokenVerifier } from '../../src/token/create-access-token-verifier.js';
import type { AccessTokenVerifier } from '../../src/token/access-token-verifier.js';
import type { VerifiedToken } from '../../src/token/verified-token.js';
import type { VerifierOptions } from '../../src/token/verifier-options.js';
import { T_FIXED, controlled, expectCode, makeVerifier } from './support/verifier-under-test.js';

// Single flight per token: N concurrent first sights of one token cost one key lookup and one
// signature check. Observables, none of them timing-based:
// - key lookups through the verifier's key source (the `controlled` wrapper): every full
//   verification looks its key up exactly once, right before its one signature check (node:crypto,
//   which a test cannot spy on in ESM), so lookups count signature checks;
// - the public `cached` flag: `false` for the one call that verified, `true` for the ones that joined.
// Only a verification that waits (here: the first lookup, while the key is imported) can be joined;
// once the key is imported a verification completes within its own call, so there is nothing to join.
// The served JWKS's fetchCount is *not* an observable for this: the remote key resolver already
// shares one fetch among concurrent lookups, so it is 1 with or without token single flight.

const N = 100;

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ serve: 'none', now: T_FIXED });
});
afterAll(() => issuer.close());

/** A verifier whose key lookups (= full verifications, = signature checks) are counted. */
function countingVerifier(options: VerifierOptions): { verifier: AccessTokenVerifier; signatureChecks: () => number } {
  let source: ReturnType<typeof controlled> | undefined;
  const verifier = makeVerifier(options, (inner) => (source = controlled(inner)));
  return { verifier, signatureChecks: () => source!.lookups };
}

/** Key lookups that always answer with a promise, as a key source that has to import or fetch. */
function asynchronous(inner: VerifierKeySource): VerifierKeySource {
  return { ...inner, getKey: async (header) => inner.getKey(header) };
}

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
    const { verifier, signatureChecks } = countingVerifier(issuer.verifierOptions());
    const token = await issuer.token({ sub: 'alice' });

    const results = await Promise.all(Array.from({ length: N }, () => verifier.verify(token)));

    expect(signatureChecks()).toBe(1);
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

      const results = await Promise.all(Array.from({ length: N }, () => verifier.verify(token)));

      expect(countFlags(results)).toEqual({ fresh: 1, joined: N - 1 });
      expect(served.jwksServer.fetchCount).toBe(1); // one key-set fetch (the resolver's own single flight)
    } finally {
      await served.close();
    }
  });

  it('coalesces with the verified-token cache off too, and only within the in-flight window', async () => {
    const { verifier, signatureChecks } = countingVerifier({ ...issuer.verifierOptions(), cache: false });
    const token = await issuer.token();

    const burst = await Promise.all(Array.from({ length: N }, () => verifier.verify(token)));
    expect(signatureChecks()).toBe(1);
    expect(countFlags(burst)).toEqual({ fresh: 1, joined: N - 1 });

    // Once settled, nothing is kept: without the cache the next call checks the signature again.
    const later = await verifier.verify(token);
    expect(later.cached).toBe(false);
    expect(signatureChecks()).toBe(2);
  });

  it('does not coalesce different tokens', async () => {
    const { verifier, signatureChecks } = countingVerifier(issuer.verifierOptions());
    const tokens = await Promise.all([issuer.token({ sub: 'a' }), issuer.token({ sub: 'b' })]);

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
    const { verifier, signatureChecks } = countingVerifier({ ...issuer.verifierOptions(), revocation: store });

    const token = await issuer.token();
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
    const verifier = makeVerifier(issuer.verifierOptions(), (inner) => asynchronous((source = controlled(inner))));
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

  /** A verifier whose key lookups wait for `source().release()` and whose reload waits for `openReload()`. */
  function withHeldReload() {
    let source: ReturnType<typeof gated> | undefined;
    let openReload!: () => void;
    const reloadGate = new Promise<void>((resolve) => (openReload = resolve));
    const verifier = makeVerifier(issuer.verifierOptions(), (inner) => {
      source = gated({
        getKey: (header) => inner.getKey(header),
        reload: async () => (await reloadGate, inner.reload()),
        status: () => inner.status(),
      });
      return source;
    });
    return { verifier, source: () => source!, openReload };
  }

  it('a call made while reloadKeys() runs does not join a verification started before it', async () => {
    const { verifier, source, openReload } = withHeldReload();
    const token = await issuer.token();

    const before = verifier.verify(token);
    await settle();
    const reloading = verifier.reloadKeys();
    const during = verifier.verify(token);
    await settle();
    source().release();
    openReload();
    await reloading;

    const results = await Promise.all([before, during]);
    expect(source().lookups).toBe(2);
    expect(results.map((r) => r.cached)).toEqual([false, false]);
  });

  it('a call made after reloadKeys() does not join a verification started while it ran', async () => {
    const { verifier, source, openReload } = withHeldReload();
    const token = await issuer.token();

    const reloading = verifier.reloadKeys();
    const during = verifier.verify(token);
    await settle();
    openReload();
    await reloading;
    const after = verifier.verify(token);
    await settle();
    source().release();

    const results = await Promise.all([during, after]);
    expect(source().lookups).toBe(2);
    expect(results.map((r) => r.cached)).toEqual([false, false]);
  });
});
