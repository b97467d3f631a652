/** SPEC.md B3 — Signature and algorithm (cases 38–55). */
import { allowed, invalidToken } from './expect.js';
import { HES, K1, K2, P256_ORDER, SPEC_SEGMENTS, WEAK_SECRETS, b64u, p1363ToDer, publicKeyForms, unb64u, segments } from './jose-tools.js';
import { getWith } from './steps.js';
import type { CaseContext, CorpusCase } from './types.js';

const MALFORMED = 'ERR_MALFORMED_TOKEN';
const NOT_ALLOWED = 'ERR_ALGORITHM_NOT_ALLOWED';
const BAD_SIGNATURE = 'ERR_SIGNATURE_INVALID';
/** `alg: none` tokens: refused by the shape check (empty signature) or the allowlist, whichever comes first. */
const NONE_REFUSED = invalidToken(MALFORMED, NOT_ALLOWED);

const aliceGet = (ctx: CaseContext, label: string, token: string, expect = invalidToken(MALFORMED)) =>
  getWith(label, ctx.world.order(ctx.world.orders.a1), ctx.secret(token), expect);

/** SPEC's payload P mapped onto our issuer and audience: alice's claims, base64url. */
const mappedP = (ctx: CaseContext) => b64u(JSON.stringify(ctx.claims('alice')));

/** The published public JWK of a kid. */
function publishedJwk(ctx: CaseContext, kid: string) {
  const jwk = ctx.issuer.jwks.keys.find((k) => k.kid === kid);
  if (!jwk) throw new Error(`the issuer publishes no key ${kid}`);
  return jwk;
}

export const B3: readonly CorpusCase[] = [
  {
    id: 38,
    group: 'B3',
    title: 'Bearer <HN>.<P>. (alg none, empty signature)',
    expected: '401 invalid_token',
    mapping: "P is mapped onto our claims; SPEC's literal token (P with iss as.example.test) is sent too.",
    build: async (ctx) => ({
      steps: [
        aliceGet(ctx, 'HN.P\'.', `${SPEC_SEGMENTS.HN}.${mappedP(ctx)}.`, NONE_REFUSED),
        aliceGet(ctx, 'SPEC literal HN.P.', `${SPEC_SEGMENTS.HN}.${SPEC_SEGMENTS.P}.`, NONE_REFUSED),
      ],
    }),
  },
  {
    id: 39,
    group: 'B3',
    title: '<HNo>.<P>., <HNO>.<P>., <HnO>.<P>. (case variants of none)',
    expected: '401 each',
    build: async (ctx) => ({
      steps: (['HNo', 'HNO', 'HnO'] as const).map((h) => aliceGet(ctx, h, `${SPEC_SEGMENTS[h]}.${mappedP(ctx)}.`, NONE_REFUSED)),
    }),
  },
  {
    id: 40,
    group: 'B3',
    title: "<HN>.<P>.<T0's signature> (none with a non-empty signature)",
    expected: '401',
    build: async (ctx) => {
      const [, , s] = segments(await ctx.token('alice'));
      return { steps: [aliceGet(ctx, 'none + sig', `${SPEC_SEGMENTS.HN}.${mappedP(ctx)}.${s}`, invalidToken(NOT_ALLOWED))] };
    },
  },
  {
    id: 41,
    group: 'B3',
    title: '<HES>.<P>. (null signature)',
    expected: '401',
    build: async (ctx) => ({ steps: [aliceGet(ctx, 'empty signature', `${HES}.${mappedP(ctx)}.`)] }),
  },
  {
    id: 42,
    group: 'B3',
    title: '<HES>.<P> (signature segment removed)',
    expected: '401',
    build: async (ctx) => ({ steps: [aliceGet(ctx, 'no signature segment', `${HES}.${mappedP(ctx)}`)] }),
  },
  {
    id: 43,
    group: 'B3',
    title: 'T0 with payload changed to sub bob, original signature',
    expected: '401',
    build: async (ctx) => {
      const [h, , s] = segments(await ctx.token('alice'));
      const forged = `${h}.${b64u(JSON.stringify({ ...ctx.claims('alice'), sub: 'bob' }))}.${s}`;
      return {
        steps: [
          aliceGet(ctx, 'sub → bob', forged, invalidToken(BAD_SIGNATURE)),
          aliceGet(ctx, 'tampered-payload preset', await ctx.issuer.badToken('tampered-payload', ctx.claims('alice')), invalidToken(BAD_SIGNATURE)),
        ],
      };
    },
  },
  {
    id: 44,
    group: 'B3',
    title: 'T0 with header kid changed to k2, original signature',
    expected: '401',
    build: async (ctx) => {
      const [h, p, s] = segments(await ctx.token('alice'));
      const header = { ...JSON.parse(unb64u(h).toString('utf8')), kid: K2 };
      return { steps: [aliceGet(ctx, 'kid → k2', `${b64u(JSON.stringify(header))}.${p}.${s}`, invalidToken('ERR_KEY_NOT_FOUND', BAD_SIGNATURE))] };
    },
  },
  {
    id: 45,
    group: 'B3',
    title: 'HS256 with the public key as HMAC secret (SPKI PEM ±\\n, PKCS#1 PEM, DER, JWK JSON, JWKS JSON; EC point for k1)',
    expected: '401 for every variant (RS→HS key confusion)',
    build: async (ctx) => {
      const rsa = publicKeyForms(publishedJwk(ctx, K2));
      const ec = publicKeyForms(publishedJwk(ctx, K1));
      const variants: Array<[string, string, string | Uint8Array]> = [
        ['SPKI PEM', K2, rsa.spkiPem],
        ['SPKI PEM without final newline', K2, rsa.spkiPemNoNewline],
        ['PKCS#1 PEM', K2, rsa.pkcs1Pem!],
        ['DER', K2, new Uint8Array(rsa.der)],
        ['JWK JSON', K2, rsa.jwkJson],
        ['JWKS JSON', K2, JSON.stringify(ctx.issuer.jwks)],
        ['EC point (k1)', K1, new Uint8Array(ec.rawPoint!)],
        ['EC SPKI PEM (k1)', K1, ec.spkiPem],
      ];
      const steps = await Promise.all(
        variants.map(async ([label, kid, secret]) =>
          aliceGet(
            ctx,
            label,
            await ctx.issuer.sign({ alg: 'HS256', typ: 'at+jwt', kid }, ctx.claims('alice'), { key: { hmac: secret } }),
            invalidToken(NOT_ALLOWED),
          ),
        ),
      );
      steps.push(aliceGet(ctx, 'hs-rs-confusion preset', await ctx.issuer.badToken('hs-rs-confusion', ctx.claims('alice')), invalidToken(NOT_ALLOWED)));
      return { steps };
    },
  },
  {
    id: 46,
    group: 'B3',
    title: 'HS256 (kid k1) signed with the empty key',
    expected: '401',
    build: async (ctx) => ({
      steps: [aliceGet(ctx, 'empty HMAC key', await ctx.issuer.sign({ alg: 'HS256', typ: 'at+jwt', kid: K1 }, ctx.claims('alice'), { key: 'hmac:' }), invalidToken(NOT_ALLOWED))],
    }),
  },
  {
    id: 47,
    group: 'B3',
    title: 'HS256 tokens signed with common weak secrets',
    expected: '401 for all',
    mapping: "jwt_tool's jwt-common.txt is GPL-3.0 (not vendored, SPEC C.3): 32 common secrets instead.",
    build: async (ctx) => ({
      steps: await Promise.all(
        WEAK_SECRETS.map(async (secret) =>
          aliceGet(ctx, `secret "${secret}"`, await ctx.issuer.sign({ alg: 'HS256', typ: 'at+jwt' }, ctx.claims('alice'), { key: `hmac:${secret}` }), invalidToken(NOT_ALLOWED)),
        ),
      ),
    }),
  },
  {
    id: 48,
    group: 'B3',
    title: '<HES>.<P>.<Z64> (r = s = 0, "psychic signature")',
    expected: '401',
    build: async (ctx) => ({ steps: [aliceGet(ctx, 'r = s = 0', `${HES}.${mappedP(ctx)}.${SPEC_SEGMENTS.Z64}`, invalidToken(BAD_SIGNATURE))] }),
  },
  {
    id: 49,
    group: 'B3',
    title: 'T0 with the signature re-encoded as ASN.1 DER',
    expected: '401',
    build: async (ctx) => {
      const [h, p, s] = segments(await ctx.token('alice'));
      return { steps: [aliceGet(ctx, 'DER signature', `${h}.${p}.${b64u(p1363ToDer(unb64u(s)))}`, invalidToken(BAD_SIGNATURE, MALFORMED))] };
    },
  },
  {
    id: 50,
    group: 'B3',
    title: 'ES256 signatures with r ≥ n or s ≥ n, overflow forms',
    expected: '401',
    build: async (ctx) => {
      const [h, p, s] = segments(await ctx.token('alice'));
      const sig = unb64u(s);
      const r = sig.subarray(0, 32);
      const sv = sig.subarray(32);
      const ff = Buffer.alloc(32, 0xff);
      const variants: Array<[string, Buffer]> = [
        ['r = n', Buffer.concat([P256_ORDER, sv])],
        ['s = n', Buffer.concat([r, P256_ORDER])],
        ['r = s = n', Buffer.concat([P256_ORDER, P256_ORDER])],
        ['r = 2^256 − 1', Buffer.concat([ff, sv])],
        ['65 bytes (leading zero)', Buffer.concat([Buffer.from([0]), r, sv])],
        ['r + n (33 bytes)', Buffer.concat([add(r, P256_ORDER), sv])],
      ];
      return {
        steps: variants.map(([label, bytes]) => aliceGet(ctx, label, `${h}.${p}.${b64u(bytes)}`, invalidToken(BAD_SIGNATURE, MALFORMED))),
      };
    },
  },
  {
    id: 51,
    group: 'B3',
    title: 'T0 re-signed as PS512, ES512, EdDSA, HS512 (published keys of the issuer)',
    expected: '401 invalid_token (alg not allowed); RS256 and PS256 positive controls 200',
    mapping:
      'The SPEC targets use SPEC §0.2\'s allowlist ["ES256","RS256","PS256"], so EdDSA is a disallowed algorithm there; the orders API keeps the library default (EdDSA allowed), so EdDSA is not sent to it.',
    build: async (ctx) => {
      const claims = ctx.claims('alice');
      const steps = [
        aliceGet(ctx, 'PS512', await ctx.token('alice', {}, { alg: 'PS512' }), invalidToken(NOT_ALLOWED)),
        aliceGet(ctx, 'ES512', await ctx.token('alice', {}, { alg: 'ES512' }), invalidToken(NOT_ALLOWED)),
        aliceGet(ctx, 'disallowed-alg preset', await ctx.issuer.badToken('disallowed-alg', claims), invalidToken(NOT_ALLOWED)),
        aliceGet(ctx, 'HS512', await ctx.issuer.sign({ alg: 'HS512', typ: 'at+jwt' }, claims, { key: `hmac:${'k'.repeat(64)}` }), invalidToken(NOT_ALLOWED)),
        aliceGet(ctx, 'RS256 (positive, RFC 9068 §2.1)', await ctx.token('alice', {}, { alg: 'RS256' }), allowed()),
        aliceGet(ctx, 'PS256 (positive)', await ctx.token('alice', {}, { alg: 'PS256' }), allowed()),
      ];
      if (!ctx.world.allowsEdDSA) steps.push(aliceGet(ctx, 'EdDSA', await ctx.token('alice', {}, { alg: 'EdDSA' }), invalidToken(NOT_ALLOWED)));
      return { steps };
    },
  },
  {
    id: 52,
    group: 'B3',
    title: 'alg = rs256, Rs256, "RS256 " (case and whitespace variants)',
    expected: '401 (alg is case-sensitive)',
    build: async (ctx) => ({
      steps: await Promise.all(
        ['rs256', 'Rs256', 'RS256 '].map(async (alg) =>
          aliceGet(ctx, `alg "${alg}"`, await ctx.issuer.sign({ alg, typ: 'at+jwt', kid: K2 }, ctx.claims('alice'), { key: { kid: K2 } }), invalidToken(NOT_ALLOWED)),
        ),
      ),
    }),
  },
  {
    id: 53,
    group: 'B3',
    title: 'Header {"alg":"ES256","kid":"k2"} (k2 is RSA), RSA signature',
    expected: '401 (alg ↔ key type)',
    build: async (ctx) => ({
      steps: [
        aliceGet(
          ctx,
          'ES256 with the RSA kid',
          await ctx.issuer.sign({ alg: 'ES256', typ: 'at+jwt', kid: K2 }, ctx.claims('alice'), { key: { kid: K2 } }),
          invalidToken('ERR_KEY_NOT_FOUND', BAD_SIGNATURE),
        ),
      ],
    }),
  },
  {
    id: 54,
    group: 'B3',
    title: 'Token with our iss but signed by another issuer\'s key',
    expected: '401 (keys must belong to the issuer)',
    mapping: 'Targets trust one issuer: the token is signed by a key that issuer never published, under k1\'s kid and under its own kid.',
    build: async (ctx) => {
      const claims = ctx.claims('alice');
      return {
        steps: [
          aliceGet(ctx, "foreign key, kid k1", await ctx.issuer.sign({ alg: 'ES256', typ: 'at+jwt', kid: K1 }, claims, { key: 'untrusted' }), invalidToken(BAD_SIGNATURE, 'ERR_KEY_NOT_FOUND')),
          aliceGet(ctx, 'foreign key, own kid', await ctx.issuer.sign({ alg: 'ES256', typ: 'at+jwt', kid: 'other-issuer-k1' }, claims, { key: 'untrusted' }), invalidToken(BAD_SIGNATURE, 'ERR_KEY_NOT_FOUND')),
        ],
      };
    },
  },
  {
    id: 55,
    group: 'B3',
    title: 'RS256 token verified against a 1024-bit RSA JWK in the key set',
    expected: '401 / key set rejected',
    runner: 'faults',
  },
];

/** a + b for 32-byte big-endian integers, as a 33-byte integer (an "overflowed" r). */
function add(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(33);
  let carry = 0;
  for (let i = 31; i >= 0; i--) {
    const v = a[i]! + b[i]! + carry;
    out[i + 1] = v & 0xff;
    carry = v >> 8;
  }
  out[0] = carry;
  return out;
}
