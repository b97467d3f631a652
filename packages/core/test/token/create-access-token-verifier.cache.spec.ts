import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import type { AccessTokenVerifier } from '../../src/token/access-token-verifier.js';
import type { VerifierOptions } from '../../src/token/verifier-options.js';
import { NOW, T_FIXED, controlled, expectCode, makeVerifier } from './support/verifier-under-test.js';
import type { ControlledKeySource } from './support/verifier-under-test.js';

// The verified-token cache, observed through behaviour: a key source that can be switched off
// ("the key left the key set") shows whether a verification needed the key at all.

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ serve: 'none', now: T_FIXED });
});
beforeEach(() => issuer.clock.freeze(T_FIXED));
afterAll(() => issuer.close());

function setup(extra: Partial<VerifierOptions> = {}): { verifier: AccessTokenVerifier; keys: ControlledKeySource } {
  let keys!: ControlledKeySource;
  const verifier = makeVerifier({ ...issuer.verifierOptions(), ...extra }, (source) => (keys = controlled(source)));
  return { verifier, keys };
}

describe('verified-token cache', () => {
  it('a hit skips the key lookup and signature check, and says so', async () => {
    const { verifier, keys } = setup();
    const token = await issuer.token();
    const first = await verifier.verify(token);
    expect(first.cached).toBe(false);
    expect(keys.lookups).toBe(1);
    const second = await verifier.verify(token);
    expect(second.cached).toBe(true);
    expect(keys.lookups).toBe(1);
    expect(second.claims).toBe(first.claims); // the same frozen object
    expect(second.tokenHash).toBe(first.tokenHash);
    expect(Object.isFrozen(second)).toBe(true);
  });

  it('after the key is gone, the cached token keeps working until exp (+ tolerance), then stops', async () => {
    const { verifier, keys } = setup();
    const token = await issuer.token({}, { expiresIn: 300 });
    await verifier.verify(token);
    keys.enabled = false;
    await expectCode(verifier.verify(await issuer.token()), 'ERR_KEY_NOT_FOUND'); // a fresh token needs the key
    issuer.clock.advance(304);
    await expect(verifier.verify(token)).resolves.toMatchObject({ cached: true }); // exp 300 > now 304 − 5
    issuer.clock.advance(1);
    await expectCode(verifier.verify(token), 'ERR_TOKEN_EXPIRED', { claim: 'exp' });
    // The entry is gone: back in time, the token needs the (missing) key again.
    issuer.clock.freeze(T_FIXED);
    await expectCode(verifier.verify(token), 'ERR_KEY_NOT_FOUND');
  });

  it('a hit re-checks nbf and iat against the clock', async () => {
    const { verifier, keys } = setup();
    const token = await issuer.token({ nbf: NOW, iat: NOW });
    await verifier.verify(token);
    keys.enabled = false;
    issuer.clock.advance(-6);
    await expectCode(verifier.verify(token), 'ERR_TOKEN_NOT_YET_VALID', { claim: 'nbf' });
    const noNbf = setup();
    const t2 = await issuer.token();
    await noNbf.verifier.verify(t2);
    issuer.clock.advance(-100);
    await expectCode(noNbf.verifier.verify(t2), 'ERR_TOKEN_NOT_YET_VALID', { claim: 'iat' });
  });

  it('a hit re-checks maxTokenAge', async () => {
    const { verifier } = setup({ maxTokenAge: 60 });
    const token = await issuer.token({}, { expiresIn: 3600 });
    await verifier.verify(token);
    issuer.clock.advance(65);
    await expect(verifier.verify(token)).resolves.toMatchObject({ cached: true });
    issuer.clock.advance(1);
    await expectCode(verifier.verify(token), 'ERR_CLAIM_INVALID', { claim: 'iat' });
  });

  it('is bounded, least recently used out first', async () => {
    const { verifier, keys } = setup({ cache: { maxEntries: 2 } });
    const [a, b, c] = await Promise.all([issuer.token(), issuer.token(), issuer.token()]);
    await verifier.verify(a!);
    await verifier.verify(b!);
    await verifier.verify(a!); // a is now the most recently used
    await verifier.verify(c!); // evicts b
    keys.enabled = false;
    await expect(verifier.verify(a!)).resolves.toMatchObject({ cached: true });
    await expect(verifier.verify(c!)).resolves.toMatchObject({ cached: true });
    await expectCode(verifier.verify(b!), 'ERR_KEY_NOT_FOUND');
  });

  it('cache: false verifies every call in full', async () => {
    const { verifier, keys } = setup({ cache: false });
    const token = await issuer.token();
    await verifier.verify(token);
    await expect(verifier.verify(token)).resolves.toMatchObject({ cached: false });
    expect(keys.lookups).toBe(2);
  });

  it('failures are not cached', async () => {
    const { verifier, keys } = setup();
    const token = await issuer.badToken('tampered-signature');
    await expectCode(verifier.verify(token), 'ERR_SIGNATURE_INVALID');
    await expectCode(verifier.verify(token), 'ERR_SIGNATURE_INVALID');
    expect(keys.lookups).toBe(2);
  });

  it('reloadKeys() empties the cache and reloads the key source', async () => {
    const { verifier, keys } = setup();
    const token = await issuer.token();
    await verifier.verify(token);
    await verifier.reloadKeys();
    expect(keys.reloads).toBe(1);
    keys.enabled = false;
    await expectCode(verifier.verify(token), 'ERR_KEY_NOT_FOUND');
  });

  it('a verification in flight during reloadKeys() does not repopulate the cache', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let keys!: ControlledKeySource;
    const verifier = makeVerifier(issuer.verifierOptions(), (source) => {
      keys = controlled({
        getKey: async (header) => (await gate, source.getKey(header)),
        reload: () => source.reload(),
        status: () => source.status(),
      });
      return keys;
    });
    const token = await issuer.token();
    const pending = verifier.verify(token);
    await verifier.reloadKeys();
    release();
    await expect(pending).resolves.toMatchObject({ cached: false });
    keys.enabled = false;
    await expectCode(verifier.verify(token), 'ERR_KEY_NOT_FOUND');
  });

  it('two different tokens with identical claims are two entries', async () => {
    const { verifier, keys } = setup();
    const claims = { jti: 'same', iat: NOW, exp: NOW + 60 };
    const t1 = await issuer.token(claims, { alg: 'ES256' });
    const t2 = await issuer.token(claims, { alg: 'RS256' });
    await verifier.verify(t1);
    await verifier.verify(t2);
    expect(keys.lookups).toBe(2);
  });
});
