/**
 * The README's tables, compared with the code — so a new option, a changed default or a new error
 * code cannot leave them behind silently.
 *
 * - **Middleware**: the table lists every middleware this package exports, and each row's
 *   "denies with" names exactly the statuses (and the codes) its middleware answers with, over
 *   real HTTP with tokens from @portcullis/testing.
 * - **Options**: every option of `portcullis()`, `portcullisRouter()` and
 *   `portcullisErrorHandler()` has a row and no row is stale (compile-time exhaustive lists below,
 *   and the option lists the code validates against). The core options' defaults must read as in
 *   packages/core/README.md, whose own readme spec compares them with the code; the defaults this
 *   package adds are checked by behaviour.
 * - **Errors**: every code of the catalog is in exactly one row, with the status, `Retry-After`
 *   and exact `WWW-Authenticate` that `portcullisErrorHandler()` answers with (`…` in the README
 *   stands for the fixed description).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import * as core from '@portcullis/core';
import type { PortcullisErrorCode } from '@portcullis/core';
import * as expressPackage from '@portcullis/express';
import {
  ERROR_CATALOG,
  InMemoryRevocationStore,
  PortcullisError,
  anyOf,
  authenticateRequest,
  createPortcullis,
  createProtectedResourceMetadata,
  portcullis,
  portcullisErrorHandler,
  portcullisRouter,
  protectedResourceMetadata,
  publicRoute,
  requireAllRoles,
  requireAnyScope,
  requireAuthentication,
  requireOwnership,
  requirePolicy,
  requireRoles,
  requireRule,
  requireScopes,
  requireTenant,
} from '@portcullis/express';
import type {
  ErrorHandlerOptions,
  GateOptions,
  PortcullisRouterOptions,
  RevocationStore,
  Rule,
} from '@portcullis/express';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer, TokenClaims } from '@portcullis/testing';
import { listen } from '../e2e/scenario-app.js';
import type { RunningServer } from '../e2e/scenario-app.js';
import { send } from '../support/http.js';
import { ORDER_ROWS } from './readme-fixtures.js';
import type { Order } from './readme-fixtures.js';
import { codeSpans, rowNaming, tableAfter, tableCells } from './readme-tables.js';
import { PORTCULLIS_OWN_OPTION_KEYS, VERIFIER_OPTION_KEYS } from '../../../../test-support/option-keys.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const coreReadme = readFileSync(new URL('../../../core/README.md', import.meta.url), 'utf8');
/** Every table row of the core README (its option tables), as cells. */
const coreRows = coreReadme
  .split('\n')
  .filter((l) => /^\|\s*`/.test(l))
  .map(tableCells);

const MIDDLEWARE = tableAfter(readme, '## Middleware');
const GATE_OPTIONS = tableAfter(readme, '### `portcullis(options)` / `portcullis(instance, { publicPaths })`');
const ROUTER_OPTIONS = tableAfter(readme, '### `portcullisRouter(options)`');
const HANDLER_OPTIONS = tableAfter(readme, '### `portcullisErrorHandler(options)`');
const ERRORS = tableAfter(readme, '## Errors');

/** The names the first cells of a table list in backticks. */
const namesOf = (rows: readonly string[][]) => rows.flatMap((cells) => codeSpans(cells[0]!));

/** The option names a validation `TypeError` lists after "expected". */
function expectedOptions(create: () => unknown): string[] {
  try {
    create();
  } catch (error) {
    const listed = /expected (.+)$/.exec((error as Error).message)?.[1];
    if (listed !== undefined) return listed.split(', ');
  }
  throw new Error('no TypeError listing the expected options');
}

let authServer: TestIssuer;
const servers: RunningServer[] = [];
const token = (claims: TokenClaims = {}) => authServer.token({ sub: 'alice', org_id: 'acme', ...claims });

beforeAll(async () => {
  authServer = await createTestIssuer({ serve: 'none' });
});
afterAll(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await authServer.close();
});

async function serve(build: (app: express.Express) => void): Promise<string> {
  const app = express();
  build(app);
  const server = await listen(app);
  servers.push(server);
  return server.url;
}

// ---------------------------------------------------------------------------------------------

describe('## Middleware', () => {
  /** How a case calls: with a token of these claims, or one of the named failures. */
  type Caller = TokenClaims | 'no token' | 'token in the query' | 'expired token' | 'revocation store down';
  type Case = readonly [path: string, caller: Caller];
  interface RowCheck {
    readonly allows: readonly Case[];
    readonly denies: readonly Case[];
    /** For a row whose "denies with" is prose: how the answers must relate to the code. */
    readonly verify?: (answers: ReadonlyArray<{ status: number; code: string }>) => Promise<void>;
  }

  let url: string;
  let gate: ReturnType<typeof portcullis>;
  const storeState = { down: false };
  const preGateErrors: unknown[] = [];
  const alternatives: Rule = anyOf(requireRoles('admin').rule, requireScopes('orders:admin').rule);

  beforeAll(async () => {
    const inner = new InMemoryRevocationStore();
    const store: RevocationStore = {
      revokeToken: (jti, expiresAt) => inner.revokeToken(jti, expiresAt),
      revokeSubject: (sub, issuedAtOrBefore, retainUntil) => inner.revokeSubject(sub, issuedAtOrBefore, retainUntil),
      isRevoked: (query) => (storeState.down ? Promise.reject(new Error('store down')) : inner.isRevoked(query)),
    };
    gate = portcullis({
      ...authServer.verifierOptions(),
      realm: 'orders',
      roleHierarchy: { admin: ['support'] },
      revocation: store,
      publicPaths: ['/public'],
    });
    const load = async (req: Request) => ORDER_ROWS.find((o) => o.id === req.params['id']);
    const ok = (_req: Request, res: Response) => void res.json({ ok: true });
    url = await serve((app) => {
      app.use(protectedResourceMetadata(createProtectedResourceMetadata({ resource: authServer.audience })));
      app.use('/pre', async (req: Request, _res: Response, next: NextFunction) => {
        try {
          await authenticateRequest(gate, req);
        } catch (error) {
          preGateErrors.push(error);
        }
        next();
      });
      app.use(gate);
      const api = portcullisRouter();
      api.get('/public', publicRoute(), ok);
      api.get('/pre', requireAuthentication(), ok);
      api.get('/authenticated', requireAuthentication(), ok);
      api.get('/scopes', requireScopes('a', 'b'), ok);
      api.get('/scopes-any', requireScopes(['a', 'b'], { mode: 'any' }), ok);
      api.get('/any-scope', requireAnyScope('a', 'b'), ok);
      api.get('/roles', requireRoles('a', 'b'), ok);
      api.get('/roles-all', requireRoles(['a', 'b'], { mode: 'all' }), ok);
      api.get('/support', requireRoles('support'), ok);
      api.get('/all-roles', requireAllRoles('a', 'b'), ok);
      api.get('/tenants/:tenant', requireTenant('tenant'), ok);
      api.get(
        '/orgs/:org',
        requireTenant((req) => String(req.params.org)),
        ok,
      );
      api.get(
        '/orders/:id',
        requireOwnership<Order>({ load, allowRoles: ['auditor'] }),
        requireTenant<Order>({ tenantOf: (o) => o.orgId }),
        ok,
      );
      api.get('/owned/:id', requireOwnership<Order>({ load, ownerOf: (o) => o.ownerId }), ok);
      api.get(
        '/broken/:id',
        requireOwnership<Order>({
          load: () => {
            throw new Error('database down');
          },
        }),
        ok,
      );
      api.get(
        '/policy',
        requirePolicy('clearance', ({ principal }) => principal.claims['clearance'] === 3),
        ok,
      );
      api.get(
        '/policy-fn',
        requirePolicy(function isUser({ principal }) {
          return principal.kind === 'user';
        }),
        ok,
      );
      api.get(
        '/policy-throws',
        requirePolicy('broken', () => {
          throw new Error('bug');
        }),
        ok,
      );
      api.get('/rule', requireRule(alternatives), ok);
      api.get('/no-rule', ok);
      app.use(api, portcullisErrorHandler());
    });
  });

  async function call([path, caller]: Case): Promise<{ status: number; code: string }> {
    let res;
    if (caller === 'no token') res = await send(`${url}${path}`);
    else if (caller === 'token in the query') res = await send(`${url}${path}?access_token=${await token()}`);
    else if (caller === 'expired token')
      res = await send(`${url}${path}`, { token: await authServer.badToken('expired') });
    else if (caller === 'revocation store down') {
      storeState.down = true;
      try {
        res = await send(`${url}${path}`, { token: await token() });
      } finally {
        storeState.down = false;
      }
    } else res = await send(`${url}${path}`, { token: await token(caller) });
    return { status: res.status, code: res.body?.code ?? '' };
  }

  const client: TokenClaims = { sub: 'reporting', client_id: 'reporting' };
  const METADATA_PATH = '/.well-known/oauth-protected-resource/orders';
  const CHECKS: Record<string, RowCheck> = {
    portcullis: {
      allows: [['/authenticated', {}]],
      denies: [
        ['/authenticated', 'no token'],
        ['/authenticated', 'token in the query'],
        ['/authenticated', 'revocation store down'],
      ],
    },
    authenticateRequest: {
      allows: [['/pre', {}]],
      denies: [['/pre', 'expired token']],
      async verify(answers) {
        expect(answers).toEqual([{ status: 401, code: 'ERR_TOKEN_EXPIRED' }]);
        expect(preGateErrors).toEqual([expect.objectContaining({ code: 'ERR_TOKEN_EXPIRED' })]);
        expect(preGateErrors[0]).toBeInstanceOf(PortcullisError);
      },
    },
    portcullisRouter: { allows: [], denies: [['/no-rule', {}]] },
    protectedResourceMetadata: {
      allows: [
        [METADATA_PATH, 'no token'],
        [METADATA_PATH, 'expired token'],
        [METADATA_PATH, {}],
      ],
      denies: [],
      async verify(answers) {
        expect(answers).toEqual([]);
        // The 200s above are the document itself, not a route behind the gate.
        const res = await send(`${url}${METADATA_PATH}`, { token: await authServer.badToken('expired') });
        expect(res.body).toEqual({ resource: authServer.audience, bearer_methods_supported: ['header'] });
      },
    },
    publicRoute: {
      allows: [
        ['/public', 'no token'],
        ['/public', {}],
      ],
      denies: [],
    },
    requireAuthentication: { allows: [['/authenticated', {}]], denies: [['/authenticated', 'no token']] },
    requireScopes: {
      allows: [
        ['/scopes', { scope: 'a b' }],
        ['/scopes-any', { scope: 'b' }],
      ],
      denies: [
        ['/scopes', { scope: 'a' }],
        ['/scopes-any', { scope: 'c' }],
      ],
    },
    requireAnyScope: { allows: [['/any-scope', { scope: 'b' }]], denies: [['/any-scope', { scope: 'c' }]] },
    requireRoles: {
      allows: [
        ['/roles', { roles: ['b'] }],
        ['/roles-all', { roles: ['a', 'b'] }],
        ['/support', { roles: ['admin'] }],
      ],
      denies: [
        ['/roles', { roles: ['c'] }],
        ['/roles-all', { roles: ['a'] }],
      ],
    },
    requireAllRoles: { allows: [['/all-roles', { roles: ['b', 'a'] }]], denies: [['/all-roles', { roles: ['a'] }]] },
    requireTenant: {
      allows: [
        ['/tenants/acme', {}],
        ['/orgs/acme', {}],
        ['/orders/o1', { roles: ['auditor'] }],
      ],
      denies: [
        ['/tenants/globex', {}],
        ['/orgs/globex', {}],
        ['/orders/o3', { roles: ['auditor'] }],
      ],
    },
    requireOwnership: {
      allows: [['/owned/o1', {}]],
      denies: [
        ['/owned/o2', {}],
        ['/owned/nope', {}],
        ['/broken/o1', {}],
      ],
    },
    requirePolicy: {
      allows: [
        ['/policy', { clearance: 3 }],
        ['/policy-fn', {}],
      ],
      denies: [
        ['/policy', { clearance: 2 }],
        ['/policy-fn', client],
        ['/policy-throws', {}],
      ],
    },
    requireRule: {
      allows: [
        ['/rule', { roles: ['admin'] }],
        ['/rule', { ...client, scope: 'orders:admin' }],
      ],
      denies: [['/rule', {}]],
      async verify(answers) {
        const { principal } = await gate.portcullis.authenticateToken(await token());
        const decision = gate.portcullis.decide(alternatives, { principal });
        expect(decision.allowed).toBe(false);
        if (decision.allowed) return;
        expect(answers).toEqual([{ status: decision.error.status, code: decision.error.code }]);
      },
    },
  };

  /** The function a row documents: `requireScopes('a', 'b')` / `requireScopes([…])` → requireScopes. */
  const rowFunction = (cells: readonly string[]): string => {
    const names = new Set(codeSpans(cells[0]!).map((span) => /^(\w+)\(/.exec(span)?.[1]));
    expect(names.size).toBe(1);
    return [...names][0]!;
  };

  it('lists every middleware this package exports (its error handler has its own sections)', () => {
    const own = Object.entries(expressPackage)
      .filter(([name, value]) => typeof value === 'function' && (core as Record<string, unknown>)[name] !== value)
      .map(([name]) => name);
    expect([...MIDDLEWARE.map(rowFunction), 'portcullisErrorHandler'].sort()).toEqual(own.sort());
    expect(Object.keys(CHECKS).sort()).toEqual(MIDDLEWARE.map(rowFunction).sort());
  });

  it.each(MIDDLEWARE.map((cells) => [rowFunction(cells), cells[2]!] as const))(
    '%s denies with: %s',
    async (name, deniesWith) => {
      const check = CHECKS[name]!;
      for (const allowed of check.allows) expect([allowed, (await call(allowed)).status]).toEqual([allowed, 200]);
      const answers = [];
      for (const denied of check.denies) answers.push(await call(denied));
      if (check.verify !== undefined) {
        await check.verify(answers);
        return;
      }
      const statuses = [...new Set(deniesWith.match(/\b[1-5]\d\d\b/g) ?? [])].map(Number).sort();
      expect([...new Set(answers.map((a) => a.status))].sort()).toEqual(statuses);
      for (const code of deniesWith.match(/ERR_[A-Z_]+/g) ?? []) expect(answers.map((a) => a.code)).toContain(code);
    },
  );

  it('re-exports what the prose says, as the core’s own values', () => {
    const sentence = readme.split('\n\n').find((p) => p.includes('it re-exports the errors'))!;
    const named = codeSpans(sentence.slice(sentence.indexOf('it re-exports')));
    expect(named).toEqual([
      'createPortcullis',
      'createProtectedResourceMetadata',
      'InMemoryRevocationStore',
      'scopeQuery',
      'allOf',
      'anyOf',
    ]);
    for (const name of [...named, 'PortcullisError', 'isPortcullisError', 'ERROR_CATALOG', 'toHttpResponse']) {
      const value = (expressPackage as Record<string, unknown>)[name];
      expect([name, value !== undefined && value === (core as Record<string, unknown>)[name]]).toEqual([name, true]);
    }
  });

  it('names the options requireOwnership accepts', () => {
    const cells = MIDDLEWARE.find((c) => rowFunction(c) === 'requireOwnership')!;
    const listed = /\{ ([^}]+) \}/
      .exec(codeSpans(cells[0]!)[0]!)![1]!
      .split(', ')
      .map((o) => o.replace(/\?$/, ''));
    expect(listed).toEqual(expectedOptions(() => requireOwnership({ nope: true } as never)));
  });

  it('gives every rule middleware its core rule as .rule', () => {
    const rules = [
      requireScopes('a'),
      requireAnyScope('a'),
      requireRoles('a'),
      requireAllRoles('a'),
      requireTenant('tenant'),
      requireOwnership({ load: () => undefined }),
      requirePolicy('p', () => true),
      requireRule(alternatives),
    ];
    for (const middleware of rules) expect(typeof middleware.rule.evaluate).toBe('function');
    expect(requireRule(alternatives).rule).toBe(alternatives);
  });
});

// ---------------------------------------------------------------------------------------------

describe('## Options', () => {
  // Compile-time exhaustive (test-support/option-keys.ts, GATE and ROUTER below): a new option
  // without an entry does not typecheck, and the tests below then require a README row for it.
  const VERIFIER_OPTIONS = VERIFIER_OPTION_KEYS;
  const PORTCULLIS_OPTIONS = PORTCULLIS_OWN_OPTION_KEYS;
  const GATE: Record<keyof GateOptions, true> = { publicPaths: true };
  const ROUTER: Record<keyof PortcullisRouterOptions, true> = {
    portcullis: true,
    caseSensitive: true,
    mergeParams: true,
    strict: true,
  };
  const HANDLER: Record<keyof ErrorHandlerOptions, true> = { portcullis: true, challenge: true };

  /** The default cell of option `name`, split per name when a row lists several (`a` / `b`). */
  function defaultOf(rows: readonly string[][], name: string): string {
    const cells = rowNaming(rows, name)!;
    const names = codeSpans(cells[0]!);
    const parts = cells[1]!.split(' / ');
    return parts.length === names.length ? parts[names.indexOf(name)]! : cells[1]!;
  }
  /** The default the core README states for `name` (a row of its option tables). */
  const coreDefault = (name: string): string => {
    const cells = coreRows.find((c) => c[0] === `\`${name}\``);
    if (cells === undefined) throw new Error(`core README has no row for ${name}`);
    return cells[1]!;
  };
  /** `{ a: 1, b: false }` → [['a', '1'], ['b', 'false']] */
  const objectEntries = (literal: string): string[][] =>
    [...literal.matchAll(/(\w+): ([^,}]+)/g)].map((m) => [m[1]!, `\`${m[2]!.trim()}\``]);
  /** `['a','b']` → ["a","b"] */
  const arrayOf = (cell: string): unknown => JSON.parse(cell.replace(/^`|`$/g, '').replaceAll("'", '"'));

  describe('portcullis(options)', () => {
    it('has a row for every option, and none for an option that does not exist', () => {
      expect(namesOf(GATE_OPTIONS).sort()).toEqual(
        Object.keys({ ...VERIFIER_OPTIONS, ...PORTCULLIS_OPTIONS, ...GATE }).sort(),
      );
    });

    it('states the core options’ defaults as the core README does', () => {
      for (const name of Object.keys({ ...VERIFIER_OPTIONS, ...PORTCULLIS_OPTIONS })) {
        const stated = defaultOf(GATE_OPTIONS, name);
        if (name === 'remoteJwks') {
          for (const [key, value] of objectEntries(stated))
            expect([key, value]).toEqual([key, coreDefault(`remoteJwks.${key}`)]);
          expect(objectEntries(stated).length).toBeGreaterThanOrEqual(5);
        } else if (name === 'bearer') {
          for (const [key, value] of objectEntries(stated))
            expect([key, value]).toEqual([key, coreDefault(`bearer.${key}`)]);
        } else if (name === 'algorithms' || name === 'requiredClaims') {
          expect([name, arrayOf(stated)]).toEqual([name, arrayOf(coreDefault(name))]);
        } else if (/required/.test(coreDefault(name))) {
          expect([name, stated]).toEqual([name, expect.stringContaining('required')]);
        } else {
          expect([name, stated]).toEqual([name, coreDefault(name)]);
        }
      }
    });

    it('defaults: realm api, no public paths, header tokens only', async () => {
      const base = await serve((app) => {
        app.use(express.urlencoded({ extended: false }));
        app.use(portcullis({ ...authServer.verifierOptions() }));
        app.all('/health', requireAuthentication(), (_req, res) => void res.json({ ok: true }));
        app.use(portcullisErrorHandler());
      });
      expect(defaultOf(GATE_OPTIONS, 'realm')).toBe("`'api'`");
      expect(defaultOf(GATE_OPTIONS, 'publicPaths')).toBe('`[]`');
      const anonymous = await send(`${base}/health`);
      expect([anonymous.status, anonymous.headers.get('www-authenticate')]).toEqual([401, 'Bearer realm="api"']);
      expect(defaultOf(GATE_OPTIONS, 'bearer')).toBe('`{ allowQuery: false, allowBody: false }`');
      const valid = await token();
      expect((await send(`${base}/health`, { token: valid })).status).toBe(200);
      expect((await send(`${base}/health?access_token=${valid}`)).status).toBe(400);
      const inBody = await send(`${base}/health`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `access_token=${valid}`,
      });
      expect(inBody.status).toBe(400);
    });

    it('publicPaths: the three forms; exact, case-sensitive, relative to the mount path, not authenticated at all', async () => {
      // The forms the row shows, as written there.
      expect(codeSpans(rowNaming(GATE_OPTIONS, 'publicPaths')![2]!).slice(0, 3)).toEqual([
        "'/health'",
        '/^\\/docs\\//',
        "{ method: 'GET', path: '/health' }",
      ]);
      const seen: unknown[] = [];
      const base = await serve((app) => {
        app.use(
          '/api',
          portcullis({
            ...authServer.verifierOptions(),
            publicPaths: ['/health', /^\/docs\//, { method: 'GET', path: '/status' }],
          }),
        );
        app.use('/api', (req, res) => {
          seen.push(req.auth);
          res.json({ ok: true });
        });
        app.use(portcullisErrorHandler());
      });
      expect((await send(`${base}/api/health`)).status).toBe(200);
      expect((await send(`${base}/api/health`, { token: await token() })).status).toBe(200);
      expect(seen).toEqual([undefined, undefined]);
      for (const path of ['/api/Health', '/api/health/', '/api/health/x']) {
        expect([path, (await send(`${base}${path}`)).status]).toEqual([path, 401]);
      }
      expect((await send(`${base}/api/docs/index.html`)).status).toBe(200);
      expect((await send(`${base}/api/status`)).status).toBe(200);
      expect((await send(`${base}/api/status`, { method: 'POST' })).status).toBe(401);
    });

    it('creates one instance, exposed as gate.portcullis, or shares the one it is given', async () => {
      const gate = portcullis({ ...authServer.verifierOptions() });
      expect(typeof gate.portcullis.authenticate).toBe('function');
      const instance = createPortcullis({ ...authServer.verifierOptions(), realm: 'shared' });
      const shared = portcullis(instance, { publicPaths: ['/health'] });
      expect(shared.portcullis).toBe(instance);
      const base = await serve((app) => {
        app.use(shared);
        app.get('/health', (_req, res) => void res.json({ ok: true }));
        app.get('/orders', requireAuthentication(), (_req, res) => void res.json({ ok: true }));
        app.use(portcullisErrorHandler());
      });
      expect((await send(`${base}/health`)).status).toBe(200);
      expect((await send(`${base}/orders`)).headers.get('www-authenticate')).toBe('Bearer realm="shared"');
    });
  });

  describe('portcullisRouter(options)', () => {
    it('has a row for every option the code accepts, and no other', () => {
      expect(namesOf(ROUTER_OPTIONS).sort()).toEqual(Object.keys(ROUTER).sort());
      expect(expectedOptions(() => portcullisRouter({ nope: true } as never)).sort()).toEqual(
        Object.keys(ROUTER).sort(),
      );
    });

    it('defaults: the gate’s instance; case-insensitive, non-strict, own parameters only', async () => {
      for (const name of ['caseSensitive', 'mergeParams', 'strict'])
        expect([name, defaultOf(ROUTER_OPTIONS, name)]).toEqual([name, '`false`']);
      const base = await serve((app) => {
        app.use(portcullis({ ...authServer.verifierOptions(), realm: 'orders' }));
        const api = portcullisRouter();
        api.get('/orders', requireAuthentication(), (_req, res) => void res.json({ ok: true }));
        const orders = portcullisRouter();
        orders.get('/', requireAuthentication(), (req, res) => void res.json({ params: req.params }));
        api.use('/tenants/:tenant/orders', orders);
        app.use(api, portcullisErrorHandler());
      });
      const alice = await token();
      for (const path of ['/orders', '/ORDERS', '/orders/']) {
        expect([path, (await send(`${base}${path}`, { token: alice })).status]).toEqual([path, 200]);
      }
      expect((await send(`${base}/tenants/acme/orders`, { token: alice })).body).toEqual({ params: {} });
      expect((await send(`${base}/orders`)).headers.get('www-authenticate')).toBe('Bearer realm="orders"');
    });
  });

  describe('portcullisErrorHandler(options)', () => {
    it('has a row for every option the code accepts, and no other', () => {
      expect(namesOf(HANDLER_OPTIONS).sort()).toEqual(Object.keys(HANDLER).sort());
      expect(expectedOptions(() => portcullisErrorHandler({ nope: true } as never)).sort()).toEqual(
        Object.keys(HANDLER).sort(),
      );
    });

    it('defaults: the instance that handled the request, else realm api', async () => {
      expect(defaultOf(HANDLER_OPTIONS, 'challenge')).toBe("`{ realm: 'api' }`");
      const billing = createPortcullis({ ...authServer.verifierOptions(), realm: 'billing' });
      const base = await serve((app) => {
        app.get('/no-instance', (_req, _res, next) => next(new PortcullisError('ERR_MISSING_TOKEN')));
        app.get('/configured', (_req, _res, next) => next(new PortcullisError('ERR_MISSING_TOKEN')));
        app.use('/configured', portcullisErrorHandler({ portcullis: billing }));
        app.use(portcullis({ ...authServer.verifierOptions(), realm: 'orders' }));
        app.get('/gated', requireAuthentication(), (_req, res) => void res.json({ ok: true }));
        app.use(portcullisErrorHandler());
      });
      const challenge = async (path: string) => (await send(`${base}${path}`)).headers.get('www-authenticate');
      expect(await challenge('/no-instance')).toBe('Bearer realm="api"');
      expect(await challenge('/gated')).toBe('Bearer realm="orders"');
      expect(await challenge('/configured')).toBe('Bearer realm="billing"');
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('## Errors', () => {
  const codes = Object.keys(ERROR_CATALOG) as PortcullisErrorCode[];
  const errorFor = (code: PortcullisErrorCode) =>
    new PortcullisError(code, code === 'ERR_INSUFFICIENT_SCOPE' ? { requiredScopes: ['orders:write'] } : {});
  let base: string;

  beforeAll(async () => {
    const orders = createPortcullis({ ...authServer.verifierOptions(), realm: 'orders' });
    const metadata = createPortcullis({
      ...authServer.verifierOptions(),
      realm: 'orders',
      resourceMetadata: 'https://api.example.com/.well-known/oauth-protected-resource',
    });
    base = await serve((app) => {
      app.get('/errors/:code', (req, _res, next) => next(errorFor(req.params.code as PortcullisErrorCode)));
      app.use(portcullisErrorHandler({ portcullis: orders }));
      app.get('/metadata/:code', (req, _res, next) => next(errorFor(req.params.code as PortcullisErrorCode)));
      app.use(portcullisErrorHandler({ portcullis: metadata }));
    });
  });

  it('lists every code of the catalog in exactly one row, and no other', () => {
    const listed = ERRORS.flatMap((cells) => codeSpans(cells[0]!).filter((s) => s.startsWith('ERR_')));
    expect([...listed].sort()).toEqual([...codes].sort());
  });

  it.each(codes)('documents %s with the status and exact challenge the error handler answers with', async (code) => {
    const cells = ERRORS.find((c) => codeSpans(c[0]!).includes(code))!;
    const [, status, challenge] = cells;
    const res = await send(`${base}/errors/${code}`);
    expect(Number(/^\d{3}/.exec(status!)?.[0])).toBe(res.status);
    expect(res.status).toBe(ERROR_CATALOG[code].status);
    expect(status!.includes('`Retry-After`')).toBe(res.headers.get('retry-after') !== null);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(res.body).sort()).toEqual(['code', 'error', 'message', 'statusCode']);
    expect(res.body).toMatchObject({ statusCode: res.status, code });
    const answered = res.headers.get('www-authenticate');
    if (challenge === 'none') {
      expect(answered).toBeNull();
    } else {
      const pattern = codeSpans(challenge!)[0]!
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        .replaceAll('…', '[^"]+');
      expect(answered).toMatch(new RegExp(`^${pattern}$`));
    }
  });

  it('answers a rule with no instance configured (no gate in front) with 500 ERR_INTERNAL', async () => {
    expect(rowNaming(ERRORS, 'ERR_INTERNAL')![0]).toContain('no instance configured');
    const ran: string[] = [];
    const url = await serve((app) => {
      app.get('/orders', requireScopes('orders:read'), (_req, res) => {
        ran.push('orders');
        res.json({ ok: true });
      });
      app.use(portcullisErrorHandler());
    });
    const res = await send(`${url}/orders`, { token: await token({ scope: 'orders:read' }) });
    expect([res.status, res.body.code, ran]).toEqual([500, 'ERR_INTERNAL', []]);
  });

  it('adds resource_metadata to the 401 and 403 challenges when resourceMetadata is set', async () => {
    expect(readme).toContain('With `resourceMetadata` set, 401 and 403 challenges also carry `resource_metadata="…"`.');
    for (const code of codes) {
      const res = await send(`${base}/metadata/${code}`);
      const challenge = res.headers.get('www-authenticate');
      const carries = challenge?.includes('resource_metadata="https://api.example.com/') ?? false;
      expect([code, carries]).toEqual([code, challenge !== null && (res.status === 401 || res.status === 403)]);
    }
  });
});
