/** SPEC.md B6 — Token-type confusion (cases 94–102). */
import { randomUUID } from 'node:crypto';
import { ANY_INVALID_TOKEN, allowed, invalidToken } from './expect.js';
import { K1, attackerJwk, attackerSign, randomB64u } from './jose-tools.js';
import { getWith } from './steps.js';
import type { CaseContext, CorpusCase } from './types.js';

const TYPE = 'ERR_INVALID_TOKEN_TYPE';

const aliceGet = (ctx: CaseContext, label: string, token: string, expect = invalidToken(TYPE)) =>
  getWith(label, ctx.world.order(ctx.world.orders.a1), ctx.secret(token), expect);

export const B6: readonly CorpusCase[] = [
  {
    id: 94,
    group: 'B6',
    title: 'OIDC ID token from the same AS (typ JWT, aud orders-web, nonce)',
    expected: '401 invalid_token',
    build: async (ctx) => ({ steps: [aliceGet(ctx, 'ID token', await ctx.issuer.badToken('id-token', ctx.claims('alice')))] }),
  },
  {
    id: 95,
    group: 'B6',
    title: 'T0{header typ "JWT"}',
    expected: '401',
    build: async (ctx) => ({ steps: [aliceGet(ctx, 'typ JWT', await ctx.token('alice', {}, { typ: 'JWT' }))] }),
  },
  {
    id: 96,
    group: 'B6',
    title: 'T0 without typ',
    expected: '401',
    build: async (ctx) => ({ steps: [aliceGet(ctx, 'no typ', await ctx.token('alice', {}, { typ: null }))] }),
  },
  {
    id: 97,
    group: 'B6',
    title: 'T0{typ "application/at+jwt"} and T0{typ "AT+JWT"}',
    expected: '200 each (media types compare case-insensitively)',
    build: async (ctx) => ({
      steps: [
        aliceGet(ctx, 'application/at+jwt', await ctx.token('alice', {}, { typ: 'application/at+jwt' }), allowed()),
        aliceGet(ctx, 'AT+JWT', await ctx.token('alice', {}, { typ: 'AT+JWT' }), allowed()),
      ],
    }),
  },
  {
    id: 98,
    group: 'B6',
    title: 'A DPoP proof JWT (typ dpop+jwt) sent as the access token',
    expected: '401',
    build: async (ctx) => {
      const proofClaims = { jti: randomUUID(), htm: 'GET', htu: `https://api.example.test/orders/${ctx.world.orders.a1}`, iat: ctx.nowSeconds() };
      return {
        steps: [
          aliceGet(ctx, 'real-shape proof (jwk header)', attackerSign({ typ: 'dpop+jwt', alg: 'ES256', jwk: attackerJwk() }, proofClaims), invalidToken('ERR_ALGORITHM_NOT_ALLOWED', TYPE)),
          aliceGet(ctx, 'proof signed by the issuer key', await ctx.issuer.sign({ typ: 'dpop+jwt', alg: 'ES256', kid: K1 }, { ...ctx.claims('alice'), ...proofClaims })),
        ],
      };
    },
  },
  {
    id: 99,
    group: 'B6',
    title: 'A back-channel logout token (typ logout+jwt)',
    expected: '401',
    build: async (ctx) => {
      const now = ctx.nowSeconds();
      const claims = {
        iss: ctx.issuer.issuer,
        aud: ctx.issuer.audience,
        iat: now,
        exp: now + 120,
        jti: randomUUID(),
        sub: 'alice',
        client_id: 'orders-web',
        events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
      };
      return { steps: [aliceGet(ctx, 'logout token', await ctx.issuer.sign({ typ: 'logout+jwt', alg: 'ES256', kid: K1 }, claims))] };
    },
  },
  {
    id: 100,
    group: 'B6',
    title: 'oidc-provider refresh token / authorization code as Bearer',
    expected: '401 (opaque artefacts are not access tokens)',
    build: async (ctx) => ({
      steps: [
        aliceGet(ctx, 'refresh-token shape', randomB64u(32), invalidToken('ERR_MALFORMED_TOKEN')),
        aliceGet(ctx, 'authorization-code shape', randomB64u(32), invalidToken('ERR_MALFORMED_TOKEN')),
      ],
    }),
  },
  {
    id: 101,
    group: 'B6',
    title: 'A private_key_jwt client assertion (aud = AS token endpoint)',
    expected: '401',
    build: async (ctx) => {
      const now = ctx.nowSeconds();
      const assertion = await ctx.issuer.sign(
        { alg: 'ES256', kid: 'orders-web-key-1' },
        { iss: 'orders-web', sub: 'orders-web', aud: `${ctx.issuer.issuer}/token`, jti: randomUUID(), iat: now, exp: now + 60 },
        { key: 'untrusted' },
      );
      return { steps: [aliceGet(ctx, 'client assertion', assertion, invalidToken(...ANY_INVALID_TOKEN))] };
    },
  },
  {
    id: 102,
    group: 'B6',
    title: 'Valid at+jwt from the same AS for another resource indicator',
    expected: '401',
    build: async (ctx) => ({
      steps: [aliceGet(ctx, 'other resource', await ctx.token('alice', { aud: 'https://api.example.test/orders-tenant-b' }), invalidToken('ERR_CLAIM_INVALID'))],
    }),
  },
];
