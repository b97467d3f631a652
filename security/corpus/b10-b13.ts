/**
 * SPEC.md B10 (DPoP), B11 (mTLS), B12 (key-server faults and rotation) and B13 (metadata and the
 * sample authorization server), cases 142–183.
 */
import { invalidToken, missingToken } from './expect.js';
import { getWith } from './steps.js';
import type { HttpResult } from '../runner/http-client.js';
import type { CorpusCase, GroupId } from './types.js';

const DPOP = 'DPoP (RFC 9449) is not implemented yet (SPEC: sender-constrained tokens come in later work)';
const MTLS = 'mTLS-bound tokens (RFC 8705) are not implemented yet (SPEC: sender-constrained tokens come in later work)';
/** Sample-AS cases run once, against apps/auth-server, in the orders-api column (the reference stack). */
const AS_ONCE = { pending: 'n/a on the SPEC target app: an authorization-server case, run once against apps/auth-server and reported in the orders-api column' };
const AS_CASE = { runner: 'auth-server' as const, targets: { 'nest-express': AS_ONCE, 'nest-fastify': AS_ONCE, express: AS_ONCE } };

const pendingCase = (id: number, group: GroupId, title: string, expected: string, pending: string): CorpusCase => ({ id, group, title, expected, pending });

const DPOP_CASES: ReadonlyArray<[number, string, string]> = [
  [142, 'DPoP-bound AT presented with the Bearer scheme', '401 invalid_token'],
  [143, 'Authorization: DPoP <AT> without a DPoP header', '401 invalid_dpop_proof'],
  [144, 'Two DPoP headers', '401 invalid_dpop_proof'],
  [145, 'Proof typ "JWT"', '401 invalid_dpop_proof'],
  [146, 'Proof alg none / HS256', '401 invalid_dpop_proof'],
  [147, 'Proof jwk containing "d"', '401 invalid_dpop_proof'],
  [148, 'Proof signed by a key other than its jwk', '401 invalid_dpop_proof'],
  [149, 'htm POST on a GET', '401 invalid_dpop_proof'],
  [150, 'htu for another path or http://; query-only difference', '401; 200 for the query-only difference'],
  [151, 'X-Forwarded-Host: evil.test + matching htu', '401'],
  [152, 'ath missing, or hash of another AT', '401 invalid_dpop_proof'],
  [153, 'Proof key ≠ cnf.jkt', '401 invalid_token (key binding)'],
  [154, 'Proof iat NOW±600', '401 invalid_dpop_proof'],
  [155, 'Same proof jti twice', 'second → 401 invalid_dpop_proof'],
  [156, 'Nonce required; without, with, stale', '401 use_dpop_nonce; 200; 401 use_dpop_nonce'],
  [157, 'Known-answer ath / JWK thumbprint', 'exact match'],
  [158, 'Non-bound T0 + unrelated DPoP header with dpop_bound_access_tokens_required', '401 with a DPoP challenge'],
];

const MTLS_CASES: ReadonlyArray<[number, string, string]> = [
  [159, 'cnf x5t#S256 token over a connection without a client certificate', '401 invalid_token'],
  [160, 'Client cert A, token bound to cert B', '401 invalid_token'],
  [161, 'Spoofed Client-Cert / X-SSL-Client-Cert header sent directly', '401; header ignored'],
  [162, 'x5t#S256 with "=" padding or whitespace', '401'],
  [163, 'mTLS-bound token with the DPoP scheme, or DPoP-bound with a client cert only', '401'],
];

export const B10: readonly CorpusCase[] = DPOP_CASES.map(([id, title, expected]) => pendingCase(id, 'B10', title, expected, DPOP));

export const B11: readonly CorpusCase[] = MTLS_CASES.map(([id, title, expected]) => pendingCase(id, 'B11', title, expected, MTLS));

export const B12: readonly CorpusCase[] = [
  { id: 164, group: 'B12', title: 'Key server refuses connections at cold start', expected: '503 + Retry-After; NDR; process healthy; recovers', runner: 'faults' },
  { id: 165, group: 'B12', title: 'Key server down, cache fresh: cached kid / unknown kid', expected: '200 / 503 (not 401: the RS could not decide)', runner: 'faults' },
  { id: 166, group: 'B12', title: 'Key server down, cache older than cacheMaxAge', expected: '503 (or a documented bounded grace period)', runner: 'faults' },
  { id: 167, group: 'B12', title: 'Key server answers after 10 s; 50 concurrent requests', expected: 'all 503 at ≈ the timeout; exactly 1 upstream fetch', runner: 'faults' },
  { id: 168, group: 'B12', title: 'Key server answers 200 text/html', expected: '503; cached keys not replaced', runner: 'faults' },
  { id: 169, group: 'B12', title: 'Key set {"kty":"oct","k":"c2VjcmV0"} + HS256 token signed with "secret"', expected: '401/503; never 200', runner: 'faults' },
  { id: 170, group: 'B12', title: 'Key set containing a private JWK (has "d")', expected: 'key set rejected → 503', runner: 'faults' },
  { id: 171, group: 'B12', title: 'Key server 302 Location: attacker', expected: '503; redirect not followed', runner: 'faults' },
  { id: 172, group: 'B12', title: 'Key-set body of 50 MB', expected: 'fetch aborted at the size cap; 503; RSS bounded', runner: 'faults' },
  { id: 173, group: 'B12', title: 'Key set with two different keys both kid "k1"', expected: 'policy: reject the key set', runner: 'faults' },
  { id: 174, group: 'B12', title: 'AS adds k3 and signs with it', expected: '1 refetch → 200 (rotation without restart)', runner: 'faults' },
  { id: 175, group: 'B12', title: 'AS removes k1; token signed by k1', expected: '401 after cache refresh; at once after an admin-triggered reload', runner: 'faults' },
  {
    id: 176,
    group: 'B12',
    title: 'Config with jwksUri "http://…" or "derive JWKS from the token iss"',
    expected: 'refuse to start',
    runner: 'config',
  },
];

export const B13: readonly CorpusCase[] = [
  {
    id: 177,
    group: 'B13',
    title: 'GET /.well-known/oauth-protected-resource/orders (no token)',
    expected:
      '200 application/json; resource == the resource identifier byte for byte; authorization_servers, scopes_supported, bearer_methods_supported ["header"] as configured; no DPoP/mTLS parameters (not enabled); empty-valued parameters omitted',
    mapping:
      'Every target serves its document (core createProtectedResourceMetadata; @portcullis/express protectedResourceMetadata(); the Nest module option) at the path derived from its resource. The same document answers a request that carries an expired token: it never depends on the caller.',
    build: async (ctx) => {
      const metadata = ctx.world.metadata;
      if (metadata === undefined) throw new Error(`${ctx.world.target} has no metadata expectation`);
      const document = (r: HttpResult): string | undefined => {
        if (!/^application\/json(;|$)/.test(r.headers['content-type'] ?? '')) return `content-type ${r.headers['content-type']}`;
        const json = r.json as Record<string, unknown> | undefined;
        if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'body is not a JSON object';
        const expected: Record<string, unknown> = {
          resource: metadata.resource,
          authorization_servers: [ctx.issuer.issuer],
          scopes_supported: metadata.scopes,
          bearer_methods_supported: ['header'],
          ...(metadata.name === undefined ? {} : { resource_name: metadata.name }),
        };
        for (const [name, value] of Object.entries(expected)) {
          if (JSON.stringify(json[name]) !== JSON.stringify(value)) return `${name} is ${JSON.stringify(json[name])}, expected ${JSON.stringify(value)}`;
        }
        const extra = Object.keys(json).filter((name) => !(name in expected));
        if (extra.length > 0) return `unexpected parameters ${extra.join(', ')} (DPoP and mTLS are not enabled)`;
        // The challenge's URL leads here: the resource's origin followed by this path (RFC 9728 §3.1, §5.1).
        const advertised = ctx.world.challenge.resourceMetadata;
        if (advertised !== new URL(metadata.resource).origin + metadata.path) return `challenges advertise ${advertised}`;
        return undefined;
      };
      const served = { oneOf: [{ status: 200, code: '*' }], challenge: null, downstream: 'none' as const, check: document };
      return {
        steps: [
          getWith('no token', metadata.path, undefined, served),
          getWith('an expired token', metadata.path, ctx.secret(await ctx.issuer.badToken('expired', ctx.claims('alice'))), served),
        ],
      };
    },
  },
  {
    id: 178,
    group: 'B13',
    title: 'Any 401 carries resource_metadata="…/.well-known/oauth-protected-resource/orders"',
    expected: 'challenge carries resource_metadata (RFC 9728 §5.1)',
    mapping:
      'Every target names its metadata URL (SPEC §0.2 URL; the orders API derives the same from its audience), so every 401/403 challenge in this suite is checked with it; this case sends one of each kind.',
    build: async (ctx) => {
      const path = ctx.world.order(ctx.world.orders.a1);
      const carries = (r: { headers: Readonly<Record<string, string>> }) =>
        (r.headers['www-authenticate'] ?? '').includes(`resource_metadata="${ctx.world.challenge.resourceMetadata}"`) ? undefined : 'no resource_metadata in the challenge';
      return {
        steps: [
          getWith('no token', path, undefined, { ...missingToken(), check: carries }),
          getWith('expired token', path, ctx.secret(await ctx.issuer.badToken('expired', ctx.claims('alice'))), { ...invalidToken('ERR_TOKEN_EXPIRED'), check: carries }),
        ],
      };
    },
  },
  { id: 179, group: 'B13', title: 'Sample AS, public client: no code_challenge; code_challenge_method=plain', expected: 'error (PKCE required; S256 only)', ...AS_CASE },
  {
    id: 180,
    group: 'B13',
    title: 'Token request with code_verifier for a code issued without code_challenge',
    expected: '400 invalid_grant',
    mapping: 'No code can be issued without a challenge (179), so the converse downgrade is sent: a code issued with a challenge, redeemed without a code_verifier.',
    ...AS_CASE,
  },
  { id: 181, group: 'B13', title: 'Wrong code_verifier', expected: '400 invalid_grant', ...AS_CASE },
  { id: 182, group: 'B13', title: 'Authorization code redeemed twice', expected: "second: invalid_grant; the first redemption's refresh token revoked", ...AS_CASE },
  {
    id: 183,
    group: 'B13',
    title: 'Client credentials with resource=…/payments for a client not entitled',
    expected: 'invalid_target; entitled request yields aud = orders only',
    mapping: 'fulfilment-service asks for https://api.example.test/payments (not its resource), then for the orders API.',
    ...AS_CASE,
  },
];
