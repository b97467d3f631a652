// PortcullisModule.forRootAsync on NestJS 11 with @nestjs/config 4 (the line for Nest 11): the
// factory's options, read from the injected ConfigService, are the ones the guard applies; and
// configuration that is missing or wrong stops the application at start-up instead of serving.
// The rules themselves on forRootAsync, on both platforms, are in platforms.e2e.spec.ts.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import { createTestIssuer, listenForTest } from '@portcullis/testing/nest';
import type { TestIssuer, TestServer } from '@portcullis/testing/nest';
import { OrdersAppModule } from '../src/orders-app.module.js';
import type { AuthSettings } from '../src/portcullis-from-config.js';
import { call, codeOf } from './support/http.js';

const require = createRequire(import.meta.url);

let issuer: TestIssuer;
let settings: AuthSettings;

beforeAll(async () => {
  issuer = await createTestIssuer();
  const { issuer: iss, audience, jwksUri } = issuer.verifierOptions();
  settings = { issuer: iss, audience, jwksUri: String(jwksUri), realm: 'from-config', tenantClaim: 'tenant' };
});
afterAll(async () => {
  await issuer?.close();
});

const start = (overrides: Partial<Record<keyof AuthSettings, unknown>>) =>
  NestFactory.create(
    OrdersAppModule.register({
      kind: 'forRootAsync',
      settings: { ...settings, ...overrides } as Partial<AuthSettings>,
      code: { audit: () => {}, now: issuer.verifierOptions().now },
    }),
    { logger: false, abortOnError: false },
  );

it('runs on @nestjs/config 4 with NestJS 11', () => {
  expect((require('@nestjs/config/package.json') as { version: string }).version).toMatch(/^4\./);
  expect((require('@nestjs/core/package.json') as { version: string }).version).toMatch(/^11\./);
});

describe('the options come from the ConfigService', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await listenForTest(await start({}));
  });
  afterAll(async () => {
    await server?.close();
  });

  it('realm: the challenge names the configured realm', async () => {
    const res = await call(`${server.url}/me`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="from-config"');
    expect(await codeOf(res)).toBe('ERR_MISSING_TOKEN');
  });

  it('tenant claim: ownership reads the configured claim ("tenant"), not the forRoot default ("org_id")', async () => {
    const configured = await issuer.token({ sub: 'alice', scope: 'orders:read', tenant: 'acme' });
    expect((await call(`${server.url}/orders/o-a1`, configured)).status).toBe(200);
    const other = await issuer.token({ sub: 'alice', scope: 'orders:read', tenant: 'globex' });
    expect((await call(`${server.url}/orders/o-a1`, other)).status).toBe(404);
    // org_id is not the tenant here: a tenant-bound route refuses a token without one.
    const orgIdOnly = await call(
      `${server.url}/orders/o-a1`,
      await issuer.token({ sub: 'alice', scope: 'orders:read', org_id: 'acme' }),
    );
    expect(orgIdOnly.status).toBe(403);
    expect(await codeOf(orgIdOnly)).toBe('ERR_FORBIDDEN');
  });

  it('scopes: a token without the scope gets 403 with the configured realm', async () => {
    const res = await call(`${server.url}/me`, await issuer.token({ sub: 'alice', scope: 'orders:write' }));
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer realm="from-config", error="insufficient_scope", error_description="The access token lacks a required scope", scope="orders:read"',
    );
  });
});

describe('configuration that is missing or wrong stops the application', () => {
  it('a missing key (the factory throws) fails creation', async () => {
    await expect(start({ jwksUri: undefined })).rejects.toThrow(/auth\.jwksUri/);
  });

  it('an invalid option fails creation with the TypeError that says how to fix it', async () => {
    await expect(start({ routesWithoutRules: 'sometimes' })).rejects.toThrow(
      new TypeError("PortcullisModule: 'routesWithoutRules' must be 'warn', 'error' or 'ignore' (default 'warn')"),
    );
  });

  it("routesWithoutRules: 'error' from the configuration refuses to start with GET /no-rule unguarded", async () => {
    const app = await start({ routesWithoutRules: 'error' });
    try {
      await expect(app.init()).rejects.toThrow(/no authorization rule/);
    } finally {
      await app.close();
    }
  });
});
