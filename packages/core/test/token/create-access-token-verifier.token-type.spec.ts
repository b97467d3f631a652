import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import { toHttpResponse } from '../../src/errors/to-http-response.js';
import type { AccessTokenVerifier } from '../../src/token/access-token-verifier.js';
import { NOW, T_FIXED, b64u, controlled, expectCode, makeVerifier } from './support/verifier-under-test.js';
import type { ControlledKeySource } from './support/verifier-under-test.js';

// SPEC B6 (token-type confusion, cases 94–101) and B7 (size and resource consumption, cases
// 103–107) at the core level.

let issuer: TestIssuer;
let verifier: AccessTokenVerifier;
let keys: ControlledKeySource;
beforeAll(async () => {
  issuer = await createTestIssuer({ serve: 'none', now: T_FIXED });
  verifier = makeVerifier(issuer.verifierOptions(), (source) => (keys = controlled(source)));
});
afterAll(() => issuer.close());

describe('SPEC B6 — token-type confusion', () => {
  it('case 94: an OIDC ID token of the same issuer → 401 not an access token', async () => {
    const error = await expectCode(verifier.verify(await issuer.badToken('id-token')), 'ERR_INVALID_TOKEN_TYPE');
    expect(toHttpResponse(error, { realm: 'orders' }).headers['www-authenticate']).toBe(
      'Bearer realm="orders", error="invalid_token", error_description="The token is not an access token"',
    );
  });

  it('case 95: typ "JWT" → 401', async () => {
    await expectCode(verifier.verify(await issuer.badToken('wrong-typ')), 'ERR_INVALID_TOKEN_TYPE');
    await expectCode(verifier.verify(await issuer.token({}, { typ: 'application/jwt' })), 'ERR_INVALID_TOKEN_TYPE');
  });

  it('case 96: no typ → 401', async () => {
    await expectCode(verifier.verify(await issuer.badToken('missing-typ')), 'ERR_INVALID_TOKEN_TYPE');
  });

  it.each(['at+jwt', 'application/at+jwt', 'AT+JWT', 'at+JWT', 'Application/AT+JWT'])(
    'case 97: typ %j → accepted (media types compare case-insensitively)',
    async (typ) => {
      await expect(verifier.verify(await issuer.token({}, { typ }))).resolves.toBeDefined();
    },
  );

  it.each(['at+jwt ', 'application/at+jwt; x=1', 'text/at+jwt', 'jwt+at', 'at-jwt', ''])(
    'typ %j is not at+jwt → 401',
    async (typ) => {
      await expectCode(verifier.verify(await issuer.token({}, { typ })), 'ERR_INVALID_TOKEN_TYPE');
    },
  );

  it('typ of another JSON type (number, array) → 401', async () => {
    for (const typ of [1, ['at+jwt'], null]) {
      await expectCode(verifier.verify(await issuer.token({}, { header: { typ } })), 'ERR_INVALID_TOKEN_TYPE');
    }
  });

  it('case 98: a DPoP proof (typ dpop+jwt) presented as the access token → 401', async () => {
    const proof = await issuer.token(
      { htm: 'GET', htu: 'https://api.example.test/orders', jti: 'p1' },
      { typ: 'dpop+jwt' },
    );
    await expectCode(verifier.verify(proof), 'ERR_INVALID_TOKEN_TYPE');
  });

  it('case 99: a back-channel logout token (typ logout+jwt) → 401', async () => {
    const logout = await issuer.token(
      { events: { 'http://schemas.openid.net/event/backchannel-logout': {} } },
      { typ: 'logout+jwt' },
    );
    await expectCode(verifier.verify(logout), 'ERR_INVALID_TOKEN_TYPE');
  });

  it('case 100: opaque refresh tokens / authorization codes as Bearer → 401 malformed', async () => {
    for (const opaque of [
      b64u(randomBytes(32)),
      'rt_' + b64u(randomBytes(24)),
      `${b64u(randomBytes(16))}.${b64u(randomBytes(16))}`,
    ]) {
      await expectCode(verifier.verify(opaque), 'ERR_MALFORMED_TOKEN');
    }
  });

  it('case 101: a private_key_jwt client assertion → 401 (typ; and aud, if it were typed at+jwt)', async () => {
    const assertion = {
      iss: 'orders-web',
      sub: 'orders-web',
      aud: `${issuer.issuer}/token`,
      jti: 'a1',
      iat: NOW,
      exp: NOW + 60,
    };
    await expectCode(
      verifier.verify(await issuer.token({ ...assertion, client_id: undefined }, { typ: 'JWT' })),
      'ERR_INVALID_TOKEN_TYPE',
    );
    await expectCode(
      verifier.verify(await issuer.token({ ...assertion, client_id: undefined }, { typ: null })),
      'ERR_INVALID_TOKEN_TYPE',
    );
    await expectCode(verifier.verify(await issuer.token({ ...assertion, iss: issuer.issuer })), 'ERR_CLAIM_INVALID', {
      claim: 'aud',
    });
  });
});

describe('SPEC B7 — size and resource consumption', () => {
  it('case 103: 20 KiB of "A" → 401 malformed before any decoding or key lookup', async () => {
    const before = keys.lookups;
    await expectCode(verifier.verify('A'.repeat(20 * 1024)), 'ERR_MALFORMED_TOKEN');
    await expectCode(verifier.verify(`${'A'.repeat(10 * 1024)}.${'A'.repeat(10 * 1024)}.AAAA`), 'ERR_MALFORMED_TOKEN');
    expect(keys.lookups).toBe(before);
  });

  it('case 104: a validly signed 9 KiB token → 401 at the size cap, no key lookup', async () => {
    const oversized = await issuer.badToken('oversized');
    expect(oversized.length).toBeGreaterThan(8192);
    const before = keys.lookups;
    const error = await expectCode(verifier.verify(oversized), 'ERR_MALFORMED_TOKEN');
    expect(error.reason).toMatch(/maxTokenSize/);
    expect(keys.lookups).toBe(before);
    // The same token passes where the cap is raised: the size was its only defect.
    const roomy = makeVerifier({ ...issuer.verifierOptions(), maxTokenSize: 16_384 });
    await expect(roomy.verify(oversized)).resolves.toBeDefined();
  });

  it('case 105: many tokens with fresh random kids → all 401 key not found', async () => {
    const tokens = await Promise.all(Array.from({ length: 200 }, () => issuer.badToken('unknown-kid')));
    const results = await Promise.allSettled(tokens.map((t) => verifier.verify(t)));
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'ERR_KEY_NOT_FOUND', status: 401 });
    }
  });

  it('case 106: PBES2 JWE with p2c = 2^31−1 → 401 at once, no key derivation', async () => {
    const header = b64u(
      JSON.stringify({ alg: 'PBES2-HS256+A128KW', enc: 'A128GCM', p2c: 2147483647, p2s: 'AAAAAAAAAAAAAAAAAAAAAA' }),
    );
    const jwe = `${header}.${b64u(randomBytes(24))}.${b64u(randomBytes(12))}.${b64u(randomBytes(32))}.${b64u(randomBytes(16))}`;
    await expectCode(verifier.verify(jwe), 'ERR_MALFORMED_TOKEN');
    // The same header squeezed into a 3-part shape is refused by the header policy.
    await expectCode(verifier.verify(`${header}.${b64u('{}')}.${b64u(randomBytes(32))}`), 'ERR_ALGORITHM_NOT_ALLOWED');
  });

  it('case 107: JWE with zip DEF → 401, nothing decompressed', async () => {
    const header = b64u(JSON.stringify({ alg: 'dir', enc: 'A128GCM', zip: 'DEF' }));
    await expectCode(
      verifier.verify(`${header}..${b64u(randomBytes(12))}.${b64u(randomBytes(64))}.${b64u(randomBytes(16))}`),
      'ERR_MALFORMED_TOKEN',
    );
    await expectCode(verifier.verify(await issuer.token({}, { header: { zip: 'DEF' } })), 'ERR_ALGORITHM_NOT_ALLOWED');
    await expectCode(
      verifier.verify(await issuer.token({}, { header: { enc: 'A128GCM' } })),
      'ERR_ALGORITHM_NOT_ALLOWED',
    );
  });
});
