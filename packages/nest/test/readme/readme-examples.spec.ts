/**
 * The README's examples, run as written — so the docs cannot rot silently.
 *
 * Every ```ts block of packages/nest/README.md is copied between `// readme: <name>` and
 * `// readme-end` markers, either in this file (statement snippets: `forRootAsync`, the provider
 * recipes) or in a module of ./examples (blocks that declare exported classes — `AppModule`,
 * `OrdersController` — which several sections declare again, and which must sit at a module's top
 * level). The first tests check that each README block is, apart from its import lines, exactly
 * one of these regions, that no region is stale, and that every name a README block imports is
 * imported from the same module by the file holding the region. The other tests run the regions:
 * Nest applications on Express and Fastify over real HTTP on 127.0.0.1, tokens minted by
 * @portcullis/testing, and assertions on status, body code, exact `WWW-Authenticate`, the
 * principal the guard attached, and whether the handler ran.
 *
 * The README's key set URLs (https://id.example.com/.well-known/jwks.json and the providers' ones)
 * are served without any network: `globalThis.fetch` is replaced for this file by a router that
 * answers those URLs with a test issuer's public keys and passes every other request to the real
 * fetch. The module's verifier goes through its real remote key resolver either way.
 *
 * The README also documents every module option with its default, every error code with its
 * status and challenge, and every decorator: the last tests compare those tables with the code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Controller, Get, HttpCode, Inject, Injectable, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { CanActivate, DynamicModule, ExecutionContext } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { ExternalContextCreator } from '@nestjs/core/helpers/external-context-creator.js';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import {
  Authenticated,
  CLAIMS_PRESETS,
  CurrentPrincipal,
  ERROR_CATALOG,
  PORTCULLIS,
  PortcullisError,
  PortcullisModule,
  PortcullisRulesGuard,
  Public,
  REVOCATION_STORE,
  Roles,
  Scopes,
  requireRoles,
  toHttpResponse,
} from '@portcullis/nest';
import type {
  Portcullis,
  PortcullisErrorCode,
  PortcullisModuleExtras,
  PortcullisModuleOptions,
  PortcullisRequestState,
  Principal,
} from '@portcullis/nest';
import * as nest from '@portcullis/nest';
import { createPortcullis } from '@portcullis/core';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer, TokenClaims, TokenOptions } from '@portcullis/testing';
import { CountingRevocationStore } from '../../../../test-support/counting-revocation-store.js';
import { PLATFORMS, recordingLogger, startApp } from '../e2e/support/start-app.js';
import type { Platform, StartedApp } from '../e2e/support/start-app.js';
import { AppModule as FilterAppModule } from './examples/exception-filter.js';
import { AppModule as MetadataAppModule, metadata } from './examples/protected-resource-metadata.js';
import {
  AppModule,
  ORDER_ROWS,
  OrderController,
  OrderResolver,
  OrdersController,
  OrdersRepository,
} from './examples/getting-started.js';
import { GqlPortcullisGuard } from './examples/graphql-guard.js';
import { AppModule as PassportAppModule } from './examples/passport.js';
import { call, HandlerRuns, readmeTestModule } from './support/readme-app.js';
import type { Answer } from './support/readme-app.js';
import { importedNames, namesOfImportLine, regionsOf, tsBlocksOf } from './support/readme-regions.js';
import { STEP_ONE_OPTIONS } from './support/step-one-options.js';
import { PORTCULLIS_OWN_OPTION_KEYS, VERIFIER_OPTION_KEYS } from '../../../../test-support/option-keys.js';
import { keySetFetch } from '../../../../test-support/key-set-fetch.js';

/**
 * The rate-limiting example extends @nestjs/throttler's guard. That package is CommonJS and
 * require()s the ESM-only Nest 12 packages, which Jest supports on Node ≥ 24.9 only: on Node 20
 * the example's tests are skipped (the region is still checked against the README, and
 * `npm run typecheck` compiles it). Any other loading error fails this file.
 */
const throttling = await Promise.all([
  import('./examples/principal-throttler.guard.js'),
  import('@nestjs/throttler'),
]).then(
  ([example, throttler]) => ({ ...example, ThrottlerModule: throttler.ThrottlerModule }),
  (error: unknown) => {
    // (Not `instanceof Error`: Jest's module loader throws errors of another realm.)
    if (/Jest supports require\(esm\)/.test(String((error as { message?: unknown } | null)?.message))) return undefined;
    throw error;
  },
);

const README_PATH = new URL('../../README.md', import.meta.url);
const EXAMPLES = new URL('./examples/', import.meta.url);
const REGION_FILES = [
  new URL(import.meta.url),
  ...readdirSync(EXAMPLES)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => new URL(name, EXAMPLES)),
];
/**
 * README module → the specifier the region files use instead. The spec tsconfig maps
 * `@portcullis/<package>` to its sources but not subpath exports, so `@portcullis/nest/passport`
 * is imported by its source path (Jest would map either).
 */
const MODULE_ALIASES: Readonly<Record<string, string>> = {
  '@portcullis/nest/passport': '../../../src/passport/index.js',
};

const ISSUER = STEP_ONE_OPTIONS.issuer;
const AUDIENCE = STEP_ONE_OPTIONS.audience;
const JWKS_URI = STEP_ONE_OPTIONS.jwksUri;

// ---------------------------------------------------------------------------------------------
// Key sets served at the README's URLs, without network.

const keySets = keySetFetch();
/** Every test issuer created for a README URL, to close them at the end. */
const issuers = new Set<TestIssuer>();

/** A test issuer for `iss`/`aud`, whose keys the router serves at `jwksUri`. */
async function issuerAt(issuer: string, audience: string, jwksUri: string): Promise<TestIssuer> {
  const created = await createTestIssuer({ issuer, audience, serve: 'none' });
  keySets.serve(jwksUri, () => created.jwks);
  issuers.add(created);
  return created;
}

let issuer: TestIssuer;
const tokens: Record<string, string> = {};
const mint = (claims: TokenClaims, options?: TokenOptions) => issuer.token(claims, options);

beforeAll(async () => {
  keySets.install();
  issuer = await issuerAt(ISSUER, AUDIENCE, JWKS_URI);
  const user = (sub: string, roles: string[], org_id: string | undefined, scope = 'orders:read') =>
    mint({ sub, roles, org_id, scope });
  tokens.alice = await user('alice', ['customer'], 'acme');
  tokens.aliceWriter = await user('alice', ['customer'], 'acme', 'orders:write');
  tokens.aliceNoScope = await user('alice', ['customer'], 'acme', '');
  tokens.aliceNoTenant = await user('alice', ['customer'], undefined);
  tokens.bob = await user('bob', ['customer'], 'acme');
  tokens.sam = await user('sam', ['support'], 'acme');
  tokens.ada = await user('ada', ['admin'], 'acme');
  tokens.carol = await user('carol', ['customer'], 'globex');
  tokens.opsAdmin = await user('ops', [], 'acme', 'orders:admin');
});

afterAll(async () => {
  keySets.uninstall();
  for (const created of issuers) await created.close();
});

const INSUFFICIENT = ERROR_CATALOG.ERR_INSUFFICIENT_SCOPE.description;
/** Core's answer for a code, as the README's error table describes it. */
const answerFor = (code: PortcullisErrorCode, realm = 'orders', requiredScopes?: string[]) =>
  toHttpResponse(new PortcullisError(code, requiredScopes ? { requiredScopes } : {}), { realm });

/** Asserts a denial: status, core's body (the same for every realm), exact challenge (or none), no-store. */
function expectDenial(answer: Answer, code: PortcullisErrorCode, challenge: string | null) {
  const expected = answerFor(code);
  expect({ status: answer.status, body: answer.body, challenge: answer.challenge }).toEqual({
    status: expected.status,
    body: expected.body,
    challenge,
  });
  expect(answer.headers.get('cache-control')).toBe('no-store');
}

/** The DynamicModule a README statement registers (`PortcullisModule.forRoot(…);` is a statement there). */
function registered(method: 'forRoot' | 'forRootAsync', statement: () => void): DynamicModule {
  const spy = jest.spyOn(PortcullisModule, method);
  try {
    statement();
    expect(spy).toHaveBeenCalledTimes(1);
    return spy.mock.results[0]!.value as DynamicModule;
  } finally {
    spy.mockRestore();
  }
}

// ---------------------------------------------------------------------------------------------

describe('the README and the region files agree', () => {
  const blocks = tsBlocksOf(readFileSync(README_PATH, 'utf8'));
  const regions = REGION_FILES.flatMap((file) => regionsOf(file));

  it('finds the README blocks and the regions', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(13);
    expect(regions.length).toBe(blocks.length);
    expect(new Set(regions.map((r) => r.name)).size).toBe(regions.length);
  });

  it.each(blocks.map((block) => [block.index, block] as const))(
    'README ts block %i is one region, and its imports are imported by the region’s file',
    (_index, block) => {
      const matching = regions.filter((r) => r.body === block.body);
      expect(matching.map((r) => r.body)).toEqual([block.body]);
      const imports = importedNames(matching[0]!.file);
      for (const line of block.imports) {
        const names = namesOfImportLine(line);
        expect([line, names === null]).toEqual([line, false]);
        for (const [module, name] of names!) {
          const from = MODULE_ALIASES[module] ?? module;
          expect([module, name, imports.get(from)?.has(name)]).toEqual([module, name, true]);
        }
      }
    },
  );

  it('has no region the README does not show', () => {
    const bodies = new Set(blocks.map((b) => b.body));
    for (const region of regions) expect([region.name, bodies.has(region.body)]).toEqual([region.name, true]);
  });
});

// ---------------------------------------------------------------------------------------------

describe.each(PLATFORMS)('Getting started on %s', (platform: Platform) => {
  let started: StartedApp;
  let runs: HandlerRuns;
  let repository: OrdersRepository;
  const logger = recordingLogger();

  beforeAll(async () => {
    // Steps 2 and 3 say to register the controllers and the resolver: a root module around step 1's.
    const root = readmeTestModule([AppModule], [OrdersController, OrderController], [OrderResolver, OrdersRepository]);
    started = await startApp(root, platform, { logger });
    runs = started.app.get(HandlerRuns);
    repository = started.app.get(OrdersRepository);
  });
  afterAll(async () => {
    await started?.close();
  });

  /** One request; also reports whether a handler ran and how many orders were loaded. */
  async function request(path: string, token?: string, method = 'GET') {
    const runsBefore = runs.runs.length;
    const loadsBefore = repository.loaded.length;
    const answer = await call(started.url + path, { token, method });
    return {
      ...answer,
      ran: runs.runs.length > runsBefore ? runs.last : undefined,
      loads: repository.loaded.slice(loadsBefore),
    };
  }

  it('1. every route is protected: without a token, 401 with the module’s realm, and nothing runs', async () => {
    for (const [method, path] of [
      ['GET', '/orders'],
      ['GET', '/orders-any'],
      ['GET', '/support/orders'],
      ['GET', '/orders/o1'],
      ['POST', '/sessions/logout'],
    ] as const) {
      const answer = await request(path, undefined, method);
      expectDenial(answer, 'ERR_MISSING_TOKEN', 'Bearer realm="orders"');
      expect([path, answer.ran, answer.loads]).toEqual([path, undefined, []]);
    }
  });

  it('1. maps claims with the module’s mapping and role hierarchy', async () => {
    const answer = await request('/orders', tokens.ada);
    expect(answer.status).toBe(200);
    const principal = answer.ran!.state!.principal;
    expect(principal).toMatchObject({ subject: 'ada', tenant: 'acme', grantedRoles: ['admin'], kind: 'user' });
    expect([...principal.roles]).toEqual(['admin', 'support']);
    expect([...principal.scopes]).toEqual(['orders:read']);
    // The request carries the state, and `request.user` for code written for passport.
    expect(answer.ran!.user).toBe(principal);
  });

  it('2. @Public() needs no token; @Scopes / @AnyScope / @Roles / @Authenticated decide as commented', async () => {
    const health = await request('/health');
    expect([health.status, health.body, health.ran?.handler]).toEqual([200, { ok: true }, 'OrdersController.health']);
    expect(health.ran!.state).toBeUndefined();

    const list = await request('/orders', tokens.alice);
    expect([list.status, list.ran?.handler]).toEqual([200, 'OrdersController.list']);
    expect(list.ran!.state!.principal.subject).toBe('alice');

    const writerOnly = await request('/orders', tokens.aliceWriter);
    expectDenial(
      writerOnly,
      'ERR_INSUFFICIENT_SCOPE',
      `Bearer realm="orders", error="insufficient_scope", error_description="${INSUFFICIENT}", scope="orders:read"`,
    );
    expect(writerOnly.ran).toBeUndefined();

    // Any one of the scopes.
    expect((await request('/orders-any', tokens.opsAdmin)).ran?.handler).toBe('OrdersController.listAny');
    expect((await request('/orders-any', tokens.alice)).ran?.handler).toBe('OrdersController.listAny');
    const none = await request('/orders-any', tokens.aliceNoScope);
    expectDenial(
      none,
      'ERR_INSUFFICIENT_SCOPE',
      `Bearer realm="orders", error="insufficient_scope", error_description="${INSUFFICIENT}", scope="orders:read orders:admin"`,
    );
    expect(none.ran).toBeUndefined();

    // @Roles('support'): admins too, through the role hierarchy; customers are refused.
    expect((await request('/support/orders', tokens.sam)).ran?.handler).toBe('OrdersController.support');
    expect((await request('/support/orders', tokens.ada)).ran?.handler).toBe('OrdersController.support');
    const customer = await request('/support/orders', tokens.alice);
    expectDenial(customer, 'ERR_FORBIDDEN', null);
    expect(customer.ran).toBeUndefined();

    // @Authenticated(): any valid token, even one without scopes; a bad one is refused.
    const logout = await request('/sessions/logout', tokens.aliceNoScope, 'POST');
    expect([logout.status, logout.ran?.handler]).toEqual([201, 'OrdersController.logout']);
    expect(logout.ran!.state!.principal.tokenId).toEqual(expect.any(String));
    const expired = await request('/sessions/logout', await issuer.badToken('expired'), 'POST');
    expectDenial(
      expired,
      'ERR_TOKEN_EXPIRED',
      `Bearer realm="orders", error="invalid_token", error_description="${ERROR_CATALOG.ERR_TOKEN_EXPIRED.description}"`,
    );
    expect(expired.ran).toBeUndefined();
  });

  it('2. every README route has a rule or @Public(): nothing is reported at start-up', () => {
    expect(logger.lines.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
  });

  it('2. the default audit sink logs one JSON line per decision, without the token; @Public() logs nothing', async () => {
    const before = logger.lines.length;
    await request('/health');
    await request('/orders', tokens.carol);
    const lines = logger.lines.slice(before).filter((l) => l.level === 'log');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.message.startsWith('portcullis.decision {')).toBe(true);
    expect(JSON.parse(lines[0]!.message.slice('portcullis.decision '.length))).toMatchObject({
      decision: 'allow',
      subject: 'carol',
      method: 'GET',
      route: '/orders',
    });
    expect(lines[0]!.message).not.toContain(tokens.carol!);
  });

  it('3. owners get their order: loaded once and handed to the handler', async () => {
    const own = await request('/orders/o1', tokens.alice);
    expect([own.status, own.body, own.loads]).toEqual([200, ORDER_ROWS[0], ['o1']]);
    expect(own.ran!.state!.resource).toEqual(ORDER_ROWS[0]);
  });

  it('3. another user’s order, another org’s order and a missing order answer the same 404', async () => {
    const answers = [
      await request('/orders/o2', tokens.alice), // bob's, same org
      await request('/orders/o3', tokens.alice), // carol's, another org
      await request('/orders/nope', tokens.alice), // absent
      await request('/orders/o1', tokens.carol), // alice's, for globex
    ];
    for (const answer of answers) {
      expectDenial(answer, 'ERR_NOT_FOUND', null);
      expect(answer.ran).toBeUndefined();
      expect(answer.loads).toHaveLength(1);
    }
    expect(new Set(answers.map((a) => JSON.stringify([a.status, a.body, [...a.headers.keys()]]))).size).toBe(1);
  });

  it('3. allowRoles: support reads every order of its org, admin too (hierarchy), never another org’s', async () => {
    expect((await request('/orders/o2', tokens.sam)).body).toEqual(ORDER_ROWS[1]);
    expect((await request('/orders/o2', tokens.ada)).body).toEqual(ORDER_ROWS[1]);
    const otherOrg = await request('/orders/o3', tokens.sam);
    expectDenial(otherOrg, 'ERR_NOT_FOUND', null);
  });

  it('3. a caller without the scope, or without a tenant, never causes a load', async () => {
    const noScope = await request('/orders/o1', tokens.aliceWriter);
    expect([noScope.status, noScope.body.code, noScope.loads, noScope.ran]).toEqual([
      403,
      'ERR_INSUFFICIENT_SCOPE',
      [],
      undefined,
    ]);
    // tenant: true and a token without org_id: 403 (the decorator table's "403 when the token has no tenant").
    const noTenant = await request('/orders/o1', tokens.aliceNoTenant);
    expectDenial(noTenant, 'ERR_FORBIDDEN', null);
    expect([noTenant.loads, noTenant.ran]).toEqual([[], undefined]);
  });
});

describe('Getting started: what the prose around the examples says', () => {
  it('2. a route with neither a rule nor @Public() answers 403 ERR_NO_RULE and is listed at start-up', async () => {
    @Controller('reports')
    class ReportsController {
      @Get()
      list() {
        return { ran: true };
      }
    }
    const logger = recordingLogger();
    const started = await startApp(readmeTestModule([AppModule], [OrdersController, ReportsController]), 'express', {
      logger,
    });
    try {
      const warnings = logger.lines.filter((l) => l.level === 'warn').map((l) => l.message);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('GET /reports (ReportsController.list)');
      expect(warnings[0]).toContain('ERR_NO_RULE');
      expect(warnings[0]).not.toContain('OrdersController');

      const answer = await call(`${started.url}/reports`, { token: tokens.ada });
      expectDenial(answer, 'ERR_NO_RULE', null);
      expect(started.app.get(HandlerRuns).runs).toEqual([]);
    } finally {
      await started.close();
    }
  });

  it('1. forRootAsync with @nestjs/config reads the options through ConfigService', async () => {
    const saved = { ...process.env };
    // The app's environment (the library never reads it; ConfigService does).
    process.env['AUTH_ISSUER'] = ISSUER;
    process.env['AUTH_AUDIENCE'] = AUDIENCE;
    process.env['AUTH_JWKS_URI'] = JWKS_URI;
    let started: StartedApp | undefined;
    try {
      const portcullis = registered('forRootAsync', () => {
        // readme: getting-started-for-root-async
        PortcullisModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            issuer: config.getOrThrow('AUTH_ISSUER'),
            audience: config.getOrThrow('AUTH_AUDIENCE'),
            jwksUri: config.getOrThrow('AUTH_JWKS_URI'),
          }),
        });
        // readme-end
      });
      started = await startApp(readmeTestModule([portcullis], [OrdersController]), 'express');
      const runs = started.app.get(HandlerRuns);

      const ok = await call(`${started.url}/orders`, { token: tokens.alice });
      expect([ok.status, runs.last?.handler]).toEqual([200, 'OrdersController.list']);
      expect(runs.last!.state!.principal.subject).toBe('alice');
      // No realm in these options: the default one.
      expectDenial(await call(`${started.url}/orders`), 'ERR_MISSING_TOKEN', 'Bearer realm="api"');
      expect(runs.runs).toHaveLength(1);
    } finally {
      await started?.close();
      for (const key of ['AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_JWKS_URI']) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe.each(PLATFORMS)('Errors: PortcullisExceptionFilter on %s', (platform: Platform) => {
  /** A handler that authorizes in its own code (a service would do the same). */
  @Controller('accounts')
  class AccountsController {
    constructor(@Inject(PORTCULLIS) private readonly portcullis: Portcullis) {}

    @Get(':id')
    @Authenticated()
    get(@CurrentPrincipal() principal: Principal) {
      this.portcullis.authorize(requireRoles(['admin']), { principal });
      return { ok: true };
    }

    @Post()
    @Authenticated()
    create() {
      throw new PortcullisError('ERR_INSUFFICIENT_SCOPE', { requiredScopes: ['accounts:write'] });
    }
  }

  let withFilter: StartedApp;
  let without: StartedApp;
  beforeAll(async () => {
    withFilter = await startApp(readmeTestModule([FilterAppModule], [AccountsController]), platform);
    without = await startApp(readmeTestModule([AppModule], [AccountsController]), platform);
  });
  afterAll(async () => {
    await withFilter?.close();
    await without?.close();
  });

  it('maps PortcullisErrors thrown by the app’s own code to their answer, challenge included', async () => {
    expectDenial(await call(`${withFilter.url}/accounts/1`, { token: tokens.alice }), 'ERR_FORBIDDEN', null);
    expect((await call(`${withFilter.url}/accounts/1`, { token: tokens.ada })).body).toEqual({ ok: true });
    expectDenial(
      await call(`${withFilter.url}/accounts`, { token: tokens.alice, method: 'POST' }),
      'ERR_INSUFFICIENT_SCOPE',
      `Bearer realm="orders", error="insufficient_scope", error_description="${INSUFFICIENT}", scope="accounts:write"`,
    );
  });

  it('without the filter, the same error is an opaque 500 (the reason to register it)', async () => {
    const answer = await call(`${without.url}/accounts/1`, { token: tokens.alice });
    expect([answer.status, answer.challenge]).toEqual([500, null]);
    expect(answer.body).not.toHaveProperty('code');
  });
});

// ---------------------------------------------------------------------------------------------

/** A route without a rule, to show deny by default next to the public document. */
@Controller()
class DefaultRuleless {
  @Get('ruleless')
  ruleless() {
    return { ran: true };
  }
}

describe.each(PLATFORMS)('Protected-resource metadata (RFC 9728) on %s', (platform: Platform) => {
  const DOCUMENT_PATH = '/.well-known/oauth-protected-resource/orders';
  const DOCUMENT_URL = `https://api.example.com${DOCUMENT_PATH}`;
  let started: StartedApp;
  let runs: HandlerRuns;
  beforeAll(async () => {
    // With the getting-started routes (one without a rule), under a global prefix.
    started = await startApp(readmeTestModule([MetadataAppModule], [OrdersController, DefaultRuleless]), platform, {
      configure: (app) => app.setGlobalPrefix('v1'),
    });
    runs = started.app.get(HandlerRuns);
  });
  afterAll(async () => {
    await started?.close();
  });

  it('serves the document at the path the bullet names, to anyone, whatever the global prefix', async () => {
    expect([metadata.path, metadata.url]).toEqual([DOCUMENT_PATH, DOCUMENT_URL]);
    const before = runs.runs.length;
    for (const token of [undefined, tokens.alice, await issuer.badToken('expired')]) {
      const answer = await call(started.url + DOCUMENT_PATH, { token });
      expect([answer.status, answer.body]).toEqual([
        200,
        {
          resource: 'https://api.example.com/orders',
          authorization_servers: ['https://id.example.com/'],
          scopes_supported: ['orders:read', 'orders:write'],
          bearer_methods_supported: ['header'],
          resource_name: 'Orders API',
        },
      ]);
      // application/json, one hour of public caching, CORS `*`.
      expect([
        answer.headers.get('content-type'),
        answer.headers.get('cache-control'),
        answer.headers.get('access-control-allow-origin'),
      ]).toEqual(['application/json', 'public, max-age=3600', '*']);
    }
    const head = await call(started.url + DOCUMENT_PATH, { method: 'HEAD' });
    expect([head.status, head.body]).toEqual([200, undefined]);
    expect((await call(`${started.url}/v1${DOCUMENT_PATH}`)).status).toBe(404);
    expect(runs.runs.length).toBe(before);
  });

  it('puts the document’s URL in every challenge, as the bullet shows', async () => {
    expectDenial(
      await call(`${started.url}/v1/orders`),
      'ERR_MISSING_TOKEN',
      `Bearer realm="orders", resource_metadata="${DOCUMENT_URL}"`,
    );
    expectDenial(
      await call(`${started.url}/v1/orders`, { token: tokens.aliceWriter }),
      'ERR_INSUFFICIENT_SCOPE',
      `Bearer realm="orders", error="insufficient_scope", error_description="${INSUFFICIENT}", scope="orders:read", resource_metadata="${DOCUMENT_URL}"`,
    );
    // Deny by default is untouched, and the audience is the resource.
    expectDenial(await call(`${started.url}/v1/ruleless`, { token: tokens.alice }), 'ERR_NO_RULE', null);
    expect((await call(`${started.url}/v1/orders`, { token: tokens.alice })).status).toBe(200);
  });

  it('fails start-up with another `resourceMetadata`, and with a value that is not built metadata', async () => {
    const options = {
      ...STEP_ONE_OPTIONS,
      protectedResourceMetadata: metadata,
      resourceMetadata: 'https://api.example.com/metadata',
    };
    await expect(startApp(readmeTestModule([PortcullisModule.forRoot(options)]), platform)).rejects.toThrow(
      /'resourceMetadata' \(https:\/\/api\.example\.com\/metadata\) differs/,
    );
    const unbuilt = { ...STEP_ONE_OPTIONS, protectedResourceMetadata: { resource: metadata.resource } };
    await expect(
      startApp(readmeTestModule([PortcullisModule.forRoot(unbuilt as unknown as PortcullisModuleOptions)]), platform),
    ).rejects.toThrow(TypeError);
  });

  it('forRootAsync takes it the same way', async () => {
    const module = PortcullisModule.forRootAsync({
      useFactory: () => ({ ...STEP_ONE_OPTIONS, protectedResourceMetadata: metadata }),
    });
    const app = await startApp(readmeTestModule([module], [OrdersController]), platform);
    try {
      expect((await call(app.url + DOCUMENT_PATH)).body).toEqual(JSON.parse(metadata.body));
      expect((await call(`${app.url}/orders`)).challenge).toBe(
        `Bearer realm="orders", resource_metadata="${DOCUMENT_URL}"`,
      );
    } finally {
      await app.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe.each(PLATFORMS)('Another transport: GqlPortcullisGuard on %s', (platform: Platform) => {
  interface GqlContext {
    req: { portcullis?: PortcullisRequestState };
  }

  /** A GraphQL resolver: one rule, like any route. */
  @Injectable()
  class OrdersResolver {
    readonly calls: string[] = [];

    @Scopes('orders:read')
    orders(_root: unknown, _args: unknown, context: GqlContext) {
      const subject = context.req.portcullis!.principal.subject;
      this.calls.push(subject);
      return { subject };
    }
  }

  /**
   * Stands for @nestjs/graphql's HTTP endpoint: it calls the resolver through Nest's
   * ExternalContextCreator with context type 'graphql' and the context `{ req, res }`, as
   * @nestjs/graphql does — so global guards see a 'graphql' context, not an HTTP one.
   */
  @Controller()
  class GraphqlEndpoint {
    private resolve?: (...args: unknown[]) => Promise<unknown>;

    constructor(
      private readonly contexts: ExternalContextCreator,
      private readonly resolver: OrdersResolver,
    ) {}

    @Post('graphql')
    @Public()
    @HttpCode(200)
    async graphql(@Req() req: object, @Res({ passthrough: true }) res: object) {
      this.resolve ??= this.contexts.create(
        this.resolver,
        this.resolver.orders as (...args: unknown[]) => unknown,
        'orders',
        undefined,
        undefined,
        undefined,
        undefined,
        { guards: true, interceptors: false, filters: false },
        'graphql',
      );
      return { data: await this.resolve(undefined, {}, { req, res }, {}) };
    }
  }

  let subclass: StartedApp;
  let base: StartedApp;
  beforeAll(async () => {
    // As the README's closing comment says: no global PortcullisGuard, the subclass instead.
    subclass = await startApp(
      readmeTestModule(
        [PortcullisModule.forRoot({ ...STEP_ONE_OPTIONS, globalGuard: false })],
        [GraphqlEndpoint, OrdersController],
        [OrdersResolver, { provide: APP_GUARD, useClass: GqlPortcullisGuard }],
      ),
      platform,
    );
    base = await startApp(readmeTestModule([AppModule], [GraphqlEndpoint], [OrdersResolver]), platform);
  });
  afterAll(async () => {
    await subclass?.close();
    await base?.close();
  });

  const query = (app: StartedApp, token?: string) => call(`${app.url}/graphql`, { token, method: 'POST' });

  it('authenticates and authorizes resolver calls: principal on the context’s req, challenges on its res', async () => {
    const resolver = subclass.app.get(OrdersResolver);
    const ok = await query(subclass, tokens.alice);
    expect([ok.status, ok.body]).toEqual([200, { data: { subject: 'alice' } }]);

    expectDenial(await query(subclass), 'ERR_MISSING_TOKEN', 'Bearer realm="orders"');
    expectDenial(
      await query(subclass, tokens.aliceWriter),
      'ERR_INSUFFICIENT_SCOPE',
      `Bearer realm="orders", error="insufficient_scope", error_description="${INSUFFICIENT}", scope="orders:read"`,
    );
    expect(resolver.calls).toEqual(['alice']);
  });

  it('still guards the HTTP routes of the app like PortcullisGuard does', async () => {
    const runs = subclass.app.get(HandlerRuns);
    const ok = await call(`${subclass.url}/orders`, { token: tokens.alice });
    expect([ok.status, runs.last?.handler, runs.last?.state?.principal.subject]).toEqual([
      200,
      'OrdersController.list',
      'alice',
    ]);
    expectDenial(await call(`${subclass.url}/orders`), 'ERR_MISSING_TOKEN', 'Bearer realm="orders"');
    expectDenial(
      await call(`${subclass.url}/orders`, { token: tokens.aliceWriter }),
      'ERR_INSUFFICIENT_SCOPE',
      `Bearer realm="orders", error="insufficient_scope", error_description="${INSUFFICIENT}", scope="orders:read"`,
    );
    expect(runs.runs.filter((r) => r.handler === 'OrdersController.list')).toHaveLength(1);
  });

  it('without the subclass, the same call is denied with 500 ERR_INTERNAL — never let through', async () => {
    const answer = await query(base, tokens.alice);
    // (No response headers here: the base guard has no response object in a 'graphql' context.)
    expect([answer.status, answer.body, answer.challenge]).toEqual([500, answerFor('ERR_INTERNAL').body, null]);
    expect(base.app.get(OrdersResolver).calls).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe.each(PLATFORMS)('Guards that run before PortcullisGuard: PrincipalThrottlerGuard on %s', (platform) => {
  const LIMIT = 2;
  let started: StartedApp;
  let revocation: CountingRevocationStore;

  beforeAll(async () => {
    if (!throttling) return;
    revocation = new CountingRevocationStore();
    const root = readmeTestModule(
      [
        throttling.ThrottlerModule.forRoot([{ ttl: 60_000, limit: LIMIT }]),
        PortcullisModule.forRoot({ ...STEP_ONE_OPTIONS, revocation }),
      ],
      [OrdersController],
      [{ provide: APP_GUARD, useClass: throttling.PrincipalThrottlerGuard }], // as the README's comment says
    );
    started = await startApp(root, platform);
  });
  afterAll(async () => {
    await started?.close();
  });

  const maybe = throttling ? it : it.skip;

  maybe('keys the limit on the verified caller, with one revocation lookup per request', async () => {
    const runs = started.app.get(HandlerRuns);
    const orders = async (token?: string) => {
      const lookups = revocation.lookups;
      const answer = await call(`${started.url}/orders`, { token });
      return { status: answer.status, code: answer.body?.code, lookups: revocation.lookups - lookups };
    };
    // alice's own budget: LIMIT requests, then 429; each allowed one is authenticated once.
    expect(await orders(tokens.alice)).toEqual({ status: 200, code: undefined, lookups: 1 });
    expect(await orders(tokens.alice)).toEqual({ status: 200, code: undefined, lookups: 1 });
    expect((await orders(tokens.alice)).status).toBe(429);
    // bob, from the same address, has his own.
    expect(await orders(tokens.bob)).toEqual({ status: 200, code: undefined, lookups: 1 });
    expect(runs.runs.map((r) => r.state!.principal.subject)).toEqual(['alice', 'alice', 'bob']);

    // A forged token naming alice is not keyed on alice (her budget is spent): it counts on the IP,
    // and PortcullisGuard answers with the same error the pre-guard got.
    const forged = await issuer.badToken('tampered-payload', { sub: 'alice', scope: 'orders:read' });
    const forgedAnswer = await call(`${started.url}/orders`, { token: forged });
    expect([forgedAnswer.status, forgedAnswer.challenge]).toEqual([
      401,
      expect.stringMatching(/^Bearer realm="orders", error="invalid_token", error_description="[^"]+"$/),
    ]);
    // Anonymous callers share the IP's budget with it: one more, then 429.
    expect((await orders()).status).toBe(401);
    expect((await orders()).status).toBe(429);
    expect(runs.runs).toHaveLength(3);
  });
});

// ---------------------------------------------------------------------------------------------

describe.each(PLATFORMS)('Passport on %s', (platform: Platform) => {
  let started: StartedApp;
  beforeAll(async () => {
    started = await startApp(readmeTestModule([PassportAppModule]), platform);
  });
  afterAll(async () => {
    await started?.close();
  });

  it('authenticates with the portcullis strategy and applies the decorators, challenges included', async () => {
    const runs = started.app.get(HandlerRuns);
    const ok = await call(`${started.url}/orders`, { token: tokens.alice });
    expect([ok.status, runs.last?.handler]).toEqual([200, 'OrdersController.list']);
    expect(runs.last!.user).toMatchObject({ subject: 'alice', tenant: 'acme' });
    expect(runs.last!.state!.principal).toBe(runs.last!.user);

    expectDenial(await call(`${started.url}/orders`), 'ERR_MISSING_TOKEN', 'Bearer realm="orders"');
    expectDenial(
      await call(`${started.url}/orders`, { token: tokens.aliceWriter }),
      'ERR_INSUFFICIENT_SCOPE',
      `Bearer realm="orders", error="insufficient_scope", error_description="${INSUFFICIENT}", scope="orders:read"`,
    );
    expect(runs.runs).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------

describe('Recipes: claim maps per provider', () => {
  /** Echoes what the guard mapped, and one role rule. */
  @Controller('probe')
  class ProbeController {
    @Get('me')
    @Authenticated()
    me(@CurrentPrincipal() me: Principal) {
      const { subject, clientId, kind, tenant } = me;
      return { subject, clientId, kind, tenant, scopes: [...me.scopes], roles: [...me.roles] };
    }

    @Get('admin')
    @Roles('admin')
    admin() {
      return { ok: true };
    }
  }

  /** Starts the recipe's module, runs `check`, closes. */
  async function withRecipe(portcullis: DynamicModule, check: (url: string) => Promise<void>): Promise<void> {
    const started = await startApp(readmeTestModule([portcullis], [ProbeController]), 'express');
    try {
      await check(started.url);
    } finally {
      await started.close();
    }
  }

  /** What a module with only issuer, audience and key set (RFC 9068 defaults) says about a token. */
  async function byDefault(provider: TestIssuer, jwksUri: string, token: string): Promise<string> {
    const plain = createPortcullis({ issuer: provider.issuer, audience: provider.audience, jwksUri });
    return plain.authenticateToken(token).then(
      () => 'accepted',
      (error: PortcullisError) => error.code,
    );
  }

  it('Keycloak: typ JWT, no client_id, realm roles and this API’s client roles only', async () => {
    const keycloak = await issuerAt(
      'https://sso.example.com/realms/acme',
      'orders-api',
      'https://sso.example.com/realms/acme/protocol/openid-connect/certs',
    );
    const portcullis = registered('forRoot', () => {
      // readme: recipe-keycloak
      PortcullisModule.forRoot({
        issuer: 'https://sso.example.com/realms/acme',
        audience: 'orders-api', // add an audience mapper for this API's client
        jwksUri: 'https://sso.example.com/realms/acme/protocol/openid-connect/certs',
        claims: 'keycloak',
        claimsClientId: 'orders-api', // count only the roles the user holds for this API
        typ: 'JWT',
        requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub', 'jti'],
      });
      // readme-end
    });
    const token = await keycloak.token(
      {
        sub: 'f3a1',
        client_id: undefined,
        azp: 'orders-web',
        preferred_username: 'alice',
        scope: 'openid orders:read',
        realm_access: { roles: ['offline_access'] },
        resource_access: { 'orders-api': { roles: ['admin'] }, 'billing-api': { roles: ['superuser'] } },
      },
      { typ: 'JWT' },
    );
    await withRecipe(portcullis, async (url) => {
      expect((await call(`${url}/probe/me`, { token })).body).toEqual({
        subject: 'f3a1',
        clientId: 'orders-web',
        kind: 'user',
        scopes: ['openid', 'orders:read'],
        roles: ['offline_access', 'admin'],
      });
      expect((await call(`${url}/probe/admin`, { token })).status).toBe(200);
    });
    // Why the recipe sets typ and requiredClaims: the defaults refuse a Keycloak token.
    expect(await byDefault(keycloak, 'https://sso.example.com/realms/acme/protocol/openid-connect/certs', token)).toBe(
      'ERR_INVALID_TOKEN_TYPE',
    );
  });

  it('Auth0: RFC 9068 profile, permissions as scopes, roles from a namespaced claim', async () => {
    const auth0 = await issuerAt(
      'https://acme.eu.auth0.com/',
      'https://api.example.com/orders',
      'https://acme.eu.auth0.com/.well-known/jwks.json',
    );
    const portcullis = registered('forRoot', () => {
      // readme: recipe-auth0
      PortcullisModule.forRoot({
        issuer: 'https://acme.eu.auth0.com/',
        audience: 'https://api.example.com/orders',
        jwksUri: 'https://acme.eu.auth0.com/.well-known/jwks.json',
        claims: { ...CLAIMS_PRESETS.auth0, roles: ['[https://orders.example.com/roles]'] },
      });
      // readme-end
    });
    const user = await auth0.token({
      sub: 'auth0|alice',
      client_id: 'spa-client',
      scope: 'openid orders:read',
      permissions: ['orders:write'],
      'https://orders.example.com/roles': ['admin'],
      org_id: 'org_acme',
    });
    const machine = await auth0.token({
      sub: 'm2m-client@clients',
      client_id: 'm2m-client',
      gty: 'client-credentials',
    });
    await withRecipe(portcullis, async (url) => {
      expect((await call(`${url}/probe/me`, { token: user })).body).toEqual({
        subject: 'auth0|alice',
        clientId: 'spa-client',
        kind: 'user',
        tenant: 'org_acme',
        scopes: ['openid', 'orders:read', 'orders:write'],
        roles: ['admin'],
      });
      expect((await call(`${url}/probe/admin`, { token: user })).status).toBe(200);
      expect((await call(`${url}/probe/me`, { token: machine })).body).toMatchObject({ kind: 'client', roles: [] });
      expectDenial(await call(`${url}/probe/admin`, { token: machine }), 'ERR_FORBIDDEN', null);
    });
  });

  it('Microsoft Entra ID: scp, app roles, tid, azp; typ JWT and no jti', async () => {
    const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
    const entra = await issuerAt(
      `https://login.microsoftonline.com/${tenantId}/v2.0`,
      'api://orders-api',
      `https://login.microsoftonline.com/${tenantId}/discovery/v2.0/keys`,
    );
    const portcullis = registered('forRoot', () => {
      // readme: recipe-entra
      PortcullisModule.forRoot({
        issuer: `https://login.microsoftonline.com/${tenantId}/v2.0`,
        audience: 'api://orders-api',
        jwksUri: `https://login.microsoftonline.com/${tenantId}/discovery/v2.0/keys`,
        claims: 'entra',
        typ: 'JWT',
        requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub'],
      });
      // readme-end
    });
    const claims = { jti: undefined, client_id: undefined, uti: 'AbC123', azp: 'web-app', tid: tenantId };
    const user = await entra.token(
      { ...claims, sub: 'u-sub', oid: 'u-oid', scp: 'Orders.Read', roles: ['admin'] },
      {
        typ: 'JWT',
      },
    );
    const app = await entra.token(
      { ...claims, sub: 'app-oid', oid: 'app-oid', idtyp: 'app', roles: ['Orders.Sync'] },
      {
        typ: 'JWT',
      },
    );
    await withRecipe(portcullis, async (url) => {
      expect((await call(`${url}/probe/me`, { token: user })).body).toEqual({
        subject: 'u-sub',
        clientId: 'web-app',
        kind: 'user',
        tenant: tenantId,
        scopes: ['Orders.Read'],
        roles: ['admin'],
      });
      expect((await call(`${url}/probe/admin`, { token: user })).status).toBe(200);
      expect((await call(`${url}/probe/me`, { token: app })).body).toMatchObject({ kind: 'client', scopes: [] });
    });
    expect(await byDefault(entra, `https://login.microsoftonline.com/${tenantId}/discovery/v2.0/keys`, user)).toBe(
      'ERR_INVALID_TOKEN_TYPE',
    );
  });

  it('Okta: scp array, groups as roles, cid; typ may be absent; cid required', async () => {
    const okta = await issuerAt(
      'https://acme.okta.com/oauth2/default',
      'api://orders',
      'https://acme.okta.com/oauth2/default/v1/keys',
    );
    const portcullis = registered('forRoot', () => {
      // readme: recipe-okta
      PortcullisModule.forRoot({
        issuer: 'https://acme.okta.com/oauth2/default',
        audience: 'api://orders',
        jwksUri: 'https://acme.okta.com/oauth2/default/v1/keys',
        claims: 'okta',
        typ: false, // check your tokens: Okta access tokens may carry no typ
        requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub', 'jti', 'cid'],
      });
      // readme-end
    });
    const claims = { sub: 'alice@acme.com', client_id: undefined, scp: ['orders:read'], groups: ['Everyone', 'admin'] };
    const user = await okta.token({ ...claims, cid: '0oa1web' }, { typ: null });
    const withoutCid = await okta.token(claims, { typ: null });
    await withRecipe(portcullis, async (url) => {
      expect((await call(`${url}/probe/me`, { token: user })).body).toEqual({
        subject: 'alice@acme.com',
        clientId: '0oa1web',
        kind: 'user',
        scopes: ['orders:read'],
        roles: ['Everyone', 'admin'],
      });
      expect((await call(`${url}/probe/admin`, { token: user })).status).toBe(200);
      expectDenial(
        await call(`${url}/probe/me`, { token: withoutCid }),
        'ERR_CLAIM_INVALID',
        `Bearer realm="api", error="invalid_token", error_description="${ERROR_CATALOG.ERR_CLAIM_INVALID.description}"`,
      );
    });
    expect(await byDefault(okta, 'https://acme.okta.com/oauth2/default/v1/keys', user)).toBe('ERR_INVALID_TOKEN_TYPE');
  });

  it('Amazon Cognito: no aud, client_id matched against audience, groups, custom tenant', async () => {
    const region = 'eu-west-1';
    const userPoolId = 'eu-west-1_AbCdEf123';
    const appClientId = '5example0client0id';
    const cognito = await issuerAt(
      `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`,
      appClientId,
      `https://cognito-idp.${region}.amazonaws.com/${userPoolId}/.well-known/jwks.json`,
    );
    const portcullis = registered('forRoot', () => {
      // readme: recipe-cognito
      PortcullisModule.forRoot({
        issuer: `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`,
        audience: appClientId, // the app client(s) allowed to call this API
        audienceClaim: 'client_id',
        jwksUri: `https://cognito-idp.${region}.amazonaws.com/${userPoolId}/.well-known/jwks.json`,
        claims: { ...CLAIMS_PRESETS.cognito, tenant: 'custom:tenant_id' },
        typ: false,
      });
      // readme-end
    });
    const claims = {
      aud: undefined,
      token_use: 'access',
      scope: 'orders:read',
      'cognito:groups': ['admin'],
      'custom:tenant_id': 'acme',
    };
    const user = await cognito.token(
      { ...claims, sub: 'c0ffee', username: 'alice', client_id: appClientId },
      { typ: null },
    );
    const otherClient = await cognito.token(
      { ...claims, sub: 'c0ffee', username: 'alice', client_id: 'another-app' },
      {
        typ: null,
      },
    );
    await withRecipe(portcullis, async (url) => {
      expect((await call(`${url}/probe/me`, { token: user })).body).toEqual({
        subject: 'c0ffee',
        clientId: appClientId,
        kind: 'user',
        tenant: 'acme',
        scopes: ['orders:read'],
        roles: ['admin'],
      });
      expect((await call(`${url}/probe/admin`, { token: user })).status).toBe(200);
      const refused = await call(`${url}/probe/me`, { token: otherClient });
      expect([refused.status, refused.body.code]).toEqual([401, 'ERR_CLAIM_INVALID']);
    });
  });
});

// ---------------------------------------------------------------------------------------------

/** Stands for a passport strategy that put the verified claims on `request.user` (claimsFromUser default). */
@Injectable()
class UserFromClaimsGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string>; user?: unknown }>();
    const { 'x-test-user': sub, 'x-test-scope': scope = 'orders:read' } = request.headers;
    request.user = { iss: ISSUER, sub, scope, roles: ['customer'] };
    return true;
  }
}

describe('README tables match the code', () => {
  const readme = readFileSync(README_PATH, 'utf8');

  /** The section of the README under a `## ` heading (up to the next one). */
  const section = (heading: string): string => {
    const start = readme.indexOf(`\n## ${heading}\n`);
    if (start === -1) throw new Error(`README has no section ${heading}`);
    const end = readme.indexOf('\n## ', start + 1);
    return readme.slice(start, end === -1 ? undefined : end);
  };
  /** Table rows of a section, split into trimmed cells (`\|` is a pipe inside a cell); header and rule left out. */
  const rows = (text: string): string[][] =>
    text
      .split('\n')
      .filter((l) => l.startsWith('|'))
      .slice(2)
      .map((l) =>
        l
          .split(/(?<!\\)\|/)
          .slice(1, -1)
          .map((c) => c.trim().replaceAll('\\|', '|')),
      );
  /** The backticked names at the start of a cell (`a`, `b` / `c` …), up to the first other word. */
  const namesOf = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

  describe('Options', () => {
    const table = rows(section('Options'));
    const row = (name: string): string[] => {
      const found = table.filter((cells) => namesOf(cells[0]!).includes(name));
      if (found.length !== 1) throw new Error(`README has ${found.length} option rows for ${name}`);
      return found[0]!;
    };
    const code = (value: string) => `\`${value}\``;

    // Compile-time exhaustive: a new option without an entry here does not typecheck, and the test
    // below then requires a README row for it.
    const OPTIONS: Record<keyof PortcullisModuleOptions | keyof PortcullisModuleExtras, true> = {
      ...VERIFIER_OPTION_KEYS,
      ...PORTCULLIS_OWN_OPTION_KEYS,
      globalGuard: true,
      routesWithoutRules: true,
      swagger: true,
      claimsFromUser: true,
      protectedResourceMetadata: true,
      isGlobal: true,
    };

    it('documents every option, once', () => {
      for (const name of Object.keys(OPTIONS)) expect([name, row(name).length]).toEqual([name, 3]);
      const documented = table.flatMap((cells) => namesOf(cells[0]!));
      expect(documented.filter((name) => !(name in OPTIONS))).toEqual([]);
    });

    /** Behaviour of a module with only issuer, audience and key set. */
    @Controller()
    class DefaultsController {
      @Get('orders')
      @Scopes('orders:read')
      list(@CurrentPrincipal() me: Principal) {
        return { subject: me.subject };
      }

      @Get('unruled')
      unruled() {
        return { ran: true };
      }
    }

    /** Behind another authentication guard that set `request.user` (the module's guard is off). */
    @Controller()
    class FromUserController {
      @Get('from-user')
      @UseGuards(UserFromClaimsGuard, PortcullisRulesGuard)
      @Scopes('orders:read')
      fromUser(@CurrentPrincipal() me: Principal) {
        return { subject: me.subject, roles: [...me.roles] };
      }
    }

    let started: StartedApp;
    let behindPassport: StartedApp;
    const logger = recordingLogger();
    beforeAll(async () => {
      const minimal = { issuer: ISSUER, audience: AUDIENCE, jwksUri: JWKS_URI };
      started = await startApp(readmeTestModule([PortcullisModule.forRoot(minimal)], [DefaultsController]), 'express', {
        logger,
      });
      behindPassport = await startApp(
        readmeTestModule([PortcullisModule.forRoot({ ...minimal, globalGuard: false })], [FromUserController]),
        'express',
        { logger }, // Nest's Logger is process-wide: the last app's logger wins
      );
    });
    afterAll(async () => {
      await started?.close();
      await behindPassport?.close();
    });

    it('states the defaults the code applies', async () => {
      const portcullis = started.app.get(PORTCULLIS) as Portcullis;
      expect(row('realm')[1]).toBe(code(`'${portcullis.challenge.realm}'`));
      // audienceClaim 'aud': `aud` is required, and must name this API.
      expect(row('audienceClaim')[1]).toBe(code(`'aud'`));
      for (const aud of [undefined, 'https://api.example.com/billing']) {
        await expect(portcullis.authenticateToken(await mint({ aud }))).rejects.toMatchObject({
          code: 'ERR_CLAIM_INVALID',
        });
      }
      expect(row('resourceMetadata')[1]).toBe('—');
      expect(portcullis.challenge.resourceMetadata).toBeUndefined();
      // protectedResourceMetadata: none, and no document is served.
      expect(row('protectedResourceMetadata')[1]).toBe('—');
      expect((await call(`${started.url}/.well-known/oauth-protected-resource/orders`)).status).toBe(404);

      // claims 'rfc9068' (scope, roles, org_id, client_id) and roleHierarchy {} (admin is not support).
      expect(row('claims')[1]).toBe(code(`'rfc9068'`));
      expect(row('roleHierarchy')[1]).toBe(code('{}'));
      const token = await mint({ sub: 'ada', scope: 'a b', roles: ['admin'], org_id: 'acme', client_id: 'web' });
      const { principal } = await portcullis.authenticateToken(token);
      expect([principal.tenant, principal.clientId, [...principal.scopes], [...principal.roles]]).toEqual([
        'acme',
        'web',
        ['a', 'b'],
        ['admin'],
      ]);
      // claimsClientId: none by default, and then no claim path may use `{clientId}` (the calling
      // client must not choose whose roles count); set, it is the value of `{clientId}`.
      expect(row('claimsClientId')[1]).toBe('none');
      const keycloakish = { ...issuer.verifierOptions(), claims: { roles: ['resource_access.{clientId}.roles'] } };
      expect(() => createPortcullis(keycloakish)).toThrow(/uses \{clientId\}/);
      const clientRoles = await issuer.token({
        client_id: 'web',
        resource_access: { web: { roles: ['x'] }, 'orders-api': { roles: ['y'] } },
      });
      const forApi = createPortcullis({ ...keycloakish, claimsClientId: 'orders-api' });
      expect([...(await forApi.authenticateToken(clientRoles)).principal.roles]).toEqual(['y']);

      // revocation: none, and REVOCATION_STORE is then null.
      expect(row('revocation')[1]).toBe('—');
      expect(started.app.get(REVOCATION_STORE)).toBeNull();

      // bearer: header only, query and body tokens refused with 400.
      expect(row('bearer')[1]).toBe('header only');
      const query = await call(`${started.url}/orders?access_token=${tokens.alice}`);
      expect([query.status, query.body.code]).toEqual([400, 'ERR_INVALID_REQUEST']);

      // globalGuard true: the module's guard protects routes it was never told about.
      expect(row('globalGuard')[1]).toBe(code('true'));
      expectDenial(await call(`${started.url}/orders`), 'ERR_MISSING_TOKEN', 'Bearer realm="api"');
      expect((await call(`${started.url}/orders`, { token: tokens.alice })).body).toEqual({ subject: 'alice' });

      // routesWithoutRules 'warn': the unruled route is reported, and denied.
      expect(row('routesWithoutRules')[1]).toBe(code(`'warn'`));
      expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
        expect.stringContaining('GET /unruled (DefaultsController.unruled)'),
      ]);
      expect((await call(`${started.url}/unruled`, { token: tokens.alice })).body.code).toBe('ERR_NO_RULE');

      // audit 'logger': one JSON line at `log` level per decision.
      expect(row('audit')[1]).toBe(code(`'logger'`));
      expect(
        logger.lines.filter((l) => l.level === 'log' && l.message.startsWith('portcullis.decision {')),
      ).not.toHaveLength(0);

      // isGlobal true.
      expect(row('isGlobal')[1]).toBe(code('true'));
      expect(PortcullisModule.forRoot({ issuer: ISSUER, audience: AUDIENCE, jwksUri: JWKS_URI }).global).toBe(true);

      // claimsFromUser `user => user`: PortcullisRulesGuard maps request.user itself.
      expect(row('claimsFromUser')[1]).toBe(code('user => user'));
      const fromUser = await call(`${behindPassport.url}/from-user`, { headers: { 'x-test-user': 'bob' } });
      expect([fromUser.status, fromUser.body]).toEqual([200, { subject: 'bob', roles: ['customer'] }]);
      // … and its rules still apply (claims without the scope: 403).
      const noScope = await call(`${behindPassport.url}/from-user`, {
        headers: { 'x-test-user': 'bob', 'x-test-scope': '' },
      });
      expect([noScope.status, noScope.body.code]).toEqual([403, 'ERR_INSUFFICIENT_SCOPE']);

      // swagger: the bearer scheme when @nestjs/swagger is installed.
      expect(row('swagger')[1]).toBe(`${code(`{ scheme: 'bearer' }`)} when ${code('@nestjs/swagger')} is installed`);
      const document = SwaggerModule.createDocument(started.app, new DocumentBuilder().addBearerAuth().build());
      expect(document.paths['/orders']?.get?.security).toEqual([{ bearer: [] }]);
    });
  });

  it('Errors: documents every code with its status and exact challenge (realm `orders`)', () => {
    const table = rows(section('Errors'));
    const codes = Object.keys(ERROR_CATALOG) as PortcullisErrorCode[];
    const documented = table.flatMap((cells) => namesOf(cells[0]!).filter((n) => n.startsWith('ERR_')));
    expect([...documented].sort()).toEqual([...codes].sort());
    for (const codeName of codes) {
      const [, status, challenge] = table.find((cells) => namesOf(cells[0]!).includes(codeName))!;
      const answer = answerFor(codeName, 'orders', ['orders:write']);
      const retry = answer.headers['retry-after'] !== undefined;
      expect([codeName, status]).toEqual([codeName, `${answer.status}${retry ? ' + `Retry-After`' : ''}`]);
      const expected = answer.headers['www-authenticate'];
      if (expected === undefined) {
        expect([codeName, challenge]).toEqual([codeName, 'none']);
      } else {
        // `…` in the README stands for the code's description; the rest is literal.
        const documentedChallenge = namesOf(challenge!)[0]!;
        const pattern = new RegExp(
          `^${documentedChallenge.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/…/g, '[^"]+')}$`,
        );
        expect([codeName, pattern.test(expected)]).toEqual([codeName, true]);
      }
    }
  });

  it('Decorators: lists every decorator the package exports, and nothing else', () => {
    const table = rows(section('Decorators'));
    const listed = new Set(table.flatMap((cells) => [...cells[0]!.matchAll(/`@(\w+)\(/g)].map((m) => m[1]!)));
    const DECORATORS = [
      'Public',
      'Authenticated',
      'Scopes',
      'AnyScope',
      'Roles',
      'AllRoles',
      'TenantParam',
      'OwnedResource',
      'Policy',
      'Requires',
      'CurrentPrincipal',
      'LoadedResource',
    ];
    expect([...listed].sort()).toEqual([...DECORATORS].sort());
    // Every capitalised function export of the barrel that is not a class is one of them.
    const functions = Object.entries(nest)
      .filter(
        ([name, value]) => /^[A-Z][a-z]/.test(name) && typeof value === 'function' && !/^class\b/.test(String(value)),
      )
      .map(([name]) => name);
    expect(functions.sort()).toEqual([...DECORATORS].sort());
  });
});
