import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import * as client from 'openid-client';
import { ORDERS_API_RESOURCE } from '../../src/config.js';
import { authorizeInBrowser, newBrowser } from '../support/browser.js';
import { BACKOFFICE_REDIRECT_URI, prepareAuthorization, signIn, WEB_REDIRECT_URI } from '../support/code-flow.js';
import { serverErrors, startAuthServer, type TestAuthServer } from '../support/start-auth-server.js';

describe('authorization code + PKCE', () => {
  let as: TestAuthServer;
  let web: client.Configuration;
  let jwks: JWTVerifyGetKey;
  const verify = (token: string) =>
    jwtVerify(token, jwks, {
      issuer: as.server.issuer,
      audience: ORDERS_API_RESOURCE,
      typ: 'at+jwt',
      algorithms: ['ES256'],
    });

  beforeAll(async () => {
    as = await startAuthServer();
    web = await as.clientConfig('orders-web');
    jwks = createRemoteJWKSet(new URL(web.serverMetadata().jwks_uri!));
  });
  afterAll(async () => {
    await as.stop();
    expect(serverErrors).toEqual([]);
  });

  it('signs alice in on orders-web through the login and consent pages and issues a JWT for the orders API', async () => {
    const { tokens, pages, callbackUrl } = await signIn(web, 'alice');

    expect(pages).toEqual(['login', 'consent']);
    expect(`${callbackUrl.origin}${callbackUrl.pathname}`).toBe(WEB_REDIRECT_URI);
    expect(callbackUrl.searchParams.get('iss')).toBe(as.server.issuer); // RFC 9207
    expect(tokens.scope).toBe('orders:read orders:write'); // the access token's (API) scopes
    expect(tokens.expires_in).toBe(900);
    expect(typeof tokens.refresh_token).toBe('string');
    expect(tokens.claims()?.sub).toBe('alice'); // ID token, validated by openid-client

    const { payload, protectedHeader } = await verify(tokens.access_token);
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload).toMatchObject({
      sub: 'alice',
      client_id: 'orders-web',
      aud: ORDERS_API_RESOURCE,
      scope: 'orders:read orders:write', // OpenID scopes are not API scopes
      roles: ['customer'],
      org_id: 'acme',
    });
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(Object.keys(payload).sort()).toEqual([
      'aud',
      'client_id',
      'exp',
      'iat',
      'iss',
      'jti',
      'org_id',
      'roles',
      'scope',
      'sub',
    ]);
  });

  it.each([
    ['bob', ['customer'], 'acme'],
    ['carol', ['customer'], 'globex'],
    ['sam', ['support'], 'acme'],
    ['ada', ['admin'], 'acme'],
  ])('puts the roles and org of %s in the access token', async (username, roles, orgId) => {
    const { tokens } = await signIn(web, username, { scope: 'orders:read' });
    const { payload } = await verify(tokens.access_token);
    expect(payload).toMatchObject({ sub: username, roles, org_id: orgId, scope: 'orders:read' });
    expect(typeof tokens.refresh_token).toBe('string'); // even without offline_access
  });

  it('works on the localhost redirect URI too', async () => {
    const { tokens } = await signIn(web, 'alice', {
      redirect_uri: 'http://localhost:8080/callback',
      scope: 'orders:read',
    });
    expect((await verify(tokens.access_token)).payload.sub).toBe('alice');
  });

  it('signs in on the confidential orders-backoffice client with its secret and PKCE', async () => {
    const backoffice = await as.clientConfig('orders-backoffice');
    const { tokens } = await signIn(backoffice, 'sam', { redirect_uri: BACKOFFICE_REDIRECT_URI });
    const { payload } = await verify(tokens.access_token);
    expect(payload).toMatchObject({ sub: 'sam', client_id: 'orders-backoffice', roles: ['support'], org_id: 'acme' });
    expect(typeof tokens.refresh_token).toBe('string');
  });

  it('refuses an authorization request without code_challenge, also for the confidential client (SPEC 179)', async () => {
    for (const [config, redirectUri] of [
      [web, WEB_REDIRECT_URI],
      [await as.clientConfig('orders-backoffice'), BACKOFFICE_REDIRECT_URI],
    ] as const) {
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'orders:read',
        state: 's1',
      });
      const { callbackUrl, pages } = await authorizeInBrowser(url, { username: 'alice', password: 'password' });
      expect(pages).toEqual([]); // refused before any login
      expect(callbackUrl.searchParams.get('error')).toBe('invalid_request');
      expect(callbackUrl.searchParams.get('error_description')).toMatch(/PKCE/);
      expect(callbackUrl.searchParams.get('code')).toBeNull();
    }
  });

  it('refuses the plain code_challenge_method (SPEC 179/180)', async () => {
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(web, {
      redirect_uri: WEB_REDIRECT_URI,
      scope: 'orders:read',
      code_challenge: verifier,
      code_challenge_method: 'plain',
      state: 's2',
    });
    const { callbackUrl, pages } = await authorizeInBrowser(url, { username: 'alice', password: 'password' });
    expect(pages).toEqual([]);
    expect(callbackUrl.searchParams.get('error')).toBe('invalid_request');
    expect(callbackUrl.searchParams.get('code')).toBeNull();
  });

  it('refuses a wrong code_verifier with invalid_grant (SPEC 181)', async () => {
    const prepared = await prepareAuthorization(web, { scope: 'orders:read' });
    const { callbackUrl } = await authorizeInBrowser(prepared.url, { username: 'alice', password: 'password' });
    await expect(
      client.authorizationCodeGrant(web, callbackUrl, {
        pkceCodeVerifier: client.randomPKCECodeVerifier(),
        expectedState: prepared.state,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a code redeemed twice with invalid_grant and revokes what the first redemption got (SPEC 182)', async () => {
    const prepared = await prepareAuthorization(web);
    const { callbackUrl } = await authorizeInBrowser(prepared.url, { username: 'alice', password: 'password' });
    const checks = { pkceCodeVerifier: prepared.verifier, expectedState: prepared.state };

    const first = await client.authorizationCodeGrant(web, callbackUrl, checks);
    await expect(client.authorizationCodeGrant(web, callbackUrl, checks)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    // oidc-provider revokes the grant on code reuse: the first refresh token is dead too.
    await expect(client.refreshTokenGrant(web, first.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a scope the client may not ask for (orders:fulfil on orders-web) with invalid_scope', async () => {
    const prepared = await prepareAuthorization(web, { scope: 'orders:read orders:fulfil' });
    const { callbackUrl, pages } = await authorizeInBrowser(prepared.url, { username: 'alice', password: 'password' });
    expect(pages).toEqual([]);
    expect(callbackUrl.searchParams.get('error')).toBe('invalid_scope');
  });

  it('refuses a resource other than the orders API with invalid_target (SPEC 183)', async () => {
    const prepared = await prepareAuthorization(web, {
      scope: 'orders:read',
      resource: 'https://api.portcullis.test/billing',
    });
    const { callbackUrl, pages } = await authorizeInBrowser(prepared.url, { username: 'alice', password: 'password' });
    expect(pages).toEqual([]);
    expect(callbackUrl.searchParams.get('error')).toBe('invalid_target');
  });

  it('refuses an unregistered redirect URI without redirecting to it', async () => {
    const prepared = await prepareAuthorization(web, { redirect_uri: 'http://127.0.0.1:9999/steal' });
    const response = await fetch(prepared.url, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('invalid_redirect_uri');
  });

  it('does not offer the implicit flow (response_type=token is refused)', async () => {
    const prepared = await prepareAuthorization(web, { response_type: 'token', scope: 'orders:read' });
    const response = await fetch(prepared.url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? prepared.url.href);
    const error = location.searchParams.get('error') ?? new URLSearchParams(location.hash.slice(1)).get('error');
    expect(error).toBe('unsupported_response_type');
  });

  it('re-shows the login form with an escaped message on a wrong password, then accepts the right one', async () => {
    const prepared = await prepareAuthorization(web, { scope: 'orders:read' });
    const browser = newBrowser();
    const start = await browser.get(prepared.url);
    const loginPage = new URL(start.headers.get('location')!, prepared.url);
    const form = /action="(\/interaction\/[\w-]+\/login)"/.exec(await (await browser.get(loginPage)).text());
    expect(form).not.toBeNull();

    const attack = '"><script>alert(1)</script>';
    const wrong = await browser.post(new URL(form![1]!, prepared.url), { username: attack, password: 'nope' });
    expect(wrong.status).toBe(401);
    const page = await wrong.text();
    expect(page).toContain('Invalid username or password.');
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(wrong.headers.get('content-security-policy')).toContain("default-src 'none'");

    const right = await browser.post(new URL(form![1]!, prepared.url), { username: 'carol', password: 'password' });
    expect(right.status).toBe(303);
    const { callbackUrl } = await authorizeInBrowser(
      new URL(right.headers.get('location')!, prepared.url),
      { username: 'carol', password: 'password' },
      browser,
    );
    const tokens = await client.authorizationCodeGrant(web, callbackUrl, {
      pkceCodeVerifier: prepared.verifier,
      expectedState: prepared.state,
    });
    expect((await verify(tokens.access_token)).payload).toMatchObject({ sub: 'carol', org_id: 'globex' });
  });

  it('does not sign the DEV ONLY users in when their sign-in is off (NODE_ENV=production)', async () => {
    const production = await startAuthServer({ devUserSignIn: false });
    try {
      const config = await production.clientConfig('orders-web');
      const prepared = await prepareAuthorization(config, { scope: 'orders:read' });
      const browser = newBrowser();
      const start = await browser.get(prepared.url);
      const loginPage = new URL(start.headers.get('location')!, prepared.url);
      const shown = await browser.get(loginPage);
      expect(shown.status).toBe(403);
      const page = await shown.text();
      expect(page).toContain('sign-in is disabled');
      expect(page).not.toContain('name="password"');

      // Posting the public password anyway does not log anyone in.
      const uid = /\/interaction\/([\w-]+)$/.exec(loginPage.pathname)![1]!;
      const posted = await browser.post(new URL(`/interaction/${uid}/login`, prepared.url), {
        username: 'ada',
        password: 'password',
      });
      expect(posted.status).toBe(403);
      expect(posted.headers.get('location')).toBeNull();
    } finally {
      await production.stop();
    }
  });

  it('ends the request with access_denied when the user denies consent', async () => {
    const prepared = await prepareAuthorization(web, { scope: 'orders:read' });
    const browser = newBrowser();
    let next = prepared.url;
    // Log in, then stop at the consent page and press "Deny".
    for (;;) {
      const response = await browser.get(next);
      if (response.status === 303 || response.status === 302) {
        next = new URL(response.headers.get('location')!, next);
        continue;
      }
      const page = await response.text();
      const login = /action="(\/interaction\/[\w-]+\/login)"/.exec(page);
      if (login !== null) {
        const done = await browser.post(new URL(login[1]!, next), { username: 'bob', password: 'password' });
        next = new URL(done.headers.get('location')!, next);
        continue;
      }
      expect(page).toContain('orders:read');
      expect(page).toContain(ORDERS_API_RESOURCE);
      const abort = /action="(\/interaction\/[\w-]+\/abort)"/.exec(page);
      const denied = await browser.post(new URL(abort![1]!, next), {});
      expect(denied.status).toBe(303);
      const { callbackUrl } = await authorizeInBrowser(
        new URL(denied.headers.get('location')!, next),
        { username: 'bob', password: 'password' },
        browser,
      );
      expect(callbackUrl.searchParams.get('error')).toBe('access_denied');
      break;
    }
  });

  it('answers an interaction page without its cookie with an escaped error page, not a crash', async () => {
    const response = await fetch(`${as.server.issuer}/interaction/nope`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('invalid_request');
    const wrongMethod = await fetch(`${as.server.issuer}/interaction/nope/login`);
    expect(wrongMethod.status).toBe(405);
  });
});
