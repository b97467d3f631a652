// @portcullis/nest on NestJS 11, over real HTTP on 127.0.0.1 with tokens from @portcullis/testing:
// PortcullisModule.forRoot with its global deny-by-default guard, @Public, @Scopes (RFC 6750
// challenge), @Roles with the hierarchy, @CurrentPrincipal, authenticateRequest in a middleware that
// runs before the guard; then the same
// controller through PortcullisTestingModule and @nestjs/testing 11.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { asPrincipal, createTestIssuer, listenForTest, PortcullisTestingModule } from '@portcullis/testing/nest';
import type { TestIssuer, TestServer } from '@portcullis/testing/nest';
import { AppModule, AUTHORIZATION } from '../src/app.module.js';
import { CompatController } from '../src/compat.controller.js';

const require = createRequire(import.meta.url);
const versionOf = (name: string) => (require(`${name}/package.json`) as { version: string }).version;

const ALICE = { sub: 'alice', scope: 'orders:read orders:write', roles: ['customer'], org_id: 'acme' };
const ADA = { sub: 'ada', scope: 'orders:read', roles: ['admin'], org_id: 'acme' };

let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(async () => {
  await issuer?.close();
});

const call = (url: string, token?: string) =>
  fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(5_000) });
const codeOf = async (res: Response) => ((await res.json()) as { code: string }).code;

it('runs on NestJS 11 (the versions this check exists for)', () => {
  for (const name of ['@nestjs/common', '@nestjs/core', '@nestjs/platform-express', '@nestjs/testing']) {
    expect(versionOf(name)).toMatch(/^11\./);
  }
});

describe('PortcullisModule.forRoot with the global guard (NestFactory.create)', () => {
  let server: TestServer;
  beforeAll(async () => {
    const app = await NestFactory.create(AppModule.forRoot({ ...issuer.verifierOptions(), audit: () => {} }), {
      logger: false,
    });
    server = await listenForTest(app);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('@Public() lets an anonymous caller through', async () => {
    const res = await call(`${server.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('a route without a rule is denied: 401 without a token, 403 ERR_NO_RULE with one', async () => {
    const anonymous = await call(`${server.url}/no-rule`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="compat"');
    expect(await codeOf(anonymous)).toBe('ERR_MISSING_TOKEN');
    const res = await call(`${server.url}/no-rule`, await issuer.token(ALICE));
    expect(res.status).toBe(403);
    expect(await codeOf(res)).toBe('ERR_NO_RULE');
  });

  it('@Scopes() admits the scope and @CurrentPrincipal() injects the principal', async () => {
    const res = await call(`${server.url}/me`, await issuer.token(ALICE));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ subject: 'alice', sameSubject: true, tenant: 'acme', roles: ['customer'] });
  });

  it('@Scopes() refuses a missing scope with 403 and the RFC 6750 insufficient_scope challenge', async () => {
    const res = await call(`${server.url}/me`, await issuer.token({ ...ALICE, scope: 'orders:write' }));
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer realm="compat", error="insufficient_scope", error_description="The access token lacks a required scope", scope="orders:read"',
    );
    expect(await codeOf(res)).toBe('ERR_INSUFFICIENT_SCOPE');
  });

  it('refuses bad tokens with 401 invalid_token', async () => {
    for (const kind of ['expired', 'wrong-audience', 'alg-none', 'tampered-signature'] as const) {
      const res = await call(`${server.url}/me`, await issuer.badToken(kind, ALICE));
      expect([kind, res.status]).toEqual([kind, 401]);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="compat", error="invalid_token"/);
    }
  });

  it('@Roles() admits the role, and the hierarchy (admin inherits support)', async () => {
    const alice = await issuer.token(ALICE);
    const ada = await issuer.token(ADA);
    const denied = await call(`${server.url}/admin`, alice);
    expect(denied.status).toBe(403);
    expect(await codeOf(denied)).toBe('ERR_FORBIDDEN');
    expect((await call(`${server.url}/support`, alice)).status).toBe(403);
    expect((await call(`${server.url}/admin`, ada)).status).toBe(200);
    expect((await call(`${server.url}/support`, ada)).status).toBe(200);
  });

  it('the guard reuses what authenticateRequest decided earlier for the request (a middleware here)', async () => {
    const res = await call(`${server.url}/who-am-i`, await issuer.token(ALICE));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ subject: 'alice', preAuthenticated: true, samePrincipal: true });
    const expired = await call(`${server.url}/who-am-i`, await issuer.badToken('expired', ALICE));
    expect(expired.status).toBe(401);
    expect(await codeOf(expired)).toBe('ERR_TOKEN_EXPIRED');
  });
});

describe('PortcullisTestingModule with @nestjs/testing 11', () => {
  let server: TestServer;
  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [PortcullisTestingModule.forIssuer(issuer, { ...AUTHORIZATION, audit: () => {} })],
      controllers: [CompatController],
    }).compile();
    server = await listenForTest(moduleRef.createNestApplication({ logger: false }));
  });
  afterAll(async () => {
    await server?.close();
  });

  it('asPrincipal sends requests as a caller; the rules apply', async () => {
    const ada = asPrincipal(issuer, ADA);
    expect((await ada.fetch(`${server.url}/admin`)).status).toBe(200);
    const readless = await ada.with({ scope: 'orders:write' }).fetch(`${server.url}/me`);
    expect(readless.status).toBe(403);
    expect(readless.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect((await fetch(`${server.url}/no-rule`, { signal: AbortSignal.timeout(5_000) })).status).toBe(401);
  });
});
