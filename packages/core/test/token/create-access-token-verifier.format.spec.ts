import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import { toHttpResponse } from '../../src/errors/to-http-response.js';
import type { AccessTokenVerifier } from '../../src/token/access-token-verifier.js';
import { T_FIXED, b64u, controlled, expectCode, makeVerifier, segments } from './support/verifier-under-test.js';
import type { ControlledKeySource } from './support/verifier-under-test.js';

// SPEC B2 (cases 21–37): token format and parsing. Every bad token is minted for real by the test
// issuer (signed with its published key where a signature applies), so the defect named by the
// case is the only one.

let issuer: TestIssuer;
let verifier: AccessTokenVerifier;
let keys: ControlledKeySource;
let T0: string;
beforeAll(async () => {
  issuer = await createTestIssuer({ serve: 'none', now: T_FIXED });
  verifier = makeVerifier(issuer.verifierOptions(), (source) => (keys = controlled(source)));
  T0 = await issuer.token({ scope: 'orders:read orders:write', org_id: 'acme', roles: ['customer'] });
});
afterAll(() => issuer.close());

const es256Kid = (): string => issuer.jwks.keys.find((k) => k.alg === 'ES256')!.kid!;
const claims = (): Record<string, unknown> => ({
  iss: issuer.issuer,
  sub: 'user-alice',
  aud: issuer.audience,
  client_id: 'orders-web',
  iat: Math.floor(T_FIXED / 1000),
  exp: Math.floor(T_FIXED / 1000) + 300,
  jti: 'fixture-0001',
});

describe('SPEC B2 — token format', () => {
  it('positive control: T0 verifies', async () => {
    await expect(verifier.verify(T0)).resolves.toBeDefined();
  });

  it('case 21: two segments → 401 invalid_token, no key lookup', async () => {
    const before = keys.lookups;
    const error = await expectCode(verifier.verify('eyJhbGciOiJFUzI1NiJ9.e30'), 'ERR_MALFORMED_TOKEN');
    expect(toHttpResponse(error, { realm: 'orders' }).headers['www-authenticate']).toBe(
      'Bearer realm="orders", error="invalid_token", error_description="The access token is malformed"',
    );
    expect(keys.lookups).toBe(before);
  });

  it('case 22: four segments → 401', async () => {
    await expectCode(verifier.verify(`${T0}.eA`), 'ERR_MALFORMED_TOKEN');
  });

  it('case 23: ".." → 401', async () => {
    await expectCode(verifier.verify('..'), 'ERR_MALFORMED_TOKEN');
  });

  it('case 24: T0 with an extra empty component → 401', async () => {
    await expectCode(verifier.verify(`${T0}.`), 'ERR_MALFORMED_TOKEN');
  });

  it('case 25: a 5-part JWE → 401', async () => {
    const jwe = `${b64u('{"alg":"dir","enc":"A128GCM"}')}..${b64u('123456789012')}.${b64u('ciphertext')}.${b64u('tag-tag-tag-tag!')}`;
    await expectCode(verifier.verify(jwe), 'ERR_MALFORMED_TOKEN');
  });

  it('case 26: JWS JSON serialization, raw and base64url-encoded → 401', async () => {
    const [h, p, s] = segments(T0);
    const json = JSON.stringify({ protected: h, payload: p, signature: s });
    await expectCode(verifier.verify(json), 'ERR_MALFORMED_TOKEN');
    await expectCode(verifier.verify(b64u(json)), 'ERR_MALFORMED_TOKEN');
  });

  it('case 27: header re-encoded with "=" padding or the +/ alphabet → 401', async () => {
    // A kid whose header encodes to base64 containing '+' or '/' (found deterministically).
    const headerFor = (i: number): string =>
      JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: `${es256Kid()}?>~${i}` });
    let i = 0;
    while (!/[+/].*=$/.test(Buffer.from(headerFor(i)).toString('base64'))) i++;
    const header = headerFor(i);
    const token = await issuer.sign(header, claims(), { key: { kid: es256Kid() } });
    const [h, p, s] = segments(token);
    const padded = Buffer.from(header).toString('base64url') + '='.repeat((4 - (h.length % 4)) % 4);
    const standard = Buffer.from(header).toString('base64');
    await expectCode(verifier.verify(`${padded}.${p}.${s}`), 'ERR_MALFORMED_TOKEN');
    await expectCode(verifier.verify(`${standard}.${p}.${s}`), 'ERR_MALFORMED_TOKEN');
    await expectCode(verifier.verify(`${h}.${p}.${s}=`), 'ERR_MALFORMED_TOKEN');
  });

  it('case 27 (variant): a non-canonical encoding of the same bytes (non-zero padding bits) → 401', async () => {
    const [h, p, s] = segments(T0);
    // An ES256 signature is 64 bytes = 86 characters: the last one carries 4 unused bits.
    const last = s[s.length - 1]!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) | 0x01]!;
    expect(Buffer.from(s.slice(0, -1) + twin, 'base64url')).toEqual(Buffer.from(s, 'base64url')); // same bytes
    await expectCode(verifier.verify(`${h}.${p}.${s.slice(0, -1)}${twin}`), 'ERR_MALFORMED_TOKEN');
  });

  it('case 28: "?" inserted into the header segment (Wycheproof tc 372 shape) → 401', async () => {
    const [h, p, s] = segments(T0);
    await expectCode(verifier.verify(`${h.slice(0, 5)}?${h.slice(5)}.${p}.${s}`), 'ERR_MALFORMED_TOKEN');
    await expectCode(verifier.verify(`${h}.${p.slice(0, 5)}?${p.slice(5)}.${s}`), 'ERR_MALFORMED_TOKEN');
  });

  it('case 29: invalid UTF-8 in a validly signed header → 401', async () => {
    const bytes = Buffer.concat([
      Buffer.from(`{"alg":"ES256","typ":"at+jwt","kid":"${es256Kid()}","x":"k`),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    const token = await issuer.sign(new Uint8Array(bytes), claims(), { key: { kid: es256Kid() } });
    await expectCode(verifier.verify(token), 'ERR_MALFORMED_TOKEN');
  });

  it.each([['[]'], ['"x"'], ['null'], ['123'], ['{"alg":"ES256"'], ['']])(
    'case 30: header %j is not a JSON object → 401',
    async (header) => {
      const token =
        header === ''
          ? `.${segments(T0)[1]}.${segments(T0)[2]}`
          : await issuer.sign(header, claims(), { key: { kid: es256Kid() } });
      await expectCode(verifier.verify(token), 'ERR_MALFORMED_TOKEN');
    },
  );

  it('case 31: a validly signed array payload → 401', async () => {
    await expectCode(verifier.verify(await issuer.badToken('array-payload')), 'ERR_MALFORMED_TOKEN');
  });

  it.each([['"x"'], ['null'], ['123'], ['true'], [''], ['not json']])(
    'case 32: validly signed payload %j → 401',
    async (payload) => {
      const token = await issuer.sign({ alg: 'ES256', typ: 'at+jwt', kid: es256Kid() }, payload);
      await expectCode(verifier.verify(token), 'ERR_MALFORMED_TOKEN');
    },
  );

  it('case 33: duplicate "alg" (none, then ES256) with a valid ES256 signature → 401, never read as none', async () => {
    const token = await issuer.sign(`{"alg":"none","alg":"ES256","typ":"at+jwt","kid":"${es256Kid()}"}`, claims(), {
      key: { kid: es256Kid() },
    });
    const before = keys.lookups;
    await expectCode(verifier.verify(token), 'ERR_MALFORMED_TOKEN');
    expect(keys.lookups).toBe(before);
    // The reverse order, and a duplicate hidden behind a JSON escape, are refused the same way.
    const reverse = await issuer.sign(`{"alg":"ES256","typ":"at+jwt","kid":"${es256Kid()}","alg":"ES256"}`, claims(), {
      key: { kid: es256Kid() },
    });
    await expectCode(verifier.verify(reverse), 'ERR_MALFORMED_TOKEN');
    const escaped = await issuer.sign(
      `{"alg":"ES256","typ":"at+jwt","kid":"${es256Kid()}","\\u006bid":"other"}`,
      claims(),
      { key: { kid: es256Kid() } },
    );
    await expectCode(verifier.verify(escaped), 'ERR_MALFORMED_TOKEN');
  });

  it('case 33 (claims): a duplicate claim is read lexically-last by jose and by everything after it', async () => {
    // RFC 7515 §4 permits "lexically last"; the verifier and its callers share jose's one parse,
    // so they cannot disagree. The signature covers the exact bytes.
    const raw = `{"iss":${JSON.stringify(issuer.issuer)},"aud":${JSON.stringify(issuer.audience)},"sub":"alice","sub":"bob","client_id":"c","iat":${Math.floor(T_FIXED / 1000)},"exp":${Math.floor(T_FIXED / 1000) + 300},"jti":"j"}`;
    const token = await issuer.sign({ alg: 'ES256', typ: 'at+jwt', kid: es256Kid() }, raw);
    await expect(verifier.verify(token)).resolves.toMatchObject({ claims: { sub: 'bob' } });
  });

  it('case 34: 100 000 nested arrays in a validly signed payload → 401, process alive', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const token = await issuer.sign({ alg: 'ES256', typ: 'at+jwt', kid: es256Kid() }, deep);
    await expectCode(verifier.verify(token), 'ERR_MALFORMED_TOKEN'); // over the 8 KiB cap
    const unlimited = makeVerifier({ ...issuer.verifierOptions(), maxTokenSize: 1_000_000 });
    await expectCode(unlimited.verify(token), 'ERR_MALFORMED_TOKEN'); // not a claims set
    const nestedClaim = `{"iss":${JSON.stringify(issuer.issuer)},"x":${'['.repeat(2000)}${']'.repeat(2000)}}`;
    await expectCode(
      verifier.verify(await issuer.sign({ alg: 'ES256', typ: 'at+jwt', kid: es256Kid() }, nestedClaim)),
      'ERR_CLAIM_INVALID',
    );
  });

  it('case 35: unknown critical header extension → 401 (refused before any key lookup)', async () => {
    const before = keys.lookups;
    await expectCode(verifier.verify(await issuer.badToken('crit')), 'ERR_ALGORITHM_NOT_ALLOWED');
    expect(keys.lookups).toBe(before);
  });

  it('case 36: b64:false (RFC 7797) → 401', async () => {
    const token = await issuer.badToken('b64-false');
    // The unencoded payload holds JSON punctuation, so the shape check refuses it first; the same
    // header with a base64url payload is refused by the header policy.
    await expectCode(verifier.verify(token), 'ERR_MALFORMED_TOKEN');
    // Payload text that happens to be base64url-safe, so only the header policy can refuse it.
    const encoded = await issuer.sign(
      { alg: 'ES256', typ: 'at+jwt', kid: es256Kid(), b64: false, crit: ['b64'] },
      segments(T0)[1],
    );
    expect(segments(encoded)[1]).toBe(segments(T0)[1]);
    await expectCode(verifier.verify(encoded), 'ERR_ALGORITHM_NOT_ALLOWED');
    const bare = await issuer.token({}, { header: { b64: true } });
    await expectCode(verifier.verify(bare), 'ERR_ALGORITHM_NOT_ALLOWED');
  });

  it('case 37: nested JWT (cty "JWT", payload another JWT) → 401', async () => {
    const inner = await issuer.token();
    const token = await issuer.sign({ alg: 'ES256', typ: 'at+jwt', kid: es256Kid(), cty: 'JWT' }, inner);
    await expectCode(verifier.verify(token), 'ERR_ALGORITHM_NOT_ALLOWED');
    const lower = await issuer.token({}, { header: { cty: 'jwt' } });
    await expectCode(verifier.verify(lower), 'ERR_ALGORITHM_NOT_ALLOWED');
    const media = await issuer.token({}, { header: { cty: 'application/JWT' } });
    await expectCode(verifier.verify(media), 'ERR_ALGORITHM_NOT_ALLOWED');
  });
});
