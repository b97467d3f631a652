import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAccessTokenVerifier } from '@portcullis/core';
import { asPrincipal, createTestIssuer } from '../src/index.js';
import type { TestIssuer } from '../src/index.js';
import { startFixtureServer } from './support/fixture-server.js';
import type { FixtureServer } from './support/fixture-server.js';

let issuer: TestIssuer;
let app: FixtureServer;

beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['ES256', 'RS256'] });
  app = await startFixtureServer(() => ({ status: 200, body: { ok: true } }));
});
afterAll(async () => {
  await app?.close();
  await issuer?.close();
});

const ALICE = { sub: 'alice', scope: ['orders:read', 'orders:write'], roles: ['customer'], org_id: 'acme' };

describe('asPrincipal', () => {
  it('mints real tokens that a strict verifier accepts, with the claims merged over the defaults', async () => {
    const alice = asPrincipal(issuer, ALICE);
    const verified = await createAccessTokenVerifier(issuer.verifierOptions()).verify(await alice.token());
    expect(verified.claims).toMatchObject({
      sub: 'alice',
      scope: 'orders:read orders:write',
      roles: ['customer'],
      org_id: 'acme',
      iss: issuer.issuer,
      aud: issuer.audience,
      client_id: 'test-client',
    });
    expect(verified.header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
  });

  it('mints a fresh token on every call (own jti)', async () => {
    const alice = asPrincipal(issuer, ALICE);
    const [a, b] = [await alice.token(), await alice.token()];
    expect(a).not.toBe(b);
    const jti = (t: string) => JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()).jti as string;
    expect(jti(a)).not.toBe(jti(b));
  });

  it('passes token options (constructor options, then per call)', async () => {
    const alice = asPrincipal(issuer, ALICE, { alg: 'RS256', expiresIn: 60 });
    const header = (t: string) => JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString()) as { alg: string };
    const payload = (t: string) =>
      JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()) as { exp: number; iat: number };
    const token = await alice.token();
    expect(header(token).alg).toBe('RS256');
    expect(payload(token).exp - payload(token).iat).toBe(60);
    expect(header(await alice.token({ alg: 'ES256' })).alg).toBe('ES256');
  });

  it('authorization() and headers() carry "Bearer <token>"', async () => {
    const alice = asPrincipal(issuer, ALICE);
    expect(await alice.authorization()).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(await alice.headers()).toEqual({ authorization: expect.stringMatching(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/) });
  });

  it('fetch() sends the token, the method, headers and body; an explicit authorization header wins', async () => {
    const alice = asPrincipal(issuer, ALICE);
    app.requests.length = 0;
    const res = await alice.fetch(`${app.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"items":[]}',
    });
    expect(res.status).toBe(200);
    await alice.fetch(new URL(`${app.url}/orders`), { headers: { Authorization: 'Bearer other' } });
    const [first, second] = app.requests;
    expect(first).toMatchObject({ method: 'POST', url: '/orders', body: '{"items":[]}' });
    expect(first!.headers['content-type']).toBe('application/json');
    expect(first!.claims).toMatchObject({ sub: 'alice', org_id: 'acme' });
    expect(second!.headers.authorization).toBe('Bearer other');
  });

  it("fetch() reports the route's own answer: a redirect (e.g. to a public login page) is not followed", async () => {
    const site = await startFixtureServer((req) =>
      req.url === '/login' ? { status: 200, body: 'sign in' } : { status: 302, headers: { location: '/login' } },
    );
    try {
      const alice = asPrincipal(issuer, ALICE);
      const res = await alice.fetch(`${site.url}/orders`);
      expect([res.status, res.headers.get('location')]).toEqual([302, '/login']);
      expect(site.requests.map((r) => r.url)).toEqual(['/orders']);
      // Asked for explicitly, it follows.
      expect((await alice.fetch(`${site.url}/orders`, { redirect: 'follow' })).status).toBe(200);
    } finally {
      await site.close();
    }
  });

  it('with() derives a principal with changed claims; undefined removes a claim', async () => {
    const alice = asPrincipal(issuer, ALICE);
    const readOnly = alice.with({ scope: 'orders:read', org_id: undefined });
    const claims = JSON.parse(Buffer.from((await readOnly.token()).split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({ sub: 'alice', scope: 'orders:read', roles: ['customer'] });
    expect(claims).not.toHaveProperty('org_id');
    expect(alice.claims).toEqual(ALICE);
    expect(Object.isFrozen(alice.claims)).toBe(true);
  });

  it('validates its arguments', () => {
    expect(() => asPrincipal({} as TestIssuer, ALICE)).toThrow(/issuer must be a test issuer/);
    expect(() => asPrincipal(issuer, 'alice' as never)).toThrow(/claims must be an object/);
    expect(() => asPrincipal(issuer, ALICE).with(null as never)).toThrow(TypeError);
  });
});
