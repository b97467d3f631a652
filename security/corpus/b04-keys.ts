/** SPEC.md B4 — Key selection and header-injected keys (cases 56–68). */
import { randomUUID } from 'node:crypto';
import { invalidToken } from './expect.js';
import { ATTACKER, K1, attackerJwk, attackerSign } from './jose-tools.js';
import { getWith } from './steps.js';
import type { CaseContext, CorpusCase } from './types.js';

const NOT_ALLOWED = 'ERR_ALGORITHM_NOT_ALLOWED';

const aliceGet = (ctx: CaseContext, label: string, token: string, expect = invalidToken(NOT_ALLOWED)) =>
  getWith(label, ctx.world.order(ctx.world.orders.a1), ctx.secret(token), expect);

/** Fails when the attacker listener got any request since `before`. */
const noAttackerRequest = (ctx: CaseContext, before: number) => async () => {
  const hits = ctx.attacker.hits() - before;
  return hits === 0 ? undefined : `${hits} request(s) reached the attacker's listener`;
};

/** A token signed with our real ES256 key but a hostile `kid` (reaches the key lookup). */
const realKeyWithKid = (ctx: CaseContext, kid: unknown) =>
  ctx.issuer.sign({ alg: 'ES256', typ: 'at+jwt', kid }, ctx.claims('alice'), { key: { kid: K1 } });

export const B4: readonly CorpusCase[] = [
  {
    id: 56,
    group: 'B4',
    title: 'Header "jwk" with the attacker\'s key, signed with the matching private key',
    expected: '401; header key never used',
    build: async (ctx) => ({
      steps: [
        aliceGet(ctx, 'embedded jwk', attackerSign({ alg: 'ES256', typ: 'at+jwt', jwk: attackerJwk() }, ctx.claims('alice'))),
        aliceGet(ctx, 'embedded-jwk preset', await ctx.issuer.badToken('embedded-jwk', ctx.claims('alice'))),
      ],
    }),
  },
  {
    id: 57,
    group: 'B4',
    title: 'Header "jku" pointing at the attacker + signature by the attacker key',
    expected: '401; 0 requests to the attacker\'s listener',
    build: async (ctx) => {
      const before = ctx.attacker.hits();
      return {
        steps: [
          aliceGet(ctx, 'jku', attackerSign({ alg: 'ES256', typ: 'at+jwt', kid: 'attacker-1', jku: `${ctx.attacker.url}/jwks.json` }, ctx.claims('alice'))),
          aliceGet(ctx, 'jku preset', await ctx.issuer.badToken('jku', ctx.claims('alice'))),
        ],
        verify: noAttackerRequest(ctx, before),
      };
    },
  },
  {
    id: 58,
    group: 'B4',
    title: '"jku" = http://169.254.169.254/latest/meta-data/, http://127.0.0.1:6379/ (SSRF)',
    expected: '401; no outbound request',
    mapping: 'Outbound requests are observed on the attacker listener (a third jku variant points at it).',
    build: async (ctx) => {
      const before = ctx.attacker.hits();
      const urls = ['http://169.254.169.254/latest/meta-data/', 'http://127.0.0.1:6379/', `${ctx.attacker.url}/latest/meta-data/`];
      return {
        steps: urls.map((jku) => aliceGet(ctx, `jku ${jku}`, attackerSign({ alg: 'ES256', typ: 'at+jwt', kid: 'attacker-1', jku }, ctx.claims('alice')))),
        verify: noAttackerRequest(ctx, before),
      };
    },
  },
  {
    id: 59,
    group: 'B4',
    title: '"x5u" = attacker URL',
    expected: '401; no fetch',
    build: async (ctx) => {
      const before = ctx.attacker.hits();
      return {
        steps: [aliceGet(ctx, 'x5u', attackerSign({ alg: 'ES256', typ: 'at+jwt', kid: 'attacker-1', x5u: `${ctx.attacker.url}/cert.pem` }, ctx.claims('alice')))],
        verify: noAttackerRequest(ctx, before),
      };
    },
  },
  {
    id: 60,
    group: 'B4',
    title: '"x5c" = [attacker self-signed certificate] + matching signature',
    expected: '401',
    build: async (ctx) => ({
      steps: [aliceGet(ctx, 'x5c', attackerSign({ alg: 'ES256', typ: 'at+jwt', x5c: [ATTACKER.certDerB64] }, ctx.claims('alice')))],
    }),
  },
  {
    id: 61,
    group: 'B4',
    title: 'HS256, "kid":"../../../../../../dev/null", empty key',
    expected: '401; kid never used as a path',
    build: async (ctx) => ({
      steps: [
        aliceGet(ctx, 'HS256 kid traversal', await ctx.issuer.sign({ alg: 'HS256', typ: 'at+jwt', kid: '../../../../../../dev/null' }, ctx.claims('alice'), { key: 'hmac:' })),
        aliceGet(ctx, 'ES256 kid traversal (reaches key lookup)', await realKeyWithKid(ctx, '../../../../../../dev/null'), invalidToken('ERR_KEY_NOT_FOUND')),
      ],
    }),
  },
  {
    id: 62,
    group: 'B4',
    title: '"kid":"x\' UNION SELECT \'1\';--", HS256 key "1"',
    expected: '401; database untouched',
    build: async (ctx) => {
      const kid = "x' UNION SELECT '1';--";
      return {
        steps: [
          aliceGet(ctx, 'HS256 SQLi kid', await ctx.issuer.sign({ alg: 'HS256', typ: 'at+jwt', kid }, ctx.claims('alice'), { key: 'hmac:1' })),
          aliceGet(ctx, 'ES256 SQLi kid (reaches key lookup)', await realKeyWithKid(ctx, kid), invalidToken('ERR_KEY_NOT_FOUND')),
        ],
      };
    },
  },
  {
    id: 63,
    group: 'B4',
    title: '"kid":"|sleep 10"',
    expected: '401 (bounded: never waits for a shell)',
    mapping: 'No timed assertion (house rule): the request must complete within the runner\'s per-request timeout.',
    build: async (ctx) => ({
      steps: [
        aliceGet(ctx, 'HS256 shell kid', await ctx.issuer.sign({ alg: 'HS256', typ: 'at+jwt', kid: '|sleep 10' }, ctx.claims('alice'), { key: 'hmac:' })),
        aliceGet(ctx, 'ES256 shell kid', await realKeyWithKid(ctx, '|sleep 10'), invalidToken('ERR_KEY_NOT_FOUND')),
      ],
    }),
  },
  {
    id: 64,
    group: 'B4',
    title: 'T0 with a random UUID kid (then five more)',
    expected: '401 invalid_token; ≤ 1 key-set refetch per cooldown',
    build: async (ctx) => {
      const before = ctx.jwksFetches();
      const tokens = await Promise.all(Array.from({ length: 6 }, () => realKeyWithKid(ctx, randomUUID())));
      return {
        steps: tokens.map((t, i) => aliceGet(ctx, `random kid #${i + 1}`, t, invalidToken('ERR_KEY_NOT_FOUND'))),
        verify: async () => {
          const fetches = ctx.jwksFetches() - before;
          return fetches <= 1 ? undefined : `${fetches} key-set fetches for 6 unknown kids (cooldown must allow at most 1)`;
        },
      };
    },
  },
  {
    id: 65,
    group: 'B4',
    title: 'T0 with a 10 000-character kid',
    expected: '400/401 before any key-set fetch',
    build: async (ctx) => {
      const before = ctx.jwksFetches();
      return {
        steps: [aliceGet(ctx, '10 000-char kid', await realKeyWithKid(ctx, 'k'.repeat(10_000)), invalidToken('ERR_MALFORMED_TOKEN'))],
        verify: async () => {
          const fetches = ctx.jwksFetches() - before;
          return fetches === 0 ? undefined : `${fetches} key-set fetch(es) for an oversized kid`;
        },
      };
    },
  },
  {
    id: 66,
    group: 'B4',
    title: 'kid resolves to a JWK with "use":"enc" or "key_ops":["encrypt"]',
    expected: '401',
    runner: 'faults',
  },
  {
    id: 67,
    group: 'B4',
    title: 'T0 without kid, key set holds 3 ES256 keys',
    expected: 'policy: 401 (or ≤ 3 verification attempts)',
    runner: 'faults',
  },
  {
    id: 68,
    group: 'B4',
    title: 'T0{"kid":123} and T0{"kid":["k1"]}',
    expected: '401 (kid must be a string)',
    build: async (ctx) => ({
      steps: [
        aliceGet(ctx, 'kid 123', await realKeyWithKid(ctx, 123), invalidToken('ERR_MALFORMED_TOKEN')),
        aliceGet(ctx, 'kid ["k1"]', await realKeyWithKid(ctx, [K1]), invalidToken('ERR_MALFORMED_TOKEN')),
      ],
    }),
  },
];
