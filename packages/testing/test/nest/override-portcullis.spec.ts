/**
 * overridePortcullis: a whole app whose AppModule registers PortcullisModule for its real
 * identity provider (forRoot, or forRootAsync through @nestjs/config) is pointed at a test issuer
 * without touching the app's code — and the guard still decides everything.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { PortcullisModule, Scopes } from '@portcullis/nest';
import type { PortcullisModuleOptions } from '@portcullis/nest';
import { asPrincipal, createTestIssuer } from '../../src/index.js';
import type { TestIssuer } from '../../src/index.js';
import { listenForTest, overridePortcullis } from '../../src/nest/index.js';

/** The options an app would ship (minus issuer and keys): exported by the app, reused by tests. */
const AUTHORIZATION = {
  realm: 'shop',
  claims: { tenant: 'org_id' },
  audit: () => {},
} satisfies Partial<PortcullisModuleOptions>;
/** Stands in for the app's real identity provider: its own keys, never served (no network in tests). */
let realIdp: TestIssuer;
const production = () => ({
  issuer: 'https://id.example.com/',
  audience: 'https://api.example.com',
  jwks: realIdp.jwks,
});

@Controller('orders')
class OrdersController {
  @Get() @Scopes('orders:read') list() {
    return { ok: true };
  }
}

function appModule(portcullis: DynamicModule) {
  @Module({ imports: [portcullis], controllers: [OrdersController] })
  class AppModule {}
  return AppModule;
}

const REGISTRATIONS: [string, () => DynamicModule][] = [
  ['forRoot', () => PortcullisModule.forRoot({ ...production(), ...AUTHORIZATION })],
  [
    'forRootAsync with @nestjs/config',
    () =>
      PortcullisModule.forRootAsync({
        imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ AUTH: production() })] })],
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({
          ...config.getOrThrow<ReturnType<typeof production>>('AUTH'),
          ...AUTHORIZATION,
        }),
      }),
  ],
];

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
  realIdp = await createTestIssuer({
    serve: 'none',
    issuer: 'https://id.example.com/',
    audience: 'https://api.example.com',
  });
});
afterAll(async () => {
  await issuer?.close();
  await realIdp?.close();
});

describe.each(REGISTRATIONS)('an app registered with %s', (_name, registration) => {
  it('without the override, test tokens are refused (the app trusts its real issuer)', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [appModule(registration())] }).compile();
    const server = await listenForTest(moduleRef.createNestApplication({ logger: false }));
    try {
      expect((await asPrincipal(issuer, { scope: 'orders:read' }).fetch(`${server.url}/orders`)).status).toBe(401);
      expect((await asPrincipal(realIdp, { scope: 'orders:read' }).fetch(`${server.url}/orders`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('with overridePortcullis, the same guard accepts the test issuer and still enforces the rules', async () => {
    const builder = Test.createTestingModule({ imports: [appModule(registration())] });
    const moduleRef = await overridePortcullis(builder, issuer, AUTHORIZATION).compile();
    const server = await listenForTest(moduleRef.createNestApplication({ logger: false }));
    try {
      expect((await asPrincipal(issuer, { scope: 'orders:read' }).fetch(`${server.url}/orders`)).status).toBe(200);
      // The production issuer is no longer trusted: the override replaced the options, it did not add an issuer.
      expect((await asPrincipal(realIdp, { scope: 'orders:read' }).fetch(`${server.url}/orders`)).status).toBe(401);
      const noScope = await asPrincipal(issuer, { scope: 'orders:write' }).fetch(`${server.url}/orders`);
      expect(noScope.status).toBe(403);
      expect(noScope.headers.get('www-authenticate')).toMatch(/^Bearer realm="shop", error="insufficient_scope"/);
      expect((await fetch(`${server.url}/orders`, { signal: AbortSignal.timeout(5000) })).status).toBe(401);
      const expired = await issuer.badToken('expired', { scope: 'orders:read' });
      const res = await fetch(`${server.url}/orders`, {
        headers: { authorization: `Bearer ${expired}` },
        signal: AbortSignal.timeout(5000),
      });
      expect(res.status).toBe(401);
    } finally {
      await server.close();
    }
  });
});

it('returns the builder for chaining and validates it', () => {
  const builder = Test.createTestingModule({ imports: [] });
  expect(overridePortcullis(builder, issuer)).toBe(builder);
  expect(() => overridePortcullis({} as never, issuer)).toThrow(/builder must be Test\.createTestingModule/);
});
