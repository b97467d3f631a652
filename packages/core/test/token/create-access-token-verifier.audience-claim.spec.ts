import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import { validateVerifierOptions } from '../../src/internal/validate-verifier-options.js';
import type { AccessTokenVerifier } from '../../src/token/access-token-verifier.js';
import type { VerifierOptions } from '../../src/token/verifier-options.js';
import { T_FIXED, expectCode, makeVerifier } from './support/verifier-under-test.js';

// `audienceClaim: 'client_id'`: access tokens without `aud` (Amazon Cognito) are matched on their
// `client_id` instead. Truth table (audience = ['app-client-1']):
//
// | audienceClaim | aud           | client_id      | result                           |
// | ------------- | ------------- | -------------- | -------------------------------- |
// | default 'aud' | absent        | app-client-1   | ERR_CLAIM_INVALID (aud)          |
// | 'client_id'   | absent        | app-client-1   | accepted                         |
// | 'client_id'   | absent        | other-client   | ERR_CLAIM_INVALID (client_id)    |
// | 'client_id'   | absent        | absent         | ERR_CLAIM_INVALID (client_id)    |
// | 'client_id'   | absent        | ['app-client-1'] | ERR_CLAIM_INVALID (client_id)  |
// | 'client_id'   | 'another-api' | app-client-1   | accepted (aud is not compared)   |

const CLIENT = 'app-client-1';

let issuer: TestIssuer;
let byClientId: AccessTokenVerifier;
let byAud: AccessTokenVerifier;
beforeAll(async () => {
  issuer = await createTestIssuer({ serve: 'none', now: T_FIXED });
  byClientId = makeVerifier({ ...issuer.verifierOptions(), audience: CLIENT, audienceClaim: 'client_id' });
  byAud = makeVerifier({ ...issuer.verifierOptions(), audience: CLIENT });
});
afterAll(() => issuer.close());

/** A token with no `aud` claim at all, as Cognito issues them. */
const withoutAud = (claims: Record<string, unknown> = {}) =>
  issuer.token({ aud: undefined, client_id: CLIENT, ...claims });

describe('audienceClaim — options', () => {
  const base = (): VerifierOptions => ({ ...issuer.verifierOptions(), audience: CLIENT });

  it("defaults to 'aud' and keeps aud in the default required claims", () => {
    const resolved = validateVerifierOptions(base());
    expect(resolved.audienceClaim).toBe('aud');
    expect(resolved.requiredClaims).toEqual(['iss', 'aud', 'exp', 'iat', 'sub', 'jti', 'client_id']);
  });

  it("with 'client_id', drops aud from the default required claims and keeps client_id", () => {
    const resolved = validateVerifierOptions({ ...base(), audienceClaim: 'client_id' });
    expect(resolved.audienceClaim).toBe('client_id');
    expect(resolved.requiredClaims).toEqual(['iss', 'exp', 'iat', 'sub', 'jti', 'client_id']);
  });

  it.each([
    ['an unknown claim name', { audienceClaim: 'azp' }, /'audienceClaim' must be 'aud'.*or 'client_id'/],
    ['a non-string', { audienceClaim: true }, /'audienceClaim' must be 'aud'/],
    [
      "'client_id' without client_id in requiredClaims",
      { audienceClaim: 'client_id', requiredClaims: ['iss', 'exp', 'sub'] },
      /must include 'client_id' when 'audienceClaim' is 'client_id'/,
    ],
    ["'aud' without aud in requiredClaims", { requiredClaims: ['iss', 'exp', 'client_id'] }, /must include 'aud'/],
  ])('refuses %s with a TypeError that says how to fix it', (_name, patch, message) => {
    const options = { ...base(), ...patch } as VerifierOptions;
    expect(() => validateVerifierOptions(options)).toThrow(TypeError);
    expect(() => validateVerifierOptions(options)).toThrow(message);
  });
});

describe("audienceClaim: 'client_id' — verification", () => {
  it('accepts a token without aud whose client_id is one of the audience (header without typ, typ: false)', async () => {
    const verifier = makeVerifier({
      ...issuer.verifierOptions(),
      audience: ['some-other-client', CLIENT],
      audienceClaim: 'client_id',
      typ: false,
    });
    const token = await issuer.token({ aud: undefined, client_id: CLIENT }, { typ: null });
    const verified = await verifier.verify(token);
    expect(verified.claims.client_id).toBe(CLIENT);
    expect('aud' in verified.claims).toBe(false);
    expect(verified.header.typ).toBeUndefined();
  });

  it('accepts the same token again from the verified-token cache', async () => {
    const token = await withoutAud({ sub: 'cached-user' });
    expect((await byClientId.verify(token)).cached).toBe(false);
    expect((await byClientId.verify(token)).cached).toBe(true);
  });

  it('refuses a token issued to another client → ERR_CLAIM_INVALID naming client_id', async () => {
    await expectCode(byClientId.verify(await withoutAud({ client_id: 'other-client' })), 'ERR_CLAIM_INVALID', {
      claim: 'client_id',
    });
  });

  it('refuses a token without client_id → ERR_CLAIM_INVALID naming client_id', async () => {
    await expectCode(byClientId.verify(await withoutAud({ client_id: undefined })), 'ERR_CLAIM_INVALID', {
      claim: 'client_id',
    });
  });

  it.each([[[CLIENT]], [''], [1]])('refuses client_id %j (only an exact string matches)', async (clientId) => {
    await expectCode(byClientId.verify(await withoutAud({ client_id: clientId })), 'ERR_CLAIM_INVALID', {
      claim: 'client_id',
    });
  });

  it('is exact: case and whitespace variants of the client id are refused', async () => {
    for (const variant of [CLIENT.toUpperCase(), ` ${CLIENT}`, `${CLIENT}/`]) {
      await expectCode(byClientId.verify(await withoutAud({ client_id: variant })), 'ERR_CLAIM_INVALID', {
        claim: 'client_id',
      });
    }
  });

  it('does not compare aud (documented: audience holds client ids in this mode)', async () => {
    await expect(byClientId.verify(await withoutAud({ aud: 'https://another-api.example' }))).resolves.toBeDefined();
  });

  it('keeps every other check: issuer, expiry, typ', async () => {
    await expectCode(byClientId.verify(await withoutAud({ iss: 'https://evil.example' })), 'ERR_CLAIM_INVALID', {
      claim: 'iss',
    });
    await expectCode(
      byClientId.verify(await issuer.badToken('expired', { aud: undefined, client_id: CLIENT })),
      'ERR_TOKEN_EXPIRED',
    );
    await expectCode(
      byClientId.verify(await issuer.token({ aud: undefined, client_id: CLIENT }, { typ: 'JWT' })),
      'ERR_INVALID_TOKEN_TYPE',
    );
  });
});

describe("audienceClaim default ('aud')", () => {
  it('still refuses a token without aud, even when its client_id equals the audience', async () => {
    await expectCode(byAud.verify(await withoutAud()), 'ERR_CLAIM_INVALID', { claim: 'aud' });
  });

  it('accepts the same client id only in aud', async () => {
    await expect(byAud.verify(await issuer.token({ aud: CLIENT }))).resolves.toBeDefined();
  });
});
