// Every code fragment of docs/guides/testing-your-api.md and packages/testing/README.md that is not
// a whole example file, run here verbatim (guide-examples.spec.ts checks that each fragment's lines
// appear in this file, and that the names it imports exist), against the guide's Express app and
// the Nest example app. A fragment's `// get(token) → 401 …` comment is checked right after it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { InMemoryRevocationStore } from '@portcullis/express';
import {
  asPrincipal,
  authorizationMatrix,
  BAD_TOKEN_KINDS,
  createTestIssuer,
  listenForTest,
  portcullisTestingOptions,
} from '@portcullis/testing/express';
import type { AuthorizationMatrixOptions, TestIssuer, TestServer } from '@portcullis/testing/express';
import {
  listenForTest as listenNestForTest,
  overridePortcullis,
  PortcullisTestingModule,
} from '@portcullis/testing/nest';
import request from 'supertest';
import { AppModule } from '../../../../../examples/nest-orders-testing/src/app.module.js';
import { AUTHORIZATION as NEST_AUTHORIZATION } from '../../../../../examples/nest-orders-testing/src/authorization.js';
import { OrdersController } from '../../../../../examples/nest-orders-testing/src/orders.controller.js';
// The guide's Express app is the outside example's (examples/express-orders-testing).
import { createApp } from '../../../../../examples/express-orders-testing/src/app.js';
import { AUTHORIZATION } from '../../../../../examples/express-orders-testing/src/authorization.js';

const claims = { sub: 'alice', scope: 'orders:read', roles: ['customer'], org_id: 'acme' };
const open: { close(): Promise<void> }[] = [];
const track = <T extends { close(): Promise<void> }>(resource: T): T => {
  open.push(resource);
  return resource;
};

/** The guide's Express app trusting `issuer`, and `get(token)`: GET /orders with that bearer token. */
async function appFor(issuer: TestIssuer, extra: object = {}) {
  const server = track(
    await listenForTest(createApp(portcullisTestingOptions(issuer, { ...AUTHORIZATION, audit: () => {}, ...extra }))),
  );
  const get = (token?: string) =>
    fetch(`${server.url}/orders`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(5000),
    });
  return { server, get };
}

const outcome = async (res: Response) => [res.status, ((await res.json()) as { code?: string }).code];

afterEach(async () => {
  for (const resource of open.splice(0).reverse()) await resource.close();
});

describe('guide', () => {
  it('the local issuer in five lines', async () => {
    const issuer = await createTestIssuer(); // ES256, RS256 and EdDSA keys; JWKS at http://127.0.0.1:<port>/jwks
    issuer.verifierOptions(); // { issuer, audience, jwksUri, now }: what your app must trust
    await issuer.token({ sub: 'alice', scope: 'orders:read', roles: ['customer'], org_id: 'acme' });
    await issuer.badToken('expired'); // or 'wrong-audience', 'alg-none', 'wrong-typ', 'unknown-kid' …
    await issuer.close(); // in afterAll
    expect(Object.keys(issuer.verifierOptions()).sort()).toEqual(['audience', 'issuer', 'jwksUri', 'now']);
    expect(issuer.jwks.keys.map((k) => k.alg)).toEqual(['ES256', 'RS256', 'EdDSA']);
  });

  describe('the matrix and the principals', () => {
    let issuer: TestIssuer;
    let server: TestServer;
    let table: AuthorizationMatrixOptions<'alice' | 'bob' | 'anonymous'>;
    beforeAll(async () => {
      issuer = await createTestIssuer();
      server = await listenForTest(createApp(portcullisTestingOptions(issuer, { ...AUTHORIZATION, audit: () => {} })));
      table = {
        baseUrl: server.url,
        issuer,
        principals: { alice: claims, bob: { ...claims, sub: 'bob' }, anonymous: null },
        routes: ['GET /orders', { method: 'GET', path: '/orders/:id', params: { id: 'ord-alice-1' } }],
        expect: {
          'GET /orders': { alice: 200, anonymous: 401 },
          'GET /orders/:id': { alice: 200, bob: '404 ERR_NOT_FOUND', anonymous: 401 },
        },
      };
    });
    afterAll(async () => {
      await server?.close();
      await issuer?.close();
    });

    it('authorizationMatrix(options)', async () => {
      const { baseUrl, principals, routes, expect: expected } = table;
      await (async (expect) => {
        const result = await authorizationMatrix({ baseUrl, issuer, principals, routes, expect });
        return result;
      })(expected).then((result) => expect(result.ok).toBe(true));
    });

    it('toMarkdown() for CI', async () => {
      const written = new Map<string, string>();
      const writeFile = async (path: string, text: string) => void written.set(path, text);
      const result = await authorizationMatrix({ ...table, throwOnMismatch: false });
      await writeFile('access-table.md', result.toMarkdown());
      expect(result.mismatches).toEqual([]);
      expect(written.get('access-table.md')).toMatch(/^\| route \| alice \| bob \| anonymous \|/);
    });

    it('asPrincipal', async () => {
      const alice = asPrincipal(issuer, { sub: 'alice', scope: 'orders:read', roles: ['customer'], org_id: 'acme' });

      await alice.fetch(`${server.url}/orders`); // fetch with 'Authorization: Bearer <fresh token>'
      await alice.token(); // a fresh token; alice.token({ alg: 'RS256' }) for another key
      await alice.authorization(); // 'Bearer …'
      await alice.headers(); // { authorization: 'Bearer …' }
      alice.with({ scope: 'orders:write' }); // the same caller with other claims (undefined removes one)
      expect((await alice.fetch(`${server.url}/orders`)).status).toBe(200);
      expect((await alice.authorization()).startsWith('Bearer ')).toBe(true);
      expect(alice.with({ scope: 'orders:write' }).claims).toMatchObject({ sub: 'alice', scope: 'orders:write' });
    });
  });

  describe('recipe: every way a token can be wrong', () => {
    let issuer: TestIssuer;
    let server: TestServer;
    const get = (token?: string) =>
      fetch(`${server.url}/orders`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(5000),
      });
    beforeAll(async () => {
      issuer = await createTestIssuer();
      server = await listenForTest(createApp(portcullisTestingOptions(issuer, { ...AUTHORIZATION, audit: () => {} })));
    });
    afterAll(async () => {
      await server?.close();
      await issuer?.close();
    });

    it.each(BAD_TOKEN_KINDS.filter((kind) => kind !== 'revoked-shape' && kind !== 'b64-false'))(
      'refuses a %s token',
      async (kind) => {
        const res = await get(await issuer.badToken(kind, { scope: 'orders:read' }));
        expect(res.status).toBe(401);
      },
    );
  });

  it('recipe: expiry without waiting', async () => {
    const issuer = track(await createTestIssuer({ now: Date.parse('2030-01-01T00:00:00Z') }));
    const { get } = await appFor(issuer);
    expect((await get(await issuer.token(claims))).status).toBe(200);
    await (async () => {
      const issuer = await createTestIssuer({ now: Date.parse('2030-01-01T00:00:00Z') });
      const token = await issuer.token(claims); // exp = now + 300 s
      issuer.clock.advance(306);
      // get(token) → 401 ERR_TOKEN_EXPIRED
      const { get } = await appFor(track(issuer));
      expect(await outcome(await get(token))).toEqual([401, 'ERR_TOKEN_EXPIRED']);
    })();
  });

  it('recipe: revocation', async () => {
    const issuer = track(await createTestIssuer());
    const revocation = new InMemoryRevocationStore(); // from @portcullis/nest or @portcullis/express
    // Nest: overridePortcullis(builder, issuer, { ...AUTHORIZATION, revocation })
    // Express: createApp(portcullisTestingOptions(issuer, { ...AUTHORIZATION, revocation }))
    const token = await issuer.token({ ...claims, jti: 'logout-1' });
    revocation.revokeToken('logout-1', Math.floor(issuer.clock.now() / 1000) + 300);
    // get(token) → 401 ERR_TOKEN_REVOKED
    const { get } = await appFor(issuer, { revocation });
    expect(await outcome(await get(token))).toEqual([401, 'ERR_TOKEN_REVOKED']);
    expect((await get(await issuer.token(claims))).status).toBe(200);
  });

  it('recipe: key rotation', async () => {
    const issuer = track(await createTestIssuer({ now: Date.parse('2030-01-01T00:00:00Z') }));
    const { get } = await appFor(issuer);
    expect((await get(await issuer.token(claims))).status).toBe(200); // the app caches the key set
    await issuer.addKey('ES256'); // 'es256-2', served at once; new tokens are signed with it
    issuer.clock.advance(31); // past the 30 s refetch cooldown: a token with the new kid makes the app refetch
    issuer.removeKey('es256-1'); // no longer served…
    issuer.clock.advance(601); // …and the app's cached key set (10 min) has expired
    // get(await issuer.token(claims, { kid: 'es256-1' })) → 401 ERR_KEY_NOT_FOUND
    expect((await get(await issuer.token(claims))).status).toBe(200); // es256-2, fetched with the new set
    expect(await outcome(await get(await issuer.token(claims, { kid: 'es256-1' })))).toEqual([
      401,
      'ERR_KEY_NOT_FOUND',
    ]);
  });
});

describe('README', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer();
  });
  afterAll(() => issuer?.close());

  it('Nest', async () => {
    const AUTHORIZATION = { ...NEST_AUTHORIZATION, audit: () => {} };
    const listenForTest = listenNestForTest;
    // A whole app: its PortcullisModule (forRoot or forRootAsync) now trusts the test issuer.
    const moduleRef = await overridePortcullis(
      Test.createTestingModule({ imports: [AppModule] }),
      issuer,
      AUTHORIZATION,
    ).compile();
    const server = await listenForTest(moduleRef.createNestApplication()); // http://127.0.0.1:<port>

    // Or a small module around one controller.
    Test.createTestingModule({
      imports: [PortcullisTestingModule.forIssuer(issuer, AUTHORIZATION)],
      controllers: [OrdersController],
    });
    track(server);
    const alice = asPrincipal(issuer, { sub: 'alice', scope: 'orders:read', roles: ['customer'], org_id: 'acme' });
    expect((await alice.fetch(`${server.url}/orders`)).status).toBe(200);
    expect((await fetch(`${server.url}/orders`, { signal: AbortSignal.timeout(5000) })).status).toBe(401);
  });

  it('Express', async () => {
    const app = createApp(portcullisTestingOptions(issuer, { ...AUTHORIZATION, publicPaths: ['/health'] })); // app.use(portcullis(options)) inside
    const server = await listenForTest(app); // { url, server, close() }, closes keep-alive sockets too
    track(server);
    expect((await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(5000) })).status).toBe(200);
    expect((await asPrincipal(issuer, claims).fetch(`${server.url}/orders`)).status).toBe(200);
  });

  it('asPrincipal', async () => {
    const server = track(
      await listenForTest(createApp(portcullisTestingOptions(issuer, { ...AUTHORIZATION, audit: () => {} }))),
    );
    const alice = asPrincipal(issuer, { sub: 'alice', scope: 'orders:read', roles: ['customer'], org_id: 'acme' });
    await alice.fetch(`${server.url}/orders`); // fetch + Authorization: Bearer <fresh token> (10 s time limit, no redirects)
    await alice.headers(); // { authorization: 'Bearer …' } for supertest's .set()
    alice.with({ scope: 'orders:write' }); // same caller, other claims
    await request(server.url)
      .get('/orders')
      .set(await alice.headers())
      .expect(200);
  });

  it('authorizationMatrix', async () => {
    const server = track(
      await listenForTest(createApp(portcullisTestingOptions(issuer, { ...AUTHORIZATION, audit: () => {} }))),
    );
    const aliceOrderId = 'ord-alice-1';
    await authorizationMatrix({
      baseUrl: server.url,
      issuer,
      principals: {
        alice: { sub: 'alice', scope: 'orders:read', org_id: 'acme' },
        bob: { sub: 'bob', scope: 'orders:read', org_id: 'acme' },
        anonymous: null,
      },
      routes: [{ method: 'GET', path: '/orders/:id', params: { id: aliceOrderId } }],
      expect: { 'GET /orders/:id': { alice: 200, bob: '404 ERR_NOT_FOUND', anonymous: 401 } },
    });
  });

  it('a key server outage before the first request', async () => {
    const issuer = track(await createTestIssuer());
    const app = createApp(portcullisTestingOptions(issuer, { ...AUTHORIZATION, audit: () => {} }));
    issuer.jwksServer.mode('down'); // before the app's first request
    await request(app)
      .get('/orders')
      .set('Authorization', `Bearer ${await issuer.token()}`)
      .expect(503);
    issuer.jwksServer.mode('ok');
  });
});
