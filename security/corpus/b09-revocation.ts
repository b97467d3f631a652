/** SPEC.md B9 — Revocation, refresh, introspection (cases 130–141). */
import { allowed, invalidToken } from './expect.js';
import { randomB64u, segments, unb64u } from './jose-tools.js';
import { action, getWith, lazy } from './steps.js';
import type { CorpusCase } from './types.js';

const INTROSPECTION = 'Introspection (RFC 7662, opaque-token mode) is not implemented yet (SPEC: comes in later work)';
/** Sample-AS cases run once, against apps/auth-server, in the orders-api column (the reference stack). */
const AS_ONCE = { pending: 'n/a on the SPEC target app: an authorization-server case, run once against apps/auth-server and reported in the orders-api column' };
const AS_CASE = { runner: 'auth-server' as const, targets: { 'nest-express': AS_ONCE, 'nest-fastify': AS_ONCE, express: AS_ONCE } };

export const B9: readonly CorpusCase[] = [
  {
    id: 130,
    group: 'B9',
    title: 'T0 whose jti is in the revocation store',
    expected: '401 invalid_token (revoked, generic text)',
    mapping: 'Orders API: the token is revoked through its own POST /sessions/logout.',
    build: async (ctx) => {
      const token = ctx.secret(await ctx.token('alice'));
      const claims = JSON.parse(unb64u(segments(token)[1]).toString('utf8')) as { jti: string; exp: number };
      const path = ctx.world.order(ctx.world.orders.a1);
      return {
        steps: [
          getWith('before revocation', path, token, allowed()),
          action('revoke the jti', () => ctx.revocation.revokeToken(token, claims)),
          getWith('after revocation', path, token, invalidToken('ERR_TOKEN_REVOKED')),
        ],
      };
    },
  },
  {
    id: 131,
    group: 'B9',
    title: 'Store entry {sub, revokedBefore: T}; T0 with iat < T, and with iat > T',
    expected: '401; 200',
    mapping: 'Subject erin (acme customer); orders API: POST /admin/users/erin/revoke-tokens by ada. The clock then moves 2 s and a new token is minted.',
    build: async (ctx) => {
      const before = ctx.secret(await ctx.token('erin', { iat: ctx.nowSeconds() - 10 }));
      return {
        steps: [
          action('revoke every token of erin issued up to now', () => ctx.revocation.revokeSubject('erin')),
          getWith('iat < T', '/orders', before, invalidToken('ERR_TOKEN_REVOKED')),
          action('advance the clock 2 s', async () => ctx.issuer.clock.advance(2)),
          // Minted after the clock moved, so its iat is later than the revocation.
          lazy('iat > T', async () => getWith('iat > T', '/orders', ctx.secret(await ctx.token('erin')), allowed())),
        ],
      };
    },
  },
  {
    id: 132,
    group: 'B9',
    title: 'Revocation store down (ECONNREFUSED)',
    expected: '503 + Retry-After; nothing downstream; recovers when the store is back',
    runner: 'faults',
  },
  {
    id: 133,
    group: 'B9',
    title: 'Revocation store answers after 5 s (budget)',
    expected: '503 within the budget (revocationTimeout 1 s)',
    runner: 'faults',
  },
  {
    id: 134,
    group: 'B9',
    title: 'Revocation store returns malformed data',
    expected: '503 (unknown ≠ not revoked)',
    runner: 'faults',
  },
  { id: 135, group: 'B9', title: 'Introspection returns {"active":false}', expected: '401 invalid_token', pending: INTROSPECTION },
  { id: 136, group: 'B9', title: 'Introspection active but wrong aud / scope → DELETE', expected: '401 (aud) / 403 (scope)', pending: INTROSPECTION },
  { id: 137, group: 'B9', title: 'Introspection endpoint 500 / timeout', expected: '503', pending: INTROSPECTION },
  { id: 138, group: 'B9', title: 'Cached active:true past its exp', expected: 'Re-introspected or 401; never served from cache', pending: INTROSPECTION },
  {
    id: 139,
    group: 'B9',
    title: 'Sample AS: refresh token R1 rotated to R2; R1 presented again',
    expected: '400 invalid_grant; whole grant revoked (R2 refused too); access tokens short-lived (≤ 15 min, JWT mode)',
    mapping: 'The RS part ("introspection mode rejects the grant\'s ATs") needs introspection (pending); in JWT mode the AT lifetime bound is checked instead.',
    ...AS_CASE,
  },
  { id: 140, group: 'B9', title: 'Sample AS revocation endpoint: token=garbage', expected: '200', ...AS_CASE },
  {
    id: 141,
    group: 'B9',
    title: 'Refresh token presented to the resource server as Bearer',
    expected: '401',
    build: async (ctx) => ({ steps: [getWith('opaque refresh token', ctx.world.order(ctx.world.orders.a1), randomB64u(32), invalidToken('ERR_MALFORMED_TOKEN'))] }),
  },
];
