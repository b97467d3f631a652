import { createPublicKey, generateKeyPairSync, randomBytes, sign as nodeSign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import type { JWK } from 'jose';
import { toHttpResponse } from '../../src/errors/to-http-response.js';
import type { AccessTokenVerifier } from '../../src/token/access-token-verifier.js';
import {
  NOW,
  T_FIXED,
  b64u,
  controlled,
  expectCode,
  fromB64u,
  makeVerifier,
  segments,
} from './support/verifier-under-test.js';
import type { ControlledKeySource } from './support/verifier-under-test.js';

// SPEC B3 (cases 38–55) and the header-key / kid cases of B4 that the pre-parse owns (56–63, 65,
// 68). The allowlist is the SPEC fixture's ["ES256","RS256","PS256"] where a case depends on it.

let issuer: TestIssuer;
let verifier: AccessTokenVerifier;
let keys: ControlledKeySource;
let T0: string;
let es256Kid: string;
let rs256Kid: string;
const SPEC_ALGS = ['ES256', 'RS256', 'PS256'];

beforeAll(async () => {
  issuer = await createTestIssuer({ serve: 'none', now: T_FIXED, algorithms: ['ES256', 'RS256', 'PS256', 'EdDSA'] });
  es256Kid = issuer.jwks.keys.find((k) => k.alg === 'ES256')!.kid!;
  rs256Kid = issuer.jwks.keys.find((k) => k.alg === 'RS256')!.kid!;
  verifier = makeVerifier(
    { ...issuer.verifierOptions(), algorithms: SPEC_ALGS },
    (source) => (keys = controlled(source)),
  );
  T0 = await issuer.token({ scope: 'orders:read orders:write', org_id: 'acme' });
});
afterAll(() => issuer.close());

const claims = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  iss: issuer.issuer,
  sub: 'user-alice',
  aud: issuer.audience,
  client_id: 'orders-web',
  scope: 'orders:read',
  iat: NOW,
  exp: NOW + 300,
  jti: 'fixture-0001',
  ...extra,
});
const P = (): string => b64u(JSON.stringify(claims()));
const HN = 'eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0';
const HNo = 'eyJhbGciOiJOb25lIiwidHlwIjoiYXQrand0In0';
const HNO = 'eyJhbGciOiJOT05FIiwidHlwIjoiYXQrand0In0';
const HnO = 'eyJhbGciOiJuT25FIiwidHlwIjoiYXQrand0In0';
const Z64 = 'A'.repeat(86);

/** A secret-keyed verifier (HS256 enabled on purpose) for the cases that must fail even then. */
function hmacVerifier(): AccessTokenVerifier {
  return makeVerifier({
    issuer: issuer.issuer,
    audience: issuer.audience,
    secret: { key: randomBytes(32), allowSymmetric: true },
    now: issuer.clock.now,
  });
}

async function expectNoLookup(run: () => Promise<unknown>): Promise<void> {
  const before = keys.lookups;
  await run();
  expect(keys.lookups).toBe(before);
}

describe('SPEC B3 — signature and algorithm', () => {
  it('case 38: alg none with an empty signature → 401 invalid_token (malformed: empty signature), no key lookup', async () => {
    expect(Buffer.from(HN, 'base64url').toString()).toBe('{"alg":"none","typ":"at+jwt"}');
    await expectNoLookup(async () => {
      const error = await expectCode(verifier.verify(`${HN}.${P()}.`), 'ERR_MALFORMED_TOKEN');
      expect(toHttpResponse(error, { realm: 'orders' }).status).toBe(401);
    });
    await expectCode(verifier.verify(await issuer.badToken('alg-none')), 'ERR_MALFORMED_TOKEN');
  });

  it('case 39: None / NONE / nOnE → 401 each', async () => {
    for (const h of [HNo, HNO, HnO]) {
      await expectCode(verifier.verify(`${h}.${P()}.`), 'ERR_MALFORMED_TOKEN');
      await expectCode(verifier.verify(`${h}.${P()}.${segments(T0)[2]}`), 'ERR_ALGORITHM_NOT_ALLOWED');
    }
  });

  it('case 40: alg none with a non-empty signature → 401 disallowed algorithm, no key lookup', async () => {
    await expectNoLookup(async () => {
      const error = await expectCode(verifier.verify(`${HN}.${P()}.${segments(T0)[2]}`), 'ERR_ALGORITHM_NOT_ALLOWED');
      expect(toHttpResponse(error, { realm: 'orders' }).headers['www-authenticate']).toBe(
        'Bearer realm="orders", error="invalid_token", error_description="The access token uses a disallowed algorithm"',
      );
    });
  });

  it('case 41: ES256 header with an empty signature → 401', async () => {
    const [h, p] = segments(T0);
    await expectCode(verifier.verify(`${h}.${p}.`), 'ERR_MALFORMED_TOKEN');
  });

  it('case 42: signature segment removed → 401', async () => {
    const [h, p] = segments(T0);
    await expectCode(verifier.verify(`${h}.${p}`), 'ERR_MALFORMED_TOKEN');
  });

  it('case 43: payload changed (sub), original signature kept → 401 signature invalid', async () => {
    const [h, , s] = segments(T0);
    await expectCode(
      verifier.verify(`${h}.${b64u(JSON.stringify(claims({ sub: 'user-bob' })))}.${s}`),
      'ERR_SIGNATURE_INVALID',
    );
    await expectCode(verifier.verify(await issuer.badToken('tampered-payload')), 'ERR_SIGNATURE_INVALID');
    await expectCode(verifier.verify(await issuer.badToken('tampered-signature')), 'ERR_SIGNATURE_INVALID');
  });

  it('case 44: header kid changed, original signature kept → 401', async () => {
    const [, p, s] = segments(T0);
    // kid of the RSA key: no EC key under that kid.
    const toRsa = b64u(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: rs256Kid }));
    await expectCode(verifier.verify(`${toRsa}.${p}.${s}`), 'ERR_KEY_NOT_FOUND');
    // kid of another published ES256 key: the signature does not verify under it.
    const second = await issuer.addKey('ES256');
    const rotated = makeVerifier({ ...issuer.verifierOptions(), algorithms: SPEC_ALGS });
    const toOther = b64u(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: second }));
    await expectCode(rotated.verify(`${toOther}.${p}.${s}`), 'ERR_SIGNATURE_INVALID');
    issuer.removeKey(second);
  });

  describe('case 45: RS→HS key confusion — HMAC keyed with public key material', () => {
    const variants = (): Array<[string, string | Uint8Array, string]> => {
      const rsaJwk = issuer.jwks.keys.find((k) => k.kid === rs256Kid)! as JWK;
      const ecJwk = issuer.jwks.keys.find((k) => k.kid === es256Kid)! as JWK;
      const rsa = createPublicKey({ key: rsaJwk as never, format: 'jwk' });
      const ec = createPublicKey({ key: ecJwk as never, format: 'jwk' });
      const spkiPem = rsa.export({ type: 'spki', format: 'pem' }) as string;
      const ecPoint = Buffer.concat([Buffer.from([0x04]), fromB64u(ecJwk.x!), fromB64u(ecJwk.y!)]);
      return [
        ['SPKI PEM with final newline', spkiPem, rs256Kid],
        ['SPKI PEM without final newline', spkiPem.trimEnd(), rs256Kid],
        ['PKCS#1 PEM (BEGIN RSA PUBLIC KEY)', rsa.export({ type: 'pkcs1', format: 'pem' }) as string, rs256Kid],
        ['SPKI DER bytes', new Uint8Array(rsa.export({ type: 'spki', format: 'der' })), rs256Kid],
        ['PKCS#1 DER bytes', new Uint8Array(rsa.export({ type: 'pkcs1', format: 'der' })), rs256Kid],
        ['JWK JSON text', JSON.stringify(rsaJwk), rs256Kid],
        ['JWKS JSON text', JSON.stringify(issuer.jwks), rs256Kid],
        ['EC public key SPKI PEM (kid k1)', ec.export({ type: 'spki', format: 'pem' }) as string, es256Kid],
        ['EC public point bytes (kid k1)', new Uint8Array(ecPoint), es256Kid],
      ];
    };

    it('every variant → 401 disallowed algorithm, without a key lookup', async () => {
      for (const [name, key, kid] of variants()) {
        const token = await issuer.sign({ alg: 'HS256', typ: 'at+jwt', kid }, claims(), { key: { hmac: key } });
        await expectNoLookup(() => expectCode(verifier.verify(token), 'ERR_ALGORITHM_NOT_ALLOWED').then(() => name));
      }
      await expectCode(verifier.verify(await issuer.badToken('hs-rs-confusion')), 'ERR_ALGORITHM_NOT_ALLOWED');
    });

    it('every variant → 401 even where HS256 is enabled with a real secret (signature invalid)', async () => {
      const hs = hmacVerifier();
      for (const [, key, kid] of variants()) {
        const token = await issuer.sign({ alg: 'HS256', typ: 'at+jwt', kid }, claims(), { key: { hmac: key } });
        await expectCode(hs.verify(token), 'ERR_SIGNATURE_INVALID');
      }
    });
  });

  it('case 46: HS256 signed with the empty key → 401', async () => {
    const token = await issuer.sign({ alg: 'HS256', typ: 'at+jwt', kid: es256Kid }, claims(), { key: { hmac: '' } });
    await expectCode(verifier.verify(token), 'ERR_ALGORITHM_NOT_ALLOWED');
    await expectCode(hmacVerifier().verify(token), 'ERR_SIGNATURE_INVALID');
  });

  it('case 47: HS256 signed with common weak secrets → 401 for all', async () => {
    // A stand-in for jwt_tool's jwt-common.txt (GPL-3.0, not vendored): the usual suspects.
    const weak = [
      'secret',
      'password',
      '123456',
      'your-256-bit-secret',
      'secretkey',
      'changeme',
      'jwt',
      'key',
      'admin',
      'test',
      'qwerty',
      'default',
    ];
    const hs = hmacVerifier();
    for (const secret of weak) {
      const token = await issuer.sign({ alg: 'HS256', typ: 'at+jwt' }, claims(), { key: { hmac: secret } });
      await expectCode(verifier.verify(token), 'ERR_ALGORITHM_NOT_ALLOWED');
      await expectCode(hs.verify(token), 'ERR_SIGNATURE_INVALID');
    }
  });

  it('case 48: ES256 signature r = s = 0 ("psychic signature") → 401', async () => {
    const [h, p] = segments(T0);
    await expectCode(verifier.verify(`${h}.${p}.${Z64}`), 'ERR_SIGNATURE_INVALID');
  });

  it('case 49: ES256 signature re-encoded as ASN.1 DER → 401', async () => {
    const [h, p, s] = segments(T0);
    const raw = fromB64u(s);
    const derInt = (bytes: Buffer): Buffer => {
      let i = 0;
      while (i < bytes.length - 1 && bytes[i] === 0) i++;
      let v = bytes.subarray(i);
      if (v[0]! & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
      return Buffer.concat([Buffer.from([0x02, v.length]), v]);
    };
    const body = Buffer.concat([derInt(raw.subarray(0, 32)), derInt(raw.subarray(32))]);
    const der = Buffer.concat([Buffer.from([0x30, body.length]), body]);
    await expectCode(verifier.verify(`${h}.${p}.${b64u(der)}`), 'ERR_SIGNATURE_INVALID');
  });

  it('case 50: ES256 signatures with r or s ≥ n, or all ones → 401', async () => {
    const [h, p, s] = segments(T0);
    const raw = fromB64u(s);
    const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
    const toBig = (b: Buffer): bigint => BigInt(`0x${b.toString('hex')}`);
    const to32 = (v: bigint): Buffer => Buffer.from(v.toString(16).padStart(64, '0'), 'hex');
    const r = toBig(raw.subarray(0, 32));
    const sv = toBig(raw.subarray(32));
    const max = (1n << 256n) - 1n;
    const forms: Array<[bigint, bigint]> = [
      [n, sv],
      [r, n],
      [r, max],
      [max, sv],
      [r, 0n],
      [0n, sv],
    ];
    if (r + n <= max) forms.push([r + n, sv]);
    if (sv + n <= max) forms.push([r, sv + n]);
    for (const [rr, ss] of forms) {
      await expectCode(
        verifier.verify(`${h}.${p}.${b64u(Buffer.concat([to32(rr), to32(ss)]))}`),
        'ERR_SIGNATURE_INVALID',
      );
    }
    // Too long / too short signatures.
    await expectCode(
      verifier.verify(`${h}.${p}.${b64u(Buffer.concat([raw, Buffer.from([0])]))}`),
      'ERR_SIGNATURE_INVALID',
    );
    await expectCode(verifier.verify(`${h}.${p}.${b64u(raw.subarray(0, 63))}`), 'ERR_SIGNATURE_INVALID');
  });

  it('case 51: T0 re-signed as PS512, ES512, EdDSA or HS512, keys published → 401 disallowed algorithm', async () => {
    const ps512 = await issuer.addKey('PS512');
    const options = { ...issuer.verifierOptions(), algorithms: SPEC_ALGS };
    const fresh = makeVerifier(options);
    // Positive control: the same issuer's allowed algorithms still pass.
    await expect(fresh.verify(await issuer.token({}, { alg: 'PS256' }))).resolves.toBeDefined();
    const tokens = [
      await issuer.token({}, { kid: ps512 }),
      await issuer.badToken('disallowed-alg'), // ES512, published
      await issuer.token({}, { alg: 'EdDSA' }),
      await issuer.sign({ alg: 'HS512', typ: 'at+jwt' }, claims(), { key: { hmac: randomBytes(64) } }),
    ];
    const again = makeVerifier({ ...issuer.verifierOptions(), algorithms: SPEC_ALGS });
    for (const token of tokens) await expectCode(again.verify(token), 'ERR_ALGORITHM_NOT_ALLOWED');
    issuer.removeKey(ps512);
  });

  it('default allowlist: ES512/PS512 refused unless listed explicitly, accepted when listed', async () => {
    const es512 = await issuer.badToken('disallowed-alg'); // ES512, key published
    await expectCode(makeVerifier(issuer.verifierOptions()).verify(es512), 'ERR_ALGORITHM_NOT_ALLOWED');
    const explicit = makeVerifier({ ...issuer.verifierOptions(), algorithms: ['ES256', 'ES512'] });
    await expect(explicit.verify(es512)).resolves.toBeDefined();
  });

  it('case 52: alg is case-sensitive (rs256, Rs256, "RS256 ") → 401', async () => {
    for (const alg of ['rs256', 'Rs256', 'RS256 ', ' RS256', 'RS256\u0000']) {
      const token = await issuer.sign({ alg, typ: 'at+jwt', kid: rs256Kid }, claims(), { key: { kid: rs256Kid } });
      await expectCode(verifier.verify(token), 'ERR_ALGORITHM_NOT_ALLOWED');
    }
  });

  it('case 53: ES256 header naming the RSA key → 401 (no key of that type under the kid)', async () => {
    const token = await issuer.sign({ alg: 'ES256', typ: 'at+jwt', kid: rs256Kid }, claims(), {
      key: { kid: es256Kid },
    });
    await expectCode(verifier.verify(token), 'ERR_KEY_NOT_FOUND');
  });

  it('case 54: right iss, but signed by a key of another issuer → 401', async () => {
    const other = await createTestIssuer({
      serve: 'none',
      now: T_FIXED,
      issuer: issuer.issuer,
      audience: issuer.audience,
    });
    try {
      // Same kid naming scheme ("es256-1"): the lookup finds our key, the signature is theirs.
      await expectCode(verifier.verify(await other.token()), 'ERR_SIGNATURE_INVALID');
      const untrusted = await issuer.sign({ alg: 'ES256', typ: 'at+jwt', kid: 'untrusted-es256' }, claims(), {
        key: 'untrusted',
      });
      await expectCode(verifier.verify(untrusted), 'ERR_KEY_NOT_FOUND');
    } finally {
      await other.close();
    }
  });

  it('case 55: RS256 token checked against a 1024-bit RSA key of the key set → 401', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = { ...(publicKey.export({ format: 'jwk' }) as JWK), kid: 'rsa-1024', alg: 'RS256', use: 'sig' };
    const small = makeVerifier({ ...issuer.verifierOptions(), jwks: { keys: [...issuer.jwks.keys, jwk] } });
    const header = b64u(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', kid: 'rsa-1024' }));
    const payload = P();
    const signature = nodeSign('sha256', Buffer.from(`${header}.${payload}`), privateKey);
    await expectCode(small.verify(`${header}.${payload}.${b64u(signature)}`), 'ERR_KEY_NOT_FOUND');
  });

  it('unknown kid → 401 key not found', async () => {
    await expectCode(verifier.verify(await issuer.badToken('unknown-kid')), 'ERR_KEY_NOT_FOUND');
  });

  it('a forged signature is refused as such before any claim is read (no claims oracle for forgeries)', async () => {
    // Signed by a key the issuer never published, under the kid of its real ES256 key: whatever
    // the payload holds (expired, another audience, not even JSON), the answer is the signature.
    const header = { alg: 'ES256', typ: 'at+jwt', kid: es256Kid };
    const payloads: unknown[] = [
      claims({ exp: NOW - 3600, iat: NOW - 7200 }),
      claims({ aud: 'https://api.example.test/other' }),
      claims({ nbf: NOW + 3600 }),
      'not json',
      [1, 2, 3],
    ];
    for (const payload of payloads) {
      const forged = await issuer.sign(header, payload, { key: 'untrusted' });
      await expectCode(verifier.verify(forged), 'ERR_SIGNATURE_INVALID');
    }
  });
});

describe('SPEC B4 — keys named by the token itself are never used', () => {
  it('case 56: embedded jwk, signed by the attacker key → 401 before any key lookup', async () => {
    const token = await issuer.badToken('embedded-jwk');
    await expectNoLookup(() => expectCode(verifier.verify(token), 'ERR_ALGORITHM_NOT_ALLOWED'));
  });

  it('case 57/58: jku (attacker, cloud metadata, loopback) → 401, no lookup, no fetch', async () => {
    const attacker = await issuer.badToken('jku');
    await expectNoLookup(() => expectCode(verifier.verify(attacker), 'ERR_ALGORITHM_NOT_ALLOWED'));
    for (const jku of ['http://169.254.169.254/latest/meta-data/', 'http://127.0.0.1:6379/']) {
      const token = await issuer.token({}, { header: { jku } });
      await expectNoLookup(() => expectCode(verifier.verify(token), 'ERR_ALGORITHM_NOT_ALLOWED'));
    }
  });

  it('case 59: x5u → 401', async () => {
    await expectCode(
      verifier.verify(await issuer.token({}, { header: { x5u: 'https://attacker.test/cert.pem' } })),
      'ERR_ALGORITHM_NOT_ALLOWED',
    );
  });

  it('case 60: x5c → 401', async () => {
    await expectCode(
      verifier.verify(await issuer.token({}, { header: { x5c: ['MIIBszCCAVmgAwIBAgIU'] } })),
      'ERR_ALGORITHM_NOT_ALLOWED',
    );
  });

  it('case 61: kid path traversal with HS256 and the empty key → 401', async () => {
    const token = await issuer.sign({ alg: 'HS256', typ: 'at+jwt', kid: '../../../../../../dev/null' }, claims(), {
      key: { hmac: '' },
    });
    await expectNoLookup(() => expectCode(verifier.verify(token), 'ERR_ALGORITHM_NOT_ALLOWED'));
  });

  it('case 62: kid SQL injection with HS256 key "1" → 401', async () => {
    const token = await issuer.sign({ alg: 'HS256', typ: 'at+jwt', kid: "x' UNION SELECT '1';--" }, claims(), {
      key: { hmac: '1' },
    });
    await expectNoLookup(() => expectCode(verifier.verify(token), 'ERR_ALGORITHM_NOT_ALLOWED'));
  });

  it('case 63: kid "|sleep 10" → 401, the kid is only an opaque lookup key', async () => {
    await expectCode(verifier.verify(await issuer.token({}, { kid: '|sleep 10' })), 'ERR_KEY_NOT_FOUND');
  });

  it('case 65: a 10 000-character kid → 401 before any key lookup', async () => {
    const token = await issuer.token({}, { kid: 'k'.repeat(10_000) });
    await expectNoLookup(() => expectCode(verifier.verify(token), 'ERR_MALFORMED_TOKEN')); // over the size cap
    let roomyKeys!: ControlledKeySource;
    const roomy = makeVerifier(
      { ...issuer.verifierOptions(), maxTokenSize: 100_000 },
      (s) => (roomyKeys = controlled(s)),
    );
    await expectCode(roomy.verify(token), 'ERR_MALFORMED_TOKEN'); // kid > 256
    expect(roomyKeys.lookups).toBe(0);
    await expectCode(roomy.verify(await issuer.token({}, { kid: 'k'.repeat(257) })), 'ERR_MALFORMED_TOKEN');
    await expectCode(roomy.verify(await issuer.token({}, { kid: 'k'.repeat(256) })), 'ERR_KEY_NOT_FOUND');
  });

  it('case 68: kid 123 or ["k1"] → 401', async () => {
    for (const kid of [123, [es256Kid], null, '']) {
      const token = await issuer.sign({ alg: 'ES256', typ: 'at+jwt', kid }, claims(), { key: { kid: es256Kid } });
      await expectCode(verifier.verify(token), 'ERR_MALFORMED_TOKEN');
    }
  });
});
