import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import { PortcullisError } from '../../src/errors/portcullis-error.js';
import { validateVerifierOptions } from '../../src/internal/validate-verifier-options.js';
import { InMemoryRevocationStore } from '../../src/revocation/in-memory-revocation-store.js';
import { createAccessTokenVerifier } from '../../src/token/create-access-token-verifier.js';
import { hashToken } from '../../src/token/hash-token.js';
import type { VerifierOptions } from '../../src/token/verifier-options.js';
import { NOW, T_FIXED, decodeJson, expectCode, makeVerifier, segments } from './support/verifier-under-test.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ serve: 'none', now: T_FIXED, algorithms: ['ES256', 'RS256', 'EdDSA', 'PS256'] });
});
afterAll(() => issuer.close());

const base = (): VerifierOptions => issuer.verifierOptions();

describe('createAccessTokenVerifier — options are validated once, with how-to-fix TypeErrors', () => {
  const bad: Array<[string, Partial<Record<keyof VerifierOptions, unknown>>, RegExp]> = [
    ['missing issuer', { issuer: undefined }, /'issuer' must be a non-empty string/],
    ['empty issuer', { issuer: '' }, /'issuer' must be a non-empty string/],
    ['issuer array', { issuer: ['a'] }, /'issuer' must be a non-empty string/],
    ['missing audience', { audience: undefined }, /'audience' must be a non-empty string or a non-empty array/],
    ['empty audience array', { audience: [] }, /'audience'/],
    ['audience array with a number', { audience: ['a', 1] }, /'audience'/],
    ['empty algorithms', { algorithms: [] }, /'algorithms' must be a non-empty array/],
    ['none', { algorithms: ['ES256', 'none'] }, /never contain 'none'/],
    ['NONE', { algorithms: ['NONE'] }, /never contain 'none'/],
    [
      'HS256 without secret',
      { algorithms: ['HS256'] },
      /symmetric algorithm; it is only allowed together with 'secret/,
    ],
    ['unknown alg', { algorithms: ['RS257'] }, /unsupported "RS257"/],
    ['lower-case alg', { algorithms: ['es256'] }, /unsupported "es256".*case-sensitive/],
    ['typ empty', { typ: '' }, /'typ' must be a media type/],
    ['typ true', { typ: true }, /'typ' must be a media type/],
    ['requiredClaims without exp', { requiredClaims: ['iss', 'aud'] }, /must include 'exp'/],
    ['requiredClaims not an array', { requiredClaims: 'exp' }, /'requiredClaims' must be an array/],
    [
      'negative clockTolerance',
      { clockTolerance: -1 },
      /'clockTolerance' must be a number of seconds between 0 and 300/,
    ],
    ['huge clockTolerance', { clockTolerance: 3600 }, /'clockTolerance'/],
    ['clockTolerance just over the 300 s maximum', { clockTolerance: 301 }, /'clockTolerance'/],
    ['zero maxTokenAge', { maxTokenAge: 0 }, /'maxTokenAge' must be a positive number/],
    ['NaN maxTokenLifetime', { maxTokenLifetime: Number.NaN }, /'maxTokenLifetime' must be a positive number/],
    ['fractional maxTokenSize', { maxTokenSize: 10.5 }, /'maxTokenSize' must be a positive integer/],
    ['cache true', { cache: true }, /'cache' must be false or \{ maxEntries/],
    ['cache maxEntries 0', { cache: { maxEntries: 0 } }, /'cache'/],
    ['revocation without isRevoked', { revocation: {} }, /'revocation' must be a RevocationStore/],
    ['revocationTimeout 0', { revocationTimeout: 0 }, /'revocationTimeout' must be a positive number/],
    // setTimeout turns a delay over 2^31 − 1 ms into 1 ms: every async store answer would be a 503.
    [
      'revocationTimeout over 2^31 − 1',
      { revocationTimeout: 2 ** 31 },
      /'revocationTimeout' must be .* at most 2147483647/,
    ],
    ['now not a function', { now: 5 }, /'now' must be a function/],
  ];
  it.each(bad)('%s', (_name, patch, message) => {
    const options = { ...base(), ...patch } as VerifierOptions;
    expect(() => validateVerifierOptions(options)).toThrow(TypeError);
    expect(() => validateVerifierOptions(options)).toThrow(message);
  });

  it('accepts clockTolerance at both ends of 0–300 s', () => {
    expect(validateVerifierOptions({ ...base(), clockTolerance: 0 }).clockTolerance).toBe(0);
    expect(validateVerifierOptions({ ...base(), clockTolerance: 300 }).clockTolerance).toBe(300);
  });

  it('refuses an unknown option: a misspelt security option must not be silently ignored', () => {
    // `revocaton` would otherwise leave revocation off; `maxTokenLifetme` would keep the 24 h default.
    const store = new InMemoryRevocationStore({ now: issuer.clock.now });
    const typo = { ...base(), revocaton: store } as unknown as VerifierOptions;
    expect(() => createAccessTokenVerifier(typo)).toThrow(TypeError);
    expect(() => createAccessTokenVerifier(typo)).toThrow(/unknown option 'revocaton'/);
    expect(() => validateVerifierOptions({ ...base(), maxTokenLifetme: 900 } as unknown as VerifierOptions)).toThrow(
      /unknown option 'maxTokenLifetme'/,
    );
    expect(() =>
      validateVerifierOptions({ ...base(), cache: { maxEntrys: 10 } } as unknown as VerifierOptions),
    ).toThrow(/'cache' must be false or \{ maxEntries/);
  });

  it('refuses a revocation store when requiredClaims cannot build its query', () => {
    const revocation = { isRevoked: () => false, revokeToken: () => undefined, revokeSubject: () => undefined };
    expect(() =>
      validateVerifierOptions({ ...base(), revocation, requiredClaims: ['iss', 'aud', 'exp', 'sub', 'iat'] }),
    ).toThrow(/must include 'jti' when 'revocation' is set/);
  });

  it('refuses an InMemoryRevocationStore that forgets revocations while the clock tolerance still accepts the token', () => {
    // The store drops a jti at exp + leeway; the verifier accepts a token until exp + clockTolerance.
    // With leeway 60 and clockTolerance 120 a revoked token would work again for a minute.
    const revocation = new InMemoryRevocationStore({ now: issuer.clock.now });
    expect(() => validateVerifierOptions({ ...base(), clockTolerance: 120, revocation })).toThrow(TypeError);
    expect(() => validateVerifierOptions({ ...base(), clockTolerance: 120, revocation })).toThrow(
      /'revocation' forgets revocations 60 s after exp, but 'clockTolerance' accepts tokens 120 s after it/,
    );
    expect(() => validateVerifierOptions({ ...base(), clockTolerance: 60, revocation })).not.toThrow();
    // The bound is exact: one second short of the tolerance is already a window.
    const short = new InMemoryRevocationStore({ now: issuer.clock.now, leeway: 59 });
    expect(() => validateVerifierOptions({ ...base(), clockTolerance: 60, revocation: short })).toThrow(TypeError);
    const lasting = new InMemoryRevocationStore({ now: issuer.clock.now, leeway: 120 });
    expect(() => validateVerifierOptions({ ...base(), clockTolerance: 120, revocation: lasting })).not.toThrow();
  });

  it('checks any store that declares its leeway the same way, e.g. a wrapper passing its inner store’s on', () => {
    const inner = new InMemoryRevocationStore({ now: issuer.clock.now, leeway: 30 });
    const wrapper = {
      isRevoked: (q: Parameters<typeof inner.isRevoked>[0]) => inner.isRevoked(q),
      revokeToken: (jti: string, exp: number) => inner.revokeToken(jti, exp),
      revokeSubject: (sub: string, iat: number, until: number) => inner.revokeSubject(sub, iat, until),
      get leeway() {
        return inner.leeway;
      },
    };
    expect(() => validateVerifierOptions({ ...base(), clockTolerance: 60, revocation: wrapper })).toThrow(
      /'revocation' forgets revocations 30 s after exp, but 'clockTolerance' accepts tokens 60 s after it; give the store a leeway of 60 s or more/,
    );
    expect(() => validateVerifierOptions({ ...base(), clockTolerance: 30, revocation: wrapper })).not.toThrow();
    // A store that declares nothing is not checked; one that declares nonsense is refused.
    const { leeway: _leeway, ...undeclared } = Object.getOwnPropertyDescriptors(wrapper);
    expect(() => validateVerifierOptions({ ...base(), clockTolerance: 60, revocation: Object.defineProperties({}, undeclared) as typeof wrapper })).not.toThrow();
    for (const leeway of [-1, Number.NaN, '60']) {
      expect(() => validateVerifierOptions({ ...base(), revocation: { ...wrapper, leeway } as unknown as typeof wrapper })).toThrow(
        /'revocation.leeway' must be a number of seconds >= 0/,
      );
    }
  });

  it('symmetric verifiers: HS256 only, and only with secret', () => {
    const secret = { key: 'k'.repeat(32), allowSymmetric: true as const };
    const opts = { issuer: 'https://as', audience: 'https://api', secret };
    expect(validateVerifierOptions(opts).policy.algorithmList).toEqual(['HS256']);
    expect(() => validateVerifierOptions({ ...opts, algorithms: ['RS256'] })).toThrow(
      /'secret' is set: a shared-secret verifier accepts HS256 only/,
    );
    expect(() => validateVerifierOptions({ ...opts, algorithms: ['HS512'] })).toThrow(
      /a shared secret verifies HS256 only/,
    );
    expect(() => createAccessTokenVerifier({ ...opts, secret: { key: 'short', allowSymmetric: true } })).toThrow(
      /at least 32 bytes/,
    );
  });

  it('applies the documented defaults', () => {
    const resolved = validateVerifierOptions(base());
    expect(resolved.policy.algorithmList).toEqual(['RS256', 'PS256', 'ES256', 'EdDSA', 'Ed25519']);
    expect(resolved.policy.typ).toBe('application/at+jwt');
    expect(resolved.policy.maxTokenSize).toBe(8192);
    expect(resolved.requiredClaims).toEqual(['iss', 'aud', 'exp', 'iat', 'sub', 'jti', 'client_id']);
    expect(resolved.clockTolerance).toBe(5);
    expect(resolved.maxTokenAge).toBeUndefined();
    expect(resolved.maxTokenLifetime).toBe(86_400);
    expect(resolved.cacheMaxEntries).toBe(10_000);
    expect(resolved.revocationTimeout).toBe(1000);
  });
});

describe('createAccessTokenVerifier — valid tokens (positive controls)', () => {
  it.each(['ES256', 'RS256', 'EdDSA', 'PS256'] as const)(
    'accepts a valid %s access token and returns its header, claims and hash',
    async (alg) => {
      const verifier = makeVerifier(base());
      const token = await issuer.token({ scope: 'orders:read', org_id: 'acme' }, { alg });
      const verified = await verifier.verify(token);
      expect(verified.header).toEqual(decodeJson(segments(token)[0]));
      expect(verified.header.alg).toBe(alg);
      expect(verified.claims).toEqual(decodeJson(segments(token)[1]));
      expect(verified.claims).toMatchObject({
        iss: issuer.issuer,
        aud: issuer.audience,
        sub: 'test-user',
        client_id: 'test-client',
        scope: 'orders:read',
        iat: NOW,
        exp: NOW + 300,
      });
      expect(verified.tokenHash).toBe(hashToken(token));
      expect(verified.cached).toBe(false);
    },
  );

  it('names every refused credential by its hash, on the sync and the async path (never the token)', async () => {
    const refusal = async (verifier: ReturnType<typeof makeVerifier>, token: string): Promise<PortcullisError> => {
      const error: unknown = await verifier.verify(token).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PortcullisError);
      return error as PortcullisError;
    };
    const verifier = makeVerifier(base());
    for (const token of [
      await issuer.badToken('expired'),
      await issuer.badToken('wrong-audience'),
      await issuer.badToken('tampered-signature'),
    ]) {
      const error = await refusal(verifier, token);
      expect(error.tokenHash).toBe(hashToken(token));
      expect(`${error.message} ${error.reason ?? ''}`).not.toContain(token);
    }
    // A revocation store that fails later: refused on the promise path, named all the same.
    const failing = makeVerifier({
      ...base(),
      revocation: {
        isRevoked: () => Promise.reject(new Error('store down')),
        revokeToken: () => Promise.resolve(),
        revokeSubject: () => Promise.resolve(),
      },
    });
    const token = await issuer.token();
    const error = await refusal(failing, token);
    expect(error.code).toBe('ERR_REVOCATION_UNAVAILABLE');
    expect(error.tokenHash).toBe(hashToken(token));
  });

  it('returns deep-frozen results: a request cannot change what the next one sees', async () => {
    const verifier = makeVerifier(base());
    const token = await issuer.token({ realm_access: { roles: ['support'] }, roles: ['customer'] });
    const verified = await verifier.verify(token);
    expect(Object.isFrozen(verified)).toBe(true);
    expect(Object.isFrozen(verified.claims)).toBe(true);
    expect(Object.isFrozen(verified.header)).toBe(true);
    expect(Object.isFrozen(verified.claims['realm_access'])).toBe(true);
    expect(Object.isFrozen((verified.claims['realm_access'] as { roles: string[] }).roles)).toBe(true);
    expect(() => {
      (verified.claims['roles'] as string[]).push('admin');
    }).toThrow(TypeError);
    const again = await verifier.verify(token);
    expect(again.claims['roles']).toEqual(['customer']);
  });

  it('accepts a configured audience list when the token names one of them', async () => {
    const verifier = makeVerifier({ ...base(), audience: ['https://other.example.test', issuer.audience] });
    await expect(verifier.verify(await issuer.token())).resolves.toMatchObject({ cached: false });
  });

  it('a custom typ and custom required claims are honoured', async () => {
    const verifier = makeVerifier({
      ...base(),
      typ: 'application/custom+jwt',
      requiredClaims: ['iss', 'aud', 'exp', 'org_id'],
    });
    await expect(verifier.verify(await issuer.token({ org_id: 'acme' }, { typ: 'custom+jwt' }))).resolves.toBeDefined();
    await expectCode(verifier.verify(await issuer.token({}, { typ: 'custom+jwt' })), 'ERR_CLAIM_INVALID', {
      claim: 'org_id',
    });
    await expectCode(verifier.verify(await issuer.token({ org_id: 'acme' })), 'ERR_INVALID_TOKEN_TYPE');
  });

  it('typ: false disables the typ check (documented as not recommended)', async () => {
    const verifier = makeVerifier({ ...base(), typ: false });
    await expect(verifier.verify(await issuer.token({}, { typ: null }))).resolves.toBeDefined();
  });

  it('keySetStatus() reports the key source', () => {
    expect(makeVerifier(base()).keySetStatus().source).toBe('local');
  });

  it('refuses non-string and empty input as malformed', async () => {
    const verifier = makeVerifier(base());
    await expectCode(verifier.verify(undefined as unknown as string), 'ERR_MALFORMED_TOKEN');
    await expectCode(verifier.verify(42 as unknown as string), 'ERR_MALFORMED_TOKEN');
    await expectCode(verifier.verify(''), 'ERR_MALFORMED_TOKEN');
  });

  it('a clock that returns garbage fails closed', async () => {
    const verifier = makeVerifier({ ...base(), now: () => Number.NaN });
    await expectCode(verifier.verify(await issuer.token()), 'ERR_INTERNAL');
  });
});
