/** SPEC.md B2 — Token format / parsing (cases 21–37). */
import { ANY_INVALID_TOKEN, allowed, either, invalidRequest, invalidToken, other } from './expect.js';
import { K1, b64u, randomB64u, segments } from './jose-tools.js';
import { getWith } from './steps.js';
import type { CaseContext, CorpusCase } from './types.js';

const MALFORMED = 'ERR_MALFORMED_TOKEN';
/** A payload that is not a claims set: jose refuses it as a JWT (malformed) or the claims check does. */
const NOT_A_CLAIMS_SET = invalidToken(MALFORMED, 'ERR_CLAIM_INVALID');

/** alice's GET of her own order with the given Authorization token. */
const aliceGet = (ctx: CaseContext, label: string, token: string, expect = invalidToken(MALFORMED)) =>
  getWith(label, ctx.world.order(ctx.world.orders.a1), ctx.secret(token), expect);

/** A valid T0 whose header segment contains `-` or `_` (so a `+`/`/` re-encoding differs). */
async function tokenWithUrlSafeHeader(ctx: CaseContext): Promise<string> {
  for (let n = 1; n < 40; n++) {
    const token = await ctx.token('alice', {}, { header: { x: '?'.repeat(n) + '~'.repeat(n % 3) } });
    if (/[-_]/.test(segments(token)[0])) return token;
  }
  throw new Error('could not build a header with "-" or "_" in its base64url form');
}

export const B2: readonly CorpusCase[] = [
  {
    id: 21,
    group: 'B2',
    title: 'eyJhbGciOiJFUzI1NiJ9.e30 (2 parts)',
    expected: '401 invalid_token',
    build: async (ctx) => ({ steps: [aliceGet(ctx, '2 parts', 'eyJhbGciOiJFUzI1NiJ9.e30')] }),
  },
  {
    id: 22,
    group: 'B2',
    title: '<HES>.<P>.<sig>.<x> (4 parts)',
    expected: '401 invalid_token',
    build: async (ctx) => ({ steps: [aliceGet(ctx, '4 parts', `${await ctx.token('alice')}.eA`)] }),
  },
  {
    id: 23,
    group: 'B2',
    title: '.. (empty segments)',
    expected: '401 invalid_token',
    build: async (ctx) => ({ steps: [aliceGet(ctx, '..', '..')] }),
  },
  {
    id: 24,
    group: 'B2',
    title: '<T0>. (extra empty component)',
    expected: '401 invalid_token',
    build: async (ctx) => ({ steps: [aliceGet(ctx, 'T0.', `${await ctx.token('alice')}.`)] }),
  },
  {
    id: 25,
    group: 'B2',
    title: '5-part JWE (alg dir, enc A128GCM)',
    expected: '401 invalid_token (encryption not negotiated)',
    build: async (ctx) => ({
      steps: [aliceGet(ctx, 'JWE', `eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0..${randomB64u(12)}.${randomB64u(64)}.${randomB64u(16)}`)],
    }),
  },
  {
    id: 26,
    group: 'B2',
    title: 'JWS JSON serialization (raw JSON, or its base64url)',
    expected: '400/401',
    build: async (ctx) => {
      const [h, p, s] = segments(await ctx.token('alice'));
      const json = JSON.stringify({ protected: h, payload: p, signature: s });
      return {
        steps: [
          aliceGet(ctx, 'raw JSON', json, either(invalidRequest(), invalidToken(MALFORMED))),
          aliceGet(ctx, 'base64url(JSON)', b64u(json)),
        ],
      };
    },
  },
  {
    id: 27,
    group: 'B2',
    title: 'T0 with a segment re-encoded with "=" padding or the "+"/"/" alphabet',
    expected: '401 invalid_token (only unpadded base64url)',
    mapping:
      'The test issuer cannot sign over a non-canonical segment, so the signature is over the canonical form. A "=" inside the credential is not a b64token (RFC 6750 §2.1), so 400 invalid_request is accepted for a padded header.',
    build: async (ctx) => {
      const token = await tokenWithUrlSafeHeader(ctx);
      const [h, p, s] = segments(token);
      const padded = (seg: string) => seg + '='.repeat((4 - (seg.length % 4)) % 4 || 4);
      const std = (seg: string) => seg.replace(/-/g, '+').replace(/_/g, '/');
      return {
        steps: [
          aliceGet(ctx, 'padded header', `${padded(h)}.${p}.${s}`, either(invalidRequest(), invalidToken(MALFORMED))),
          aliceGet(ctx, 'padded signature', `${h}.${p}.${padded(s)}`),
          aliceGet(ctx, '+/ header', `${std(h)}.${p}.${s}`),
        ],
      };
    },
  },
  {
    id: 28,
    group: 'B2',
    title: 'T0 with "?" inserted into the header segment (Wycheproof JWS tc 372)',
    expected: '401 invalid_token (Wycheproof labels it "valid"; SPEC C.1 divergence)',
    mapping: '"?" is not a b64token character, so 400 invalid_request from the header parser is accepted too.',
    build: async (ctx) => {
      const [h, p, s] = segments(await ctx.token('alice'));
      const cut = Math.floor(h.length / 2);
      return { steps: [aliceGet(ctx, '? in header', `${h.slice(0, cut)}?${h.slice(cut)}.${p}.${s}`, either(invalidRequest(), invalidToken(MALFORMED)))] };
    },
  },
  {
    id: 29,
    group: 'B2',
    title: 'Header bytes with invalid UTF-8 ("kid":"k\\xC3\\x28"), signed with k1',
    expected: '401 invalid_token',
    build: async (ctx) => {
      const header = Buffer.concat([Buffer.from('{"alg":"ES256","typ":"at+jwt","kid":"k'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
      const token = await ctx.issuer.sign(new Uint8Array(header), ctx.claims('alice'), { key: { kid: K1 } });
      return { steps: [aliceGet(ctx, 'invalid UTF-8', token)] };
    },
  },
  {
    id: 30,
    group: 'B2',
    title: 'Header segment = base64url([]) or base64url("x")',
    expected: '401 invalid_token (header must be a JSON object)',
    build: async (ctx) => {
      const array = await ctx.issuer.sign('[]', ctx.claims('alice'), { key: { kid: K1 } });
      const string = await ctx.issuer.sign('"x"', ctx.claims('alice'), { key: { kid: K1 } });
      return { steps: [aliceGet(ctx, 'header []', array), aliceGet(ctx, 'header "x"', string)] };
    },
  },
  {
    id: 31,
    group: 'B2',
    title: 'Validly signed token whose payload is [{claims}]',
    expected: '401 (array payload must not skip claim checks; fast-jwt GHSA-5hjw-83fp-phq9)',
    build: async (ctx) => ({ steps: [aliceGet(ctx, 'array payload', await ctx.issuer.badToken('array-payload', ctx.claims('alice')), NOT_A_CLAIMS_SET)] }),
  },
  {
    id: 32,
    group: 'B2',
    title: 'Validly signed payload "x", null, 123',
    expected: '401 each (claims set must be an object)',
    build: async (ctx) => {
      const header = { alg: 'ES256', typ: 'at+jwt', kid: K1 };
      return {
        steps: await Promise.all(
          ['"x"', 'null', '123'].map(async (payload) => aliceGet(ctx, `payload ${payload}`, await ctx.issuer.sign(header, payload), NOT_A_CLAIMS_SET)),
        ),
      };
    },
  },
  {
    id: 33,
    group: 'B2',
    title: '<HDUP>.<payload>.<ES256 sig by k1> (duplicate alg: none, then ES256)',
    expected: '401; never accepted as none; pre-parse and jose must not disagree',
    build: async (ctx) => {
      const token = await ctx.issuer.sign(`{"alg":"none","alg":"ES256","typ":"at+jwt","kid":"${K1}"}`, ctx.claims('alice'), { key: { kid: K1 } });
      return { steps: [aliceGet(ctx, 'duplicate alg', token)] };
    },
  },
  {
    id: 34,
    group: 'B2',
    title: 'Validly signed payload with 100 000 nested arrays',
    expected: '400/401 (431 when over the header limit), process alive and serving',
    mapping:
      '100 000 levels cannot fit in a header (Node answers 431); the same attack is also sent at 2 500 levels (under the 8 KiB token cap), plus a valid token carrying a 2 500-level claim, then a positive control.',
    build: async (ctx) => {
      const header = { alg: 'ES256', typ: 'at+jwt', kid: K1 };
      const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
      const huge = await ctx.issuer.sign(header, deep(100_000));
      const nested = await ctx.issuer.sign(header, deep(2_500));
      const claims = JSON.stringify(ctx.claims('alice'));
      const deepClaim = await ctx.issuer.sign(header, `${claims.slice(0, -1)},"deep":${deep(2_500)}}`);
      return {
        steps: [
          aliceGet(ctx, '100 000 levels', huge, either(other([431, 400], { resetIsRefusal: true }), invalidToken(MALFORMED))),
          aliceGet(ctx, '2 500 levels', nested, NOT_A_CLAIMS_SET),
          aliceGet(ctx, 'deep claim in a valid token', deepClaim, either(allowed(), invalidToken(...ANY_INVALID_TOKEN))),
          aliceGet(ctx, 'positive control after', await ctx.token('alice'), allowed()),
        ],
      };
    },
  },
  {
    id: 35,
    group: 'B2',
    title: 'T0{header "crit":["exp-ext"],"exp-ext":1}',
    expected: '401 (unknown critical header)',
    build: async (ctx) => ({ steps: [aliceGet(ctx, 'crit', await ctx.issuer.badToken('crit', ctx.claims('alice')), invalidToken('ERR_ALGORITHM_NOT_ALLOWED'))] }),
  },
  {
    id: 36,
    group: 'B2',
    title: 'T0{header "b64":false,"crit":["b64"]}',
    expected: '401 (JWTs must not use an unencoded payload)',
    mapping: 'The unencoded payload contains characters outside b64token, so 400 invalid_request at the header parser is accepted too.',
    build: async (ctx) => ({
      steps: [
        aliceGet(ctx, 'b64 false', await ctx.issuer.badToken('b64-false', ctx.claims('alice')), either(invalidRequest(), invalidToken('ERR_ALGORITHM_NOT_ALLOWED', MALFORMED))),
      ],
    }),
  },
  {
    id: 37,
    group: 'B2',
    title: 'Nested JWT: outer header cty "JWT", payload = another JWT',
    expected: '401 (nested JWTs not supported)',
    build: async (ctx) => {
      const inner = await ctx.token('alice');
      const outer = await ctx.issuer.sign({ alg: 'ES256', typ: 'at+jwt', kid: K1, cty: 'JWT' }, inner);
      return { steps: [aliceGet(ctx, 'nested', outer, invalidToken('ERR_ALGORITHM_NOT_ALLOWED'))] };
    },
  },
];
