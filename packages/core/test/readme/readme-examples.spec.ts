/**
 * The README's examples, run as written — so the docs cannot rot silently.
 *
 * Every ```ts block of packages/core/README.md is copied here between `// readme: <name>` and
 * `// readme-end` markers. The first test checks that each README block is, apart from its import
 * lines, exactly one of these regions (and that no region is stale), and that every name a README
 * block imports is imported by this file from the same module. The other tests run the regions
 * with tokens minted by @portcullis/testing.
 *
 * The README's key set URL (https://auth.example.com/.well-known/jwks.json) is served without any
 * network: `globalThis.fetch` is replaced for this file by a router that answers that URL with the
 * test issuer's public keys and passes every other request to the real fetch. The verifier goes
 * through its real remote key resolver (timeouts, size cap, cache) either way.
 *
 * The README also documents every option with its default, and every error code with its status
 * and challenge: the last tests compare those tables with the code.
 */
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CLAIMS_PRESETS,
  ERROR_CATALOG,
  InMemoryRevocationStore,
  PortcullisError,
  allOf,
  anyOf,
  buildChallenge,
  createAccessTokenVerifier,
  createPortcullis,
  createPrincipalMapper,
  createProtectedResourceMetadata,
  extractBearerToken,
  policy,
  requireOwnership,
  requireRoles,
  requireScopes,
  scopeQuery,
  toHttpResponse,
} from '@portcullis/core';
import type {
  AuditEvent,
  AuthContext,
  PortcullisErrorCode,
  PortcullisOptions,
  Portcullis,
  Principal,
  RemoteJwksOptions,
  VerifierOptions,
} from '@portcullis/core';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import { REMOTE_JWKS_DEFAULTS, REMOTE_JWKS_OPTIONS } from '../../src/internal/jwks-remote-options.js';
import { validateVerifierOptions } from '../../src/internal/validate-verifier-options.js';
import { VERIFIER_OPTION_KEYS } from '../../../../test-support/option-keys.js';
import { dedent, importedNamesOf, regions } from '../../../../test-support/readme-regions.js';
import { keySetFetch } from '../../../../test-support/key-set-fetch.js';

const README_PATH = new URL('../../README.md', import.meta.url);
const SPEC_PATH = new URL(import.meta.url);
const ISSUER = 'https://auth.example.com/';
const AUDIENCE = 'https://api.example.com/orders';
const JWKS_URI = 'https://auth.example.com/.well-known/jwks.json';

// ---------------------------------------------------------------------------------------------
// What the README takes for granted: an application logger and a data-access object.

const logged: unknown[] = [];
const logger = {
  info: (entry: unknown, message?: string) => void logged.push(message === undefined ? entry : { message, entry }),
};
const auditEvents = () =>
  logged.flatMap((l) =>
    typeof l === 'object' && l !== null && (l as { message?: string }).message === 'portcullis'
      ? [(l as { entry: AuditEvent }).entry]
      : [],
  );

const orderRows = [
  { id: 'o1', ownerId: 'alice', orgId: 'acme' },
  { id: 'o2', ownerId: 'bob', orgId: 'acme' },
  { id: 'o3', ownerId: 'carol', orgId: 'globex' },
];
const orders = {
  async findById(id: string) {
    return orderRows.find((row) => row.id === id);
  },
  async findMany(where: Record<string, string>) {
    return orderRows.filter((row) => Object.entries(where).every(([k, v]) => row[k as keyof typeof row] === v));
  },
};

/** A request as the README's handlers receive it. */
const request = (token: string) => ({ headers: { authorization: `Bearer ${token}` }, method: 'GET', url: '/' });

let issuer: TestIssuer;
let portcullis: Portcullis;
let revocation: InMemoryRevocationStore;
/** Answers the README's key set URL with the test issuer's public keys; everything else is real. */
const keySets = keySetFetch();
keySets.serve(JWKS_URI, () => issuer.jwks);
const realFetch = keySets.realFetch;

function createFromReadme() {
  // readme: getting-started-create
  const revocation = new InMemoryRevocationStore();

  const portcullis = createPortcullis({
    issuer: 'https://auth.example.com/', // the exact `iss` of your authorization server
    audience: 'https://api.example.com/orders', // this API: the token's `aud` must contain it
    jwksUri: 'https://auth.example.com/.well-known/jwks.json',
    roleHierarchy: { admin: ['support'] }, // an admin also holds `support`
    realm: 'orders',
    revocation, // consulted on every request
    audit: (event) => logger.info(event, 'portcullis'), // one event per decision, never a token
  });
  // readme-end
  return { portcullis, revocation };
}

beforeAll(async () => {
  issuer = await createTestIssuer({ issuer: ISSUER, audience: AUDIENCE, serve: 'none' });
  keySets.install();
  ({ portcullis, revocation } = createFromReadme());
});
afterAll(async () => {
  keySets.uninstall();
  await issuer.close();
});

// ---------------------------------------------------------------------------------------------

describe('the README and this file agree', () => {
  const IMPORT = /^import (type )?\{([^}]*)\} from '([^']+)';$/;
  const importedNames = importedNamesOf;

  const readme = readFileSync(README_PATH, 'utf8');
  const spec = readFileSync(SPEC_PATH, 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const specRegions = regions(spec);
  const specImports = importedNames(spec);

  it('finds the README blocks and the regions', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10);
    expect(specRegions.length).toBe(blocks.length);
  });

  it.each(blocks.map((block, index) => [index + 1, block] as const))(
    'README ts block %i is a region of this file, and its imports are imported here',
    (_index, block) => {
      const lines = block.split('\n');
      const importLines = lines.filter((l) => l.startsWith('import '));
      const body = dedent(lines.filter((l) => !l.startsWith('import ')));
      expect(specRegions.map((r) => r.body)).toContain(body);
      for (const line of importLines) {
        const match = IMPORT.exec(line);
        expect(match).not.toBeNull();
        const names = match![2]!.split(',').map((n) => n.replace(/^\s*type\s+/, '').trim());
        for (const name of names)
          expect([match![3], name, specImports.get(match![3]!)?.has(name)]).toEqual([match![3], name, true]);
      }
    },
  );

  it('has no region the README does not show', () => {
    const bodies = blocks.map((block) => dedent(block.split('\n').filter((l) => !l.startsWith('import '))));
    for (const region of specRegions) expect([region.name, bodies.includes(region.body)]).toEqual([region.name, true]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('Getting started', () => {
  it('1. creates one instance whose remote key set is the issuer’s', async () => {
    const token = await issuer.token({ sub: 'alice', scope: 'orders:read' });
    const { principal } = await portcullis.authenticateToken(token);
    expect(principal.subject).toBe('alice');
    expect(portcullis.challenge.realm).toBe('orders');
    expect(portcullis.verifier.keySetStatus()).toMatchObject({ source: 'remote', state: 'fresh' });
  });

  it('2. authenticates requests on a node:http server and answers failures per RFC 6750', async () => {
    const previousPort = process.env['PORT'];
    process.env['PORT'] = '0'; // the README listens on PORT or 3000; a test takes any free port
    // readme: getting-started-authenticate
    const server = createServer(async (req, res) => {
      const route = { method: req.method, route: '/me' };
      let auth: AuthContext | undefined;
      try {
        auth = await portcullis.authenticate(req); // bearer token → verified token → principal
        portcullis.auditDecision({ allowed: true }, auth, route);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ subject: auth.principal.subject, scopes: [...auth.principal.scopes] }));
      } catch (error) {
        portcullis.auditDecision({ allowed: false, error }, auth, route);
        const { status, headers, body } = portcullis.toHttpResponse(error); // 400/401/403/404/500/503
        res.writeHead(status, { ...headers, 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      }
    });
    server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
    // readme-end
    if (previousPort === undefined) delete process.env['PORT'];
    else process.env['PORT'] = previousPort;
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/me`;
    try {
      const token = await issuer.token({ sub: 'alice', scope: 'orders:read orders:write' });
      const ok = await realFetch(base, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ subject: 'alice', scopes: ['orders:read', 'orders:write'] });

      const missing = await realFetch(base);
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="orders"');
      expect(await missing.json()).toEqual({
        statusCode: 401,
        error: 'unauthorized',
        code: 'ERR_MISSING_TOKEN',
        message: 'Authentication required',
      });

      const expired = await realFetch(base, {
        headers: { authorization: `Bearer ${await issuer.badToken('expired')}` },
      });
      expect(expired.status).toBe(401);
      expect(expired.headers.get('www-authenticate')).toBe(
        'Bearer realm="orders", error="invalid_token", error_description="The access token expired"',
      );
      expect(expired.headers.get('cache-control')).toBe('no-store');

      const events = auditEvents().filter((e) => e.route === '/me');
      expect(events.map((e) => [e.decision, e.reason])).toEqual([
        ['allow', 'ALLOW'],
        ['deny', 'ERR_MISSING_TOKEN'],
        ['deny', 'ERR_TOKEN_EXPIRED'],
      ]);
      expect(JSON.stringify(events)).not.toContain(token);
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });

  it('3. authorizes with rules (support user with orders:read and orders:write)', async () => {
    const req = request(await issuer.token({ sub: 'sam', scope: 'orders:read orders:write', roles: ['support'] }));
    // readme: getting-started-rules
    const canReadOrders = requireScopes(['orders:read']);
    const canDeleteOrders = allOf(requireScopes(['orders:write']), requireRoles(['admin']));
    const canSeeReports = anyOf(requireRoles(['support']), requireScopes(['reports:read']));

    const { principal } = await portcullis.authenticate(req);
    portcullis.authorize(canReadOrders, { principal }); // throws ERR_INSUFFICIENT_SCOPE (403) when missing

    const decision = portcullis.decide(canDeleteOrders, { principal }); // never throws
    if (!decision.allowed) {
      logger.info({ reason: decision.reason, detail: decision.detail }, 'denied'); // ERR_FORBIDDEN, roles:any(admin): none held
    }
    const seesReports = portcullis.decide(canSeeReports, { principal }).allowed; // support, or admin via the hierarchy
    // readme-end
    expect(decision).toMatchObject({ allowed: false, reason: 'ERR_FORBIDDEN', detail: 'roles:any(admin): none held' });
    expect(logged).toContainEqual({
      message: 'denied',
      entry: { reason: 'ERR_FORBIDDEN', detail: 'roles:any(admin): none held' },
    });
    expect(seesReports).toBe(true);

    const readOnly = await portcullis.authenticate(request(await issuer.token({ scope: 'orders:write' })));
    expect(() => portcullis.authorize(canReadOrders, { principal: readOnly.principal })).toThrow(
      expect.objectContaining({ code: 'ERR_INSUFFICIENT_SCOPE', status: 403, requiredScopes: ['orders:read'] }),
    );
  });

  describe('4. ownership and 5. list scoping', () => {
    // readme: getting-started-ownership
    interface Order {
      id: string;
      ownerId: string;
      orgId: string;
    }

    const canReadOrder = allOf(
      requireScopes(['orders:read']), // principal-only rules first: their 403 never depends on the order
      requireOwnership<Order>({
        ownerOf: (order) => order.ownerId,
        tenantOf: (order) => order.orgId, // nobody crosses organisations
        allowRoles: ['support'], // support (and admin, through the hierarchy) see their org's orders
      }),
    );

    async function getOrder(principal: Principal, id: string): Promise<Order> {
      const order = await orders.findById(id); // undefined when absent
      portcullis.authorize(canReadOrder, { principal, resource: order }); // another's order = absent = 404
      return order!;
    }
    // readme-end

    // readme: getting-started-list
    async function listOrders(principal: Principal): Promise<Order[]> {
      // alice (customer of acme): { orgId: 'acme', ownerId: 'alice' }; sam (support of acme): { orgId: 'acme' }
      const where = scopeQuery(principal, { owner: 'ownerId', tenant: 'orgId', unrestrictedRoles: ['support'] });
      return orders.findMany(where);
    }
    // readme-end

    const as = async (sub: string, roles: string[], org_id: string) =>
      (await portcullis.authenticateToken(await issuer.token({ sub, roles, org_id, scope: 'orders:read' }))).principal;

    it('4. owners read their order; another user’s, another org’s and a missing order are the same 404', async () => {
      const alice = await as('alice', ['customer'], 'acme');
      await expect(getOrder(alice, 'o1')).resolves.toMatchObject({ id: 'o1' });
      for (const id of ['o2', 'o3', 'nope']) {
        await expect(getOrder(alice, id)).rejects.toMatchObject({ code: 'ERR_NOT_FOUND', status: 404 });
      }
      const ada = await as('ada', ['admin'], 'acme'); // admin ⊇ support: every acme order, no globex one
      await expect(getOrder(ada, 'o2')).resolves.toMatchObject({ id: 'o2' });
      await expect(getOrder(ada, 'o3')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    });

    it('5. lists only what the caller may see', async () => {
      expect(await listOrders(await as('alice', ['customer'], 'acme'))).toEqual([orderRows[0]]);
      expect(await listOrders(await as('sam', ['support'], 'acme'))).toEqual([orderRows[0], orderRows[1]]);
      expect(await listOrders(await as('carol', ['customer'], 'globex'))).toEqual([orderRows[2]]);
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('Recipes', () => {
  it('revocation: logout revokes the presented token; an admin revokes every token of a subject', async () => {
    const sub = 'bob';
    const presented = await issuer.token({ sub: 'alice' });
    const bobsOther = await issuer.token({ sub });
    const req = request(presented);
    // readme: recipe-revocation
    // POST /sessions/logout: the presented token stops working now
    const { principal } = await portcullis.authenticate(req);
    revocation.revokeToken(principal.tokenId!, principal.expiresAt!);

    // POST /admin/users/:sub/revoke-tokens: every token of `sub` issued up to this second
    const now = Math.floor(Date.now() / 1000);
    revocation.revokeSubject(sub, now, now + 86_400); // kept a day: maxTokenLifetime, no older token outlives it
    // readme-end
    await expect(portcullis.authenticate(req)).rejects.toMatchObject({ code: 'ERR_TOKEN_REVOKED' });
    await expect(portcullis.authenticateToken(bobsOther)).rejects.toMatchObject({ code: 'ERR_TOKEN_REVOKED' });
    await expect(portcullis.authenticateToken(await issuer.token({ sub: 'alice' }))).resolves.toBeDefined();
  });

  it('ABAC: clearance against sensitivity, during business hours', async () => {
    const token = await issuer.token({ scope: 'reports:read', clearance: 3 });
    const { principal } = await portcullis.authenticateToken(token);
    const report = { sensitivity: 2 };
    const requestTime = new Date('2030-01-07T10:00:00Z');
    // readme: recipe-abac
    interface Report {
      sensitivity: number;
    }

    const canReadReport = allOf(
      requireScopes(['reports:read']),
      policy<Report>('clearance', ({ principal, resource }) => {
        const clearance = principal.claims['clearance']; // a custom claim
        return typeof clearance === 'number' && resource !== undefined && clearance >= resource.sensitivity;
      }),
      policy('business-hours', ({ now }) => now.getUTCHours() >= 8 && now.getUTCHours() < 18),
    );

    portcullis.authorize(canReadReport, { principal, resource: report, environment: { now: requestTime } });
    // readme-end
    const at = (iso: string, sensitivity: number) =>
      portcullis.decide(canReadReport, { principal, resource: { sensitivity }, environment: { now: new Date(iso) } });
    expect(at('2030-01-07T20:00:00Z', 2)).toMatchObject({ allowed: false, reason: 'ERR_FORBIDDEN' });
    expect(at('2030-01-07T10:00:00Z', 4)).toMatchObject({ allowed: false, reason: 'ERR_FORBIDDEN' });
  });

  it('own claim mapping: nested and bracketed claim paths, with a hierarchy', async () => {
    const claims = {
      iss: ISSUER,
      sub: 'alice',
      roles: ['customer'],
      realm_access: { roles: ['admin'] },
      'https://example.com/roles': ['auditor'],
      org: { id: 'acme' },
    };
    // readme: recipe-claims-mapping
    const mapping = {
      ...CLAIMS_PRESETS.rfc9068,
      roles: ['roles', 'realm_access.roles', '[https://example.com/roles]'], // dotted names in brackets
      tenant: 'org.id', // a nested claim: { "org": { "id": "acme" } }
    };
    const toPrincipal = createPrincipalMapper(mapping, { roleHierarchy: { admin: ['support'] } });
    const mapped = toPrincipal(claims); // what createPortcullis({ claims: mapping, roleHierarchy }) does
    // readme-end
    expect(mapped.grantedRoles).toEqual(['customer', 'admin', 'auditor']);
    expect(mapped.roles.has('support')).toBe(true);
    expect(mapped.tenant).toBe('acme');

    const viaPortcullis = createPortcullis({ ...issuer.verifierOptions(), claims: mapping });
    const token = await issuer.token({ realm_access: { roles: ['admin'] }, org: { id: 'acme' } });
    expect((await viaPortcullis.authenticateToken(token)).principal).toMatchObject({ tenant: 'acme' });
  });

  it('verifier alone: verify, log the hash, answer failures', async () => {
    const answers: Array<{ status: number; headers: Readonly<Record<string, string>>; body: string }> = [];
    const res = {
      writeHead: (status: number, headers: Readonly<Record<string, string>>) => ({
        end: (body: string) => void answers.push({ status, headers, body }),
      }),
    };
    for (const token of [await issuer.token({ sub: 'alice' }), 'not-a-token']) {
      const req = request(token);
      // readme: recipe-verifier
      const verifier = createAccessTokenVerifier({
        issuer: 'https://auth.example.com/',
        audience: 'https://api.example.com/orders',
        jwksUri: 'https://auth.example.com/.well-known/jwks.json',
      });

      try {
        const { claims, tokenHash } = await verifier.verify(extractBearerToken(req));
        logger.info({ sub: claims.sub, token: tokenHash }, 'verified'); // log the hash, never the token
      } catch (error) {
        const { status, headers, body } = toHttpResponse(error, { realm: 'orders' });
        res.writeHead(status, headers).end(JSON.stringify(body));
      }
      // readme-end
    }
    expect(logged).toContainEqual({
      message: 'verified',
      entry: { sub: 'alice', token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) },
    });
    expect(answers).toEqual([
      {
        status: 401,
        headers: {
          'cache-control': 'no-store',
          'www-authenticate':
            'Bearer realm="orders", error="invalid_token", error_description="The access token is malformed"',
        },
        body: expect.stringContaining('"code":"ERR_MALFORMED_TOKEN"'),
      },
    ]);
  });

  it('keys: status, reload, and a fixed PEM key', async () => {
    const es256 = issuer.jwks.keys.find((k) => k.alg === 'ES256')!;
    process.env['AUTH_PUBLIC_KEY_PEM'] = createPublicKey({ key: es256, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    await portcullis.authenticateToken(await issuer.token()); // the key set has been fetched once
    try {
      // readme: recipe-keys
      // GET /health: the key set's state, without calling the key server
      const keys = portcullis.verifier.keySetStatus(); // { source: 'remote', state: 'fresh', keyCount, fetchedAt }

      // After a signing-key compromise: drop cached keys and verified tokens, fetch the key set now
      await portcullis.verifier.reloadKeys();

      // A fixed public key instead of a JWKS URL (SPKI PEM or an X.509 certificate)
      const offline = createPortcullis({
        issuer: 'https://auth.example.com/',
        audience: 'https://api.example.com/orders',
        keys: [{ kind: 'pem', pem: process.env.AUTH_PUBLIC_KEY_PEM!, alg: 'ES256' }],
      });
      // readme-end
      expect(keys).toMatchObject({ source: 'remote', state: 'fresh', keyCount: issuer.jwks.keys.length });
      expect(portcullis.verifier.keySetStatus().state).toBe('fresh');
      const { principal } = await offline.authenticateToken(await issuer.token({ sub: 'alice' }, { alg: 'ES256' }));
      expect(principal.subject).toBe('alice');
      // Only that key: an RS256 token of the same issuer finds no key.
      await expect(offline.authenticateToken(await issuer.token({}, { alg: 'RS256' }))).rejects.toMatchObject({
        code: 'ERR_KEY_NOT_FOUND',
      });
    } finally {
      delete process.env['AUTH_PUBLIC_KEY_PEM'];
    }
  });

  it('protected-resource metadata: the challenge points at the document, served without a token', async () => {
    // readme: recipe-resource-metadata
    const metadata = createProtectedResourceMetadata({
      resource: 'https://api.example.com/orders', // this API's identifier: the `aud` its tokens carry
      authorizationServers: ['https://auth.example.com/'],
      scopesSupported: ['orders:read', 'orders:write'],
      resourceName: 'Orders API',
    });
    // metadata.path: '/.well-known/oauth-protected-resource/orders' (inserted before the resource's path)
    const api = createPortcullis({
      issuer: 'https://auth.example.com/',
      audience: metadata.resource,
      jwksUri: 'https://auth.example.com/.well-known/jwks.json',
      resourceMetadata: metadata.url, // every 401 challenge points clients at the document
    });

    const server = createServer(async (req, res) => {
      // The document is public: serve it before authentication, on the API's own origin.
      if (req.method === 'GET' && req.url === metadata.path) return void res.writeHead(200, metadata.headers).end(metadata.body);
      try {
        const { principal } = await api.authenticate(req);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ subject: principal.subject }));
      } catch (error) {
        const { status, headers, body } = api.toHttpResponse(error);
        res.writeHead(status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(body));
      }
    });
    // readme-end
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const missing = await realFetch(`${origin}/orders`);
      expect(missing.status).toBe(401);
      const challenge = missing.headers.get('www-authenticate')!;
      expect(challenge).toBe(
        'Bearer realm="api", resource_metadata="https://api.example.com/.well-known/oauth-protected-resource/orders"',
      );
      // A client follows the URL (here on the test server's origin) and checks `resource` (RFC 9728 §3.3).
      const advertised = new URL(/resource_metadata="([^"]+)"/.exec(challenge)![1]!);
      const document = await realFetch(`${origin}${advertised.pathname}`);
      expect(document.status).toBe(200);
      expect(document.headers.get('content-type')).toBe('application/json');
      expect(await document.json()).toEqual({
        resource: 'https://api.example.com/orders',
        authorization_servers: ['https://auth.example.com/'],
        scopes_supported: ['orders:read', 'orders:write'],
        bearer_methods_supported: ['header'],
        resource_name: 'Orders API',
      });
      const ok = await realFetch(`${origin}/orders`, { headers: { authorization: `Bearer ${await issuer.token({ sub: 'alice' })}` } });
      expect(await ok.json()).toEqual({ subject: 'alice' });
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });

  it('tests with real tokens from @portcullis/testing', async () => {
    // readme: recipe-testing
    const issuer = await createTestIssuer(); // real keys, a JWKS on 127.0.0.1, a shared clock
    const testPortcullis = createPortcullis({ ...issuer.verifierOptions(), roleHierarchy: { admin: ['support'] } });
    const token = await issuer.token({ sub: 'alice', scope: 'orders:read', roles: ['customer'], org_id: 'acme' });
    const { principal: alice } = await testPortcullis.authenticateToken(token);
    await issuer.close();
    // readme-end
    expect(alice).toMatchObject({ subject: 'alice', tenant: 'acme', kind: 'user' });
  });
});

// ---------------------------------------------------------------------------------------------

describe('README tables match the code', () => {
  const readme = readFileSync(README_PATH, 'utf8');
  /** The cells of the table row whose first cell is `name` in backticks. */
  const row = (name: string): string[] => {
    const line = readme.split('\n').find((l) => l.startsWith(`| \`${name}\``) && /^\|\s*`[^`]+`\s*\|/.test(l));
    if (line === undefined) throw new Error(`README has no table row for ${name}`);
    // Split on unescaped pipes only (`\|` is a pipe inside a cell).
    const cells = line
      .split(/(?<!\\)\|/)
      .slice(1, -1)
      .map((c) => c.trim().replaceAll('\\|', '|'));
    if (cells[0] !== `\`${name}\``) throw new Error(`README has no table row for ${name}`);
    return cells;
  };
  const code = (value: string) => `\`${value}\``;
  const list = (values: readonly string[]) => code(`[${values.map((v) => `'${v}'`).join(', ')}]`);

  // Compile-time exhaustive (test-support/option-keys.ts): a new option without an entry there does
  // not typecheck, and the test below then requires a README row for it.
  const VERIFIER_OPTIONS = VERIFIER_OPTION_KEYS;
  const REMOTE_OPTIONS: Readonly<Record<keyof RemoteJwksOptions, true>> = REMOTE_JWKS_OPTIONS;
  const OWN_OPTIONS: Record<Exclude<keyof PortcullisOptions, keyof VerifierOptions>, readonly string[]> = {
    claims: ['claims'],
    roleHierarchy: ['roleHierarchy'],
    claimsClientId: ['claimsClientId'],
    realm: ['realm'],
    resourceMetadata: ['resourceMetadata'],
    bearer: ['bearer.allowQuery', 'bearer.allowBody'],
    audit: ['audit'],
  };

  it('documents every option', () => {
    for (const name of Object.keys(VERIFIER_OPTIONS)) expect(row(name)).toBeDefined();
    for (const name of Object.keys(REMOTE_OPTIONS)) expect(row(`remoteJwks.${name}`)).toBeDefined();
    for (const names of Object.values(OWN_OPTIONS)) for (const name of names) expect(row(name)).toBeDefined();
  });

  it('states the defaults the code applies', () => {
    const resolved = validateVerifierOptions({ issuer: ISSUER, audience: AUDIENCE, jwksUri: JWKS_URI });
    expect(row('algorithms')[1]).toBe(list(resolved.policy.algorithmList));
    expect(row('typ')[1]).toBe(code(`'${'at+jwt'}'`));
    expect(resolved.policy.typ).toBe('application/at+jwt');
    expect(row('requiredClaims')[1]).toBe(list(resolved.requiredClaims));
    expect(row('audienceClaim')[1]).toBe(code(`'${resolved.audienceClaim}'`));
    expect(row('clockTolerance')[1]).toBe(code(String(resolved.clockTolerance)));
    expect(row('maxTokenAge')[1]).toBe(
      resolved.maxTokenAge === undefined ? 'none' : code(String(resolved.maxTokenAge)),
    );
    expect(row('maxTokenLifetime')[1]).toBe(code(String(resolved.maxTokenLifetime)));
    expect(row('maxTokenSize')[1]).toBe(code(String(resolved.policy.maxTokenSize)));
    expect(row('cache')[1]).toBe(code(`{ maxEntries: ${resolved.cacheMaxEntries} }`));
    expect(row('revocationTimeout')[1]).toBe(code(String(resolved.revocationTimeout)));
    for (const [name, value] of Object.entries(REMOTE_JWKS_DEFAULTS)) {
      expect([name, row(`remoteJwks.${name}`)[1]]).toEqual([name, code(String(value))]);
    }
    expect(
      validateVerifierOptions({ issuer: ISSUER, audience: 'c', audienceClaim: 'client_id', jwksUri: JWKS_URI })
        .requiredClaims,
    ).toEqual(resolved.requiredClaims.filter((c) => c !== 'aud'));
  });

  it('states the PortcullisOptions defaults the code applies', async () => {
    const instance = createPortcullis({ ...issuer.verifierOptions() });
    expect(row('realm')[1]).toBe(code(`'${instance.challenge.realm}'`));
    expect(row('claims')[1]).toBe(code(`'rfc9068'`));
    // The default mapping is the rfc9068 preset: scope, roles, org_id, client_id.
    const token = await issuer.token({ sub: 's', scope: 'a b', roles: ['r'], org_id: 't', client_id: 'c' });
    expect((await instance.authenticateToken(token)).principal).toMatchObject({ tenant: 't', clientId: 'c' });
    expect(row('bearer.allowQuery')[1]).toBe(code('false'));
    expect(row('bearer.allowBody')[1]).toBe(code('false'));
    await expect(instance.authenticate({ headers: {}, url: `/?access_token=${token}` })).rejects.toMatchObject({
      code: 'ERR_INVALID_REQUEST',
    });
  });

  it.each(Object.keys(ERROR_CATALOG) as PortcullisErrorCode[])(
    'documents %s with its status, body error and exact challenge',
    (codeName) => {
      const error = new PortcullisError(
        codeName,
        codeName === 'ERR_INSUFFICIENT_SCOPE' ? { requiredScopes: ['orders:write'] } : {},
      );
      const answer = toHttpResponse(error, { realm: 'orders' });
      const [, status, bodyError, challenge] = row(codeName);
      expect(status).toBe(String(ERROR_CATALOG[codeName].status));
      expect(bodyError).toBe(code(answer.body.error));
      const expected = buildChallenge(error, { realm: 'orders' });
      if (expected === undefined) expect(challenge).toMatch(/^none\b/);
      else expect(challenge).toBe(code(expected));
      if (answer.headers['retry-after'] !== undefined) expect(challenge).toContain('Retry-After');
    },
  );
});
