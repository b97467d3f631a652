/** SPEC.md B7 — Size / resource consumption (cases 103–110). */
import { randomUUID } from 'node:crypto';
import { allowed, either, invalidRequest, invalidToken, other } from './expect.js';
import { K1, b64u, randomB64u } from './jose-tools.js';
import { bearer, burst, getWith, request } from './steps.js';
import type { CaseContext, CorpusCase } from './types.js';

const APP_CONCERN_SPEC_TARGETS =
  'n/a on the SPEC target app: an application concern (no Portcullis component involved); checked on the orders API';

const aliceGet = (ctx: CaseContext, label: string, token: string, expect = invalidToken('ERR_MALFORMED_TOKEN')) =>
  getWith(label, ctx.world.order(ctx.world.orders.a1), ctx.secret(token), expect);

export const B7: readonly CorpusCase[] = [
  {
    id: 103,
    group: 'B7',
    title: 'Authorization: Bearer + 20 KiB of "A"',
    expected: '431 (Node header limit) or 400; no decoding, no key-set fetch',
    build: async (ctx) => {
      const before = ctx.jwksFetches();
      return {
        steps: [getWith('20 KiB token', ctx.world.order(ctx.world.orders.a1), 'A'.repeat(20 * 1024), either(other([431, 400], { resetIsRefusal: true }), invalidRequest()))],
        verify: () => (ctx.jwksFetches() === before ? undefined : 'a key-set fetch happened for an oversized header'),
      };
    },
  },
  {
    id: 104,
    group: 'B7',
    title: 'Syntactically valid 9 KiB token (over the 8 KiB toolkit cap)',
    expected: '401 invalid_token before base64 decoding',
    build: async (ctx) => ({ steps: [aliceGet(ctx, '9 KiB token', await ctx.issuer.badToken('oversized', ctx.claims('alice')))] }),
  },
  {
    id: 105,
    group: 'B7',
    title: 'Many requests, each with a fresh random kid',
    expected: 'all 401; key set fetched at most once per cooldown (30 s)',
    mapping: 'Scaled down for CI: 200 requests, 20 in flight (not 1 000/s).',
    build: async (ctx) => {
      const before = ctx.jwksFetches();
      const tokens = await Promise.all(
        Array.from({ length: 200 }, () => ctx.issuer.sign({ alg: 'ES256', typ: 'at+jwt', kid: randomUUID() }, ctx.claims('alice'), { key: { kid: K1 } })),
      );
      return {
        steps: [
          burst(
            '200 random kids',
            tokens.map((t) => ({ method: 'GET', path: ctx.world.order(ctx.world.orders.a1), headers: [bearer(ctx.secret(t))] })),
            20,
            invalidToken('ERR_KEY_NOT_FOUND'),
          ),
        ],
        verify: () => {
          const fetches = ctx.jwksFetches() - before;
          return fetches <= 1 ? undefined : `${fetches} key-set fetches for 200 unknown kids`;
        },
      };
    },
  },
  {
    id: 106,
    group: 'B7',
    title: 'JWE header {"alg":"PBES2-HS256+A128KW","p2c":2147483647,…}',
    expected: '401 at once; no PBKDF2 work',
    mapping: 'Sent as a 5-part JWE and as a 3-part token with that header.',
    build: async (ctx) => {
      const header = b64u(JSON.stringify({ alg: 'PBES2-HS256+A128KW', enc: 'A128GCM', p2c: 2147483647, p2s: 'AAAAAAAAAAAAAAAAAAAAAA' }));
      return {
        steps: [
          aliceGet(ctx, '5-part JWE', `${header}.${randomB64u(24)}.${randomB64u(12)}.${randomB64u(32)}.${randomB64u(16)}`),
          aliceGet(ctx, '3-part', `${header}.${b64u(JSON.stringify(ctx.claims('alice')))}.${randomB64u(32)}`, invalidToken('ERR_ALGORITHM_NOT_ALLOWED', 'ERR_MALFORMED_TOKEN')),
        ],
      };
    },
  },
  {
    id: 107,
    group: 'B7',
    title: 'JWE with "zip":"DEF" (decompression bomb)',
    expected: '401; no decompression',
    mapping: 'Sent as a 5-part JWE and as an ES256-signed 3-part token carrying "zip".',
    build: async (ctx) => {
      const header = b64u(JSON.stringify({ alg: 'dir', enc: 'A128GCM', zip: 'DEF' }));
      const signed = await ctx.issuer.sign({ alg: 'ES256', typ: 'at+jwt', kid: K1, zip: 'DEF' }, ctx.claims('alice'));
      return {
        steps: [
          aliceGet(ctx, '5-part JWE', `${header}..${randomB64u(12)}.${randomB64u(4096)}.${randomB64u(16)}`),
          aliceGet(ctx, 'signed with zip', signed, invalidToken('ERR_ALGORITHM_NOT_ALLOWED')),
        ],
      };
    },
  },
  {
    id: 108,
    group: 'B7',
    title: 'DPoP proof with a 64 KiB jti',
    expected: '401 invalid_dpop_proof; nothing stored',
    pending: 'DPoP (RFC 9449) is not implemented yet (SPEC: sender-constrained tokens come in later work)',
  },
  {
    id: 109,
    group: 'B7',
    title: 'GET /orders?limit=1000000, ?limit=-1, ?limit=1e9',
    expected: '400 or clamped to the maximum page size',
    targets: { 'nest-express': { pending: APP_CONCERN_SPEC_TARGETS }, 'nest-fastify': { pending: APP_CONCERN_SPEC_TARGETS }, express: { pending: APP_CONCERN_SPEC_TARGETS } },
    build: async (ctx) => {
      const token = ctx.secret(await ctx.token('alice'));
      const clampedOr400 = either(other([400], { downstream: 'none' }), allowed(200, (r) => {
        const data = (r.json as { data?: unknown[] } | undefined)?.data;
        return Array.isArray(data) && data.length <= 100 ? undefined : 'page larger than 100 rows';
      }));
      return { steps: ['1000000', '-1', '1e9'].map((limit) => getWith(`limit=${limit}`, `/orders?limit=${limit}`, token, clampedOr400)) };
    },
  },
  {
    id: 110,
    group: 'B7',
    title: 'Per-client burst above quota',
    expected: '429 + Retry-After; handler not run past quota',
    mapping: 'A second orders API instance on the same database with RATE_LIMIT_BURST=5: 5 creations succeed, the next 3 get 429 and create nothing.',
    targets: { 'nest-express': { pending: APP_CONCERN_SPEC_TARGETS }, 'nest-fastify': { pending: APP_CONCERN_SPEC_TARGETS }, express: { pending: APP_CONCERN_SPEC_TARGETS } },
    build: async (ctx) => {
      const limited = ctx.rateLimited;
      if (!limited) throw new Error('case 110 needs the rate-limited orders API instance');
      const token = ctx.secret(await ctx.token('alice', { sub: `rate-${randomUUID()}` }));
      const create = (i: number, expect: ReturnType<typeof allowed>) => ({
        ...request(`create #${i}`, 'POST', '/orders', expect, { headers: [bearer(token)], body: ctx.world.createBody }),
        baseUrl: limited.url,
      });
      const throttled = other([429], {
        downstream: 'none',
        check: (r) => (/^\d+$/.test(r.headers['retry-after'] ?? '') ? undefined : 'no numeric Retry-After on 429'),
      });
      return {
        steps: [
          ...Array.from({ length: limited.burst }, (_, i) => create(i + 1, allowed(201))),
          ...Array.from({ length: 3 }, (_, i) => create(limited.burst + i + 1, throttled)),
        ],
      };
    },
  },
];
