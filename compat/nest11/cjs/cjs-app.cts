// A CommonJS NestJS 11 app (what `nest new` generates) loading the ESM-only @portcullis packages
// through require(esm): boots PortcullisModule.forRoot with the global guard, calls it over real
// HTTP on 127.0.0.1 with tokens from @portcullis/testing, exits non-zero on any mismatch.
// Built by `tsc -p tsconfig.cjs.json` (to dist-cjs/cjs-app.cjs) and run with plain node.
import 'reflect-metadata';
import { strict as assert } from 'node:assert';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CurrentPrincipal, PortcullisModule, Public, Scopes } from '@portcullis/nest';
import type { Principal } from '@portcullis/nest';
import { createTestIssuer, listenForTest } from '@portcullis/testing/nest';

@Controller()
class CjsController {
  @Get('health')
  @Public()
  health() {
    return { ok: true };
  }

  @Get('me')
  @Scopes('orders:read')
  me(@CurrentPrincipal('subject') subject: string, @CurrentPrincipal() me: Principal) {
    return { subject, tenant: me.tenant };
  }

  @Get('no-rule')
  noRule() {
    return { ok: true };
  }
}

async function main(): Promise<void> {
  assert.equal(typeof module, 'object', 'this check must run as CommonJS');
  const nestVersion = (require('@nestjs/core/package.json') as { version: string }).version;
  assert.match(nestVersion, /^11\./);
  const issuer = await createTestIssuer();
  @Module({
    imports: [
      PortcullisModule.forRoot({
        ...issuer.verifierOptions(),
        claims: { tenant: 'org_id' },
        realm: 'cjs',
        audit: () => {},
      }),
    ],
    controllers: [CjsController],
  })
  class CjsAppModule {}
  const server = await listenForTest(await NestFactory.create(CjsAppModule, { logger: false }));
  try {
    const call = (path: string, token?: string) =>
      fetch(`${server.url}${path}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        signal: AbortSignal.timeout(5_000),
      });
    const alice = await issuer.token({ sub: 'alice', scope: 'orders:read', org_id: 'acme' });
    assert.equal((await call('/health')).status, 200);
    const anonymous = await call('/me');
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer realm="cjs"');
    const me = await call('/me', alice);
    assert.equal(me.status, 200);
    assert.deepEqual(await me.json(), { subject: 'alice', tenant: 'acme' });
    const scope = await call('/me', await issuer.token({ sub: 'alice', scope: 'orders:write' }));
    assert.equal(scope.status, 403);
    assert.match(scope.headers.get('www-authenticate') ?? '', /error="insufficient_scope".*scope="orders:read"/);
    const noRule = await call('/no-rule', alice);
    assert.equal(noRule.status, 403);
    assert.equal(((await noRule.json()) as { code: string }).code, 'ERR_NO_RULE');
    console.log(`CommonJS app on @nestjs/core ${nestVersion}: 5 checks passed`);
  } finally {
    await server.close();
    await issuer.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
