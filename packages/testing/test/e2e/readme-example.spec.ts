// The README's "Testing your API" example, verbatim: keeps the documentation runnable.
// test/access-tokens.spec.ts (Jest, native ESM)
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAccessTokenVerifier } from '@portcullis/core';
import { createTestIssuer, type TestIssuer } from '@portcullis/testing';

describe('access tokens', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer({ now: Date.parse('2030-01-01T00:00:00Z') });
  });
  afterAll(() => issuer.close());

  it('accepts a token from the issuer', async () => {
    const verifier = createAccessTokenVerifier(issuer.verifierOptions());
    const token = await issuer.token({ sub: 'alice', scope: ['orders:read'], roles: ['customer'] });
    await expect(verifier.verify(token)).resolves.toMatchObject({ claims: { sub: 'alice' } });
  });

  it('refuses it once expired (the verifier reads the issuer clock)', async () => {
    const verifier = createAccessTokenVerifier(issuer.verifierOptions());
    const token = await issuer.token(); // exp = iat + 300 s
    issuer.clock.advance(400);
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'ERR_TOKEN_EXPIRED' });
    issuer.clock.advance(-400);
  });

  it.each(['alg-none', 'hs-rs-confusion', 'wrong-audience', 'missing-claim:exp', 'crit'] as const)(
    'refuses %s',
    async (kind) => {
      const verifier = createAccessTokenVerifier(issuer.verifierOptions());
      await expect(verifier.verify(await issuer.badToken(kind))).rejects.toThrow();
    },
  );
});
