/**
 * The "## Example" block of the repository's README.md, run as written.
 *
 * The block is copied below between `// readme: root-example` and `// readme-end`. The first tests
 * check that the README's block is, apart from its import lines, exactly that region, and that
 * every name it imports is imported by this file from the same module. The others start the
 * example's `AppModule` on Express and on Fastify over real HTTP on 127.0.0.1, with tokens minted
 * by @portcullis/testing for the example's issuer and audience; the example's key set URL
 * (https://id.example.com/jwks) is answered by a fetch router with the test issuer's public keys,
 * without network, as in ./readme-examples.spec.ts.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module } from '@nestjs/common';
import { CurrentPrincipal, ERROR_CATALOG, PortcullisModule, Public, Scopes, type Principal } from '@portcullis/nest';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import { PLATFORMS, startApp } from '../e2e/support/start-app.js';
import type { Platform, StartedApp } from '../e2e/support/start-app.js';
import { call, HandlerRuns, readmeTestModule } from './support/readme-app.js';
import { importedNames, namesOfImportLine, regionsOf, tsBlocksOf } from './support/readme-regions.js';
import { keySetFetch } from '../../../../test-support/key-set-fetch.js';

const README_PATH = new URL('../../../../README.md', import.meta.url);
const SPEC_PATH = new URL(import.meta.url);

// readme: root-example
@Controller('orders')
class OrdersController {
  @Get()
  @Scopes('orders:read')
  list(@CurrentPrincipal() me: Principal) {
    return { subject: me.subject };
  }

  @Get('health')
  @Public()
  health() {
    return { ok: true };
  }
}

@Module({
  imports: [
    PortcullisModule.forRoot({
      issuer: 'https://id.example.com',
      audience: 'https://api.example.com/orders',
      jwksUri: 'https://id.example.com/jwks',
    }),
  ],
  controllers: [OrdersController],
})
export class AppModule {}
// readme-end

describe('the root README’s "## Example" and this file agree', () => {
  const readme = readFileSync(README_PATH, 'utf8');
  const start = readme.indexOf('\n## Example\n');
  const end = readme.indexOf('\n## ', start + 1);
  const blocks = tsBlocksOf(readme.slice(start, end));

  it('finds the one block of the section, and it is this file’s region', () => {
    expect(start).toBeGreaterThan(-1);
    expect(blocks).toHaveLength(1);
    expect(regionsOf(SPEC_PATH).map((r) => [r.name, r.body])).toEqual([['root-example', blocks[0]!.body]]);
  });

  it('imports every name the block imports, from the same module', () => {
    const imports = importedNames(SPEC_PATH);
    expect(blocks[0]!.imports.length).toBeGreaterThan(0);
    for (const line of blocks[0]!.imports) {
      const names = namesOfImportLine(line);
      expect([line, names === null]).toEqual([line, false]);
      for (const [module, name] of names!)
        expect([module, name, imports.get(module)?.has(name)]).toEqual([module, name, true]);
    }
  });
});

// ---------------------------------------------------------------------------------------------

const JWKS_URI = 'https://id.example.com/jwks';
let issuer: TestIssuer;
const keySets = keySetFetch();
keySets.serve(JWKS_URI, () => issuer.jwks);

beforeAll(async () => {
  keySets.install();
  issuer = await createTestIssuer({
    issuer: 'https://id.example.com',
    audience: 'https://api.example.com/orders',
    serve: 'none',
  });
});
afterAll(async () => {
  keySets.uninstall();
  await issuer?.close();
});

describe.each(PLATFORMS)('the example on %s', (platform: Platform) => {
  let started: StartedApp;
  let runs: HandlerRuns;
  beforeAll(async () => {
    started = await startApp(readmeTestModule([AppModule]), platform); // records handler runs
    runs = started.app.get(HandlerRuns);
  });
  afterAll(async () => {
    await started?.close();
  });

  it('GET /orders/health is public', async () => {
    const answer = await call(`${started.url}/orders/health`);
    expect([answer.status, answer.body, runs.last?.handler]).toEqual([200, { ok: true }, 'OrdersController.health']);
  });

  it('GET /orders answers the caller’s subject with orders:read', async () => {
    const token = await issuer.token({ sub: 'alice', scope: 'orders:read' });
    const answer = await call(`${started.url}/orders`, { token });
    expect([answer.status, answer.body, runs.last?.handler]).toEqual([
      200,
      { subject: 'alice' },
      'OrdersController.list',
    ]);
    expect(runs.last!.state!.principal).toMatchObject({ subject: 'alice', issuer: 'https://id.example.com' });
  });

  it('GET /orders is refused without a token, without the scope, or with another issuer’s token; nothing runs', async () => {
    const before = runs.runs.length;
    const missing = await call(`${started.url}/orders`);
    expect([missing.status, missing.body.code, missing.challenge]).toEqual([
      401,
      'ERR_MISSING_TOKEN',
      'Bearer realm="api"',
    ]);

    const noScope = await call(`${started.url}/orders`, { token: await issuer.token({ scope: 'orders:write' }) });
    expect([noScope.status, noScope.body.code, noScope.challenge]).toEqual([
      403,
      'ERR_INSUFFICIENT_SCOPE',
      `Bearer realm="api", error="insufficient_scope", error_description="${ERROR_CATALOG.ERR_INSUFFICIENT_SCOPE.description}", scope="orders:read"`,
    ]);

    const other = await createTestIssuer({ audience: 'https://api.example.com/orders', serve: 'none' });
    try {
      const foreign = await call(`${started.url}/orders`, { token: await other.token({ scope: 'orders:read' }) });
      expect([foreign.status, foreign.challenge]).toEqual([
        401,
        expect.stringMatching(/^Bearer realm="api", error="invalid_token", error_description="[^"]+"$/),
      ]);
    } finally {
      await other.close();
    }
    expect(runs.runs).toHaveLength(before);
  });
});
