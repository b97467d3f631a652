// @portcullis/nest/passport on NestJS 11 and @nestjs/passport 11, over real HTTP on 127.0.0.1:
// PortcullisStrategy + PortcullisAuthGuard authenticate, PortcullisRulesGuard applies the rules.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import { createTestIssuer, listenForTest } from '@portcullis/testing/nest';
import type { TestIssuer, TestServer } from '@portcullis/testing/nest';
import { PassportAppModule } from '../src/passport-app.module.js';

const require = createRequire(import.meta.url);

const ALICE = { sub: 'alice', scope: 'orders:read', roles: ['customer'], org_id: 'acme' };

let issuer: TestIssuer;
let server: TestServer;

beforeAll(async () => {
  issuer = await createTestIssuer();
  const app = await NestFactory.create(PassportAppModule.forRoot({ ...issuer.verifierOptions(), audit: () => {} }), {
    logger: false,
  });
  server = await listenForTest(app);
});
afterAll(async () => {
  await server?.close();
  await issuer?.close();
});

const call = (url: string, token?: string) =>
  fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(5_000) });
const codeOf = async (res: Response) => ((await res.json()) as { code: string }).code;

it('runs on @nestjs/passport 11', () => {
  expect((require('@nestjs/passport/package.json') as { version: string }).version).toMatch(/^11\./);
});

it('authenticates with the portcullis strategy and applies the rules', async () => {
  const alice = await issuer.token(ALICE);
  const me = await call(`${server.url}/p/me`, alice);
  expect(me.status).toBe(200);
  expect(await me.json()).toEqual({ subject: 'alice', tenant: 'acme' });
  const scope = await call(`${server.url}/p/me`, await issuer.token({ ...ALICE, scope: 'orders:write' }));
  expect(scope.status).toBe(403);
  expect(scope.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  expect((await call(`${server.url}/p/admin`, alice)).status).toBe(403);
  expect((await call(`${server.url}/p/admin`, await issuer.token({ ...ALICE, roles: ['admin'] }))).status).toBe(200);
  const noRule = await call(`${server.url}/p/no-rule`, alice);
  expect(noRule.status).toBe(403);
  expect(await codeOf(noRule)).toBe('ERR_NO_RULE');
});

it('answers authentication failures with the Portcullis status, body and challenge', async () => {
  const anonymous = await call(`${server.url}/p/me`);
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="compat"');
  expect(await codeOf(anonymous)).toBe('ERR_MISSING_TOKEN');
  const expired = await call(`${server.url}/p/me`, await issuer.badToken('expired', ALICE));
  expect(expired.status).toBe(401);
  expect(expired.headers.get('www-authenticate')).toBe(
    'Bearer realm="compat", error="invalid_token", error_description="The access token expired"',
  );
  expect(await codeOf(expired)).toBe('ERR_TOKEN_EXPIRED');
});
