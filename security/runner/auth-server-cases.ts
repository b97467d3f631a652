/**
 * SPEC cases about the sample authorization server (139, 140, 179–183), run once against the real
 * apps/auth-server (`createAuthServer`, in-process on 127.0.0.1:0) with an independent little
 * client: discovery, a cookie-carrying "browser" that submits the login and consent forms, PKCE,
 * and raw token / revocation requests. The results are reported in the orders-api column (the
 * reference stack); targets a–c list them as pending.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_CLIENT_SECRETS, ORDERS_API_RESOURCE, randomCookieKey } from '../../apps/auth-server/src/config.js';
import { createAuthServer } from '../../apps/auth-server/src/create-auth-server.js';

const WEB_CLIENT = 'orders-web';
const WEB_REDIRECT = 'http://127.0.0.1:8080/callback';
const FULFILMENT = { id: 'fulfilment-service', secret: DEV_CLIENT_SECRETS.fulfilmentService };

/** The running reference auth server and its endpoints. */
export interface ReferenceAuthServer {
  readonly issuer: string;
  readonly endpoints: { authorization: string; token: string; revocation: string };
  close(): Promise<void>;
}

export async function startReferenceAuthServer(): Promise<ReferenceAuthServer> {
  const dir = await mkdtemp(join(tmpdir(), 'conformance-as-'));
  const errors: string[] = [];
  const server = await createAuthServer(
    {
      port: 0,
      host: '127.0.0.1',
      issuer: undefined,
      ordersApiResource: ORDERS_API_RESOURCE,
      accessTokenFormat: 'jwt',
      keysFile: join(dir, 'jwks.json'),
      cookieKeys: [randomCookieKey()],
      clientSecrets: { ...DEV_CLIENT_SECRETS },
    },
    { error: (message) => errors.push(message) },
  ).listen();
  const discovery = (await (await fetch(`${server.url}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(10_000) })).json()) as Record<string, string>;
  return {
    issuer: server.issuer,
    endpoints: { authorization: discovery['authorization_endpoint']!, token: discovery['token_endpoint']!, revocation: discovery['revocation_endpoint']! },
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const b64u = (b: Buffer) => b.toString('base64url');

/** A PKCE pair (RFC 7636 S256). */
function pkce(): { verifier: string; challenge: string } {
  const verifier = b64u(randomBytes(32));
  return { verifier, challenge: b64u(createHash('sha256').update(verifier).digest()) };
}

/** Follows an authorization request through login and consent; returns the callback URL (or the error page). */
async function authorize(as: ReferenceAuthServer, params: Record<string, string>, username = 'alice'): Promise<{ callback?: URL; status?: number; page?: string }> {
  const cookies = new Map<string, string>();
  const origin = new URL(as.endpoints.authorization).origin;
  const go = async (url: URL, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (cookies.size) headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return res;
  };
  let next = new URL(as.endpoints.authorization);
  for (const [k, v] of Object.entries(params)) next.searchParams.set(k, v);
  for (let step = 0; step < 12; step++) {
    const res = await go(next);
    if (res.status >= 300 && res.status < 400) {
      const location = new URL(res.headers.get('location') ?? '', next);
      await res.body?.cancel();
      if (location.origin !== origin) return { callback: location };
      next = location;
      continue;
    }
    const page = await res.text();
    const form = /<form method="post" action="(\/interaction\/[\w-]+\/(login|confirm))"/.exec(page);
    if (res.status !== 200 || !form) return { status: res.status, page: page.slice(0, 300) };
    const body = new URLSearchParams(form[2] === 'login' ? { username, password: 'password' } : {});
    const submitted = await go(new URL(form[1]!, origin), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() });
    if (submitted.status !== 303) return { status: submitted.status, page: (await submitted.text()).slice(0, 300) };
    next = new URL(submitted.headers.get('location') ?? '', origin);
  }
  return { status: 0, page: 'too many redirects' };
}

/** A code for orders-web with PKCE S256 (and offline_access, for a refresh token). */
async function codeFor(as: ReferenceAuthServer, challenge: string): Promise<string> {
  const { callback, status, page } = await authorize(as, {
    client_id: WEB_CLIENT,
    response_type: 'code',
    redirect_uri: WEB_REDIRECT,
    scope: 'openid offline_access orders:read',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: b64u(randomBytes(8)),
    prompt: 'consent',
  });
  const code = callback?.searchParams.get('code');
  if (!code) throw new Error(`no authorization code: ${callback?.href ?? `${status} ${page}`}`);
  return code;
}

async function token(as: ReferenceAuthServer, form: Record<string, string>, basic?: { id: string; secret: string }): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers['authorization'] = `Basic ${Buffer.from(`${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`).toString('base64')}`;
  const res = await fetch(as.endpoints.token, { method: 'POST', headers, body: new URLSearchParams(form).toString(), signal: AbortSignal.timeout(10_000) });
  return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

const redeem = (as: ReferenceAuthServer, code: string, verifier?: string) =>
  token(as, { grant_type: 'authorization_code', code, redirect_uri: WEB_REDIRECT, client_id: WEB_CLIENT, ...(verifier === undefined ? {} : { code_verifier: verifier }) });

const refresh = (as: ReferenceAuthServer, refreshToken: string) => token(as, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: WEB_CLIENT });

const claimsOf = (jwt: unknown): Record<string, unknown> => JSON.parse(Buffer.from(String(jwt).split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

const expectError = (label: string, r: { status: number; json: Record<string, unknown> }, error: string, failures: string[]) => {
  if (r.status !== 400 || r.json['error'] !== error) failures.push(`${label}: ${r.status} ${JSON.stringify(r.json)} — expected 400 ${error}`);
};

/** The cases, by SPEC number; each returns failures. */
export const AUTH_SERVER_CASES: Readonly<Record<number, (as: ReferenceAuthServer) => Promise<string[]>>> = {
  139: async (as) => {
    const f: string[] = [];
    const p = pkce();
    const first = await redeem(as, await codeFor(as, p.challenge), p.verifier);
    const r1 = first.json['refresh_token'];
    if (first.status !== 200 || typeof r1 !== 'string') return [`code redemption failed: ${first.status} ${JSON.stringify(first.json)}`];
    const at = claimsOf(first.json['access_token']);
    if (typeof at['exp'] !== 'number' || typeof at['iat'] !== 'number' || at['exp'] - at['iat'] > 900) f.push('access tokens live longer than 15 minutes (JWT mode: revocation of the grant cannot reach them)');
    const second = await refresh(as, r1);
    const r2 = second.json['refresh_token'];
    if (second.status !== 200 || typeof r2 !== 'string' || r2 === r1) f.push(`refresh did not rotate: ${second.status} ${JSON.stringify(second.json).slice(0, 200)}`);
    expectError('R1 presented again', await refresh(as, r1), 'invalid_grant', f);
    if (typeof r2 === 'string') expectError('R2 after the reuse (whole grant revoked)', await refresh(as, r2), 'invalid_grant', f);
    return f;
  },
  140: async (as) => {
    const res = await fetch(as.endpoints.revocation, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: 'garbage', client_id: WEB_CLIENT }).toString(),
      signal: AbortSignal.timeout(10_000),
    });
    return res.status === 200 ? [] : [`revocation of garbage answered ${res.status}, expected 200`];
  },
  179: async (as) => {
    const f: string[] = [];
    const base = { client_id: WEB_CLIENT, response_type: 'code', redirect_uri: WEB_REDIRECT, scope: 'openid orders:read', state: 's' };
    for (const [label, extra] of [
      ['no code_challenge', {}],
      ['code_challenge_method=plain', { code_challenge: b64u(randomBytes(32)), code_challenge_method: 'plain' }],
    ] as const) {
      const { callback, status } = await authorize(as, { ...base, ...extra });
      if (callback?.searchParams.get('code')) f.push(`${label}: a code was issued`);
      else if (!callback?.searchParams.get('error') && (status ?? 0) < 400) f.push(`${label}: no error (${callback?.href ?? status})`);
    }
    return f;
  },
  180: async (as) => {
    // No code can be issued without a challenge (179); the downgrade tried here is the converse:
    // a code issued with a challenge, redeemed without any code_verifier.
    const p = pkce();
    const f: string[] = [];
    expectError('redeemed without code_verifier', await redeem(as, await codeFor(as, p.challenge)), 'invalid_grant', f);
    return f;
  },
  181: async (as) => {
    const p = pkce();
    const f: string[] = [];
    expectError('wrong code_verifier', await redeem(as, await codeFor(as, p.challenge), pkce().verifier), 'invalid_grant', f);
    return f;
  },
  182: async (as) => {
    const p = pkce();
    const code = await codeFor(as, p.challenge);
    const first = await redeem(as, code, p.verifier);
    if (first.status !== 200) return [`first redemption failed: ${first.status}`];
    const f: string[] = [];
    expectError('second redemption', await redeem(as, code, p.verifier), 'invalid_grant', f);
    const r1 = first.json['refresh_token'];
    if (typeof r1 === 'string') expectError("first redemption's refresh token after the replay", await refresh(as, r1), 'invalid_grant', f);
    return f;
  },
  183: async (as) => {
    const f: string[] = [];
    const wrong = await token(as, { grant_type: 'client_credentials', scope: 'orders:fulfil', resource: 'https://api.example.test/payments' }, FULFILMENT);
    if (wrong.json['error'] !== 'invalid_target') f.push(`resource payments: ${wrong.status} ${JSON.stringify(wrong.json)} — expected invalid_target`);
    const ok = await token(as, { grant_type: 'client_credentials', scope: 'orders:fulfil', resource: ORDERS_API_RESOURCE }, FULFILMENT);
    if (ok.status !== 200) return [...f, `entitled request: ${ok.status} ${JSON.stringify(ok.json)}`];
    const aud = claimsOf(ok.json['access_token'])['aud'];
    if (aud !== ORDERS_API_RESOURCE && !(Array.isArray(aud) && aud.length === 1 && aud[0] === ORDERS_API_RESOURCE)) f.push(`aud is ${JSON.stringify(aud)}, expected the orders API only`);
    return f;
  },
};
