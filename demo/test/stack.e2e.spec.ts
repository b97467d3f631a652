import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import { asOrder, asOrderPage, errorCode } from '../src/api/order-json.js';
import { recordingNarrator } from '../src/narration/narrator.js';
import { DEV_CLIENT_SECRETS } from '../src/oauth/stack-clients.js';
import { DEFAULT_PAUSE_MS, runDemo } from '../src/run-demo.js';
import { createDemoContext, DemoCheckFailed, SEED_PASSWORD, type DemoContext } from '../src/scenarios/demo-context.js';
import {
  adminDeleteScenario,
  aliceSignsInScenario,
  badTokensScenario,
  fulfilmentServiceScenario,
  insufficientScopeScenario,
  logoutScenario,
  otherPeoplesOrdersScenario,
  refreshRotationScenario,
  SCENARIOS,
} from '../src/scenarios/index.js';
import { discoverResource } from '../src/scenarios/discover-resource.js';
import { INSUFFICIENT_SCOPE_CHALLENGE } from '../src/scenarios/insufficient-scope.scenario.js';
import { loadConfig as loadAuthConfig } from '../../apps/auth-server/src/config.js';
import { createAuthServer, type AuthServer } from '../../apps/auth-server/src/create-auth-server.js';
import { startTestStack, type TestStack } from './support/start-stack.js';

const ORDERS_API = 'https://api.portcullis.test/orders';
/** What every challenge of the orders API ends with (RFC 9728 §5.1), written out. */
const METADATA = ', resource_metadata="https://api.portcullis.test/.well-known/oauth-protected-resource/orders"';
/** Anything shaped like a compact JWS: a whole token on screen. */
const WHOLE_JWT = /eyJ[\w-]{4,}\.eyJ[\w-]{4,}\.[\w-]{10,}/;

// Both reference apps in this process on 127.0.0.1: the auth server (oidc-provider, fresh keys)
// and the orders API (in-memory PGlite, seeded), with real clocks: the expired-token step waits.
// Every scenario of `npm run demo` runs against them with extra assertions, then the whole demo
// runs again on the same stack (it must be repeatable), and against a broken API it must fail.
describe('the demo scenarios against the reference stack', () => {
  let stack: TestStack;
  let ctx: DemoContext;
  const narrator = recordingNarrator();

  beforeAll(async () => {
    stack = await startTestStack();
    ctx = await createDemoContext({ authUrl: stack.authUrl, apiUrl: stack.apiUrl, narrator });
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  }, 30_000);

  describe('scenario by scenario, then the whole demo', () => {
    // The API runs with its default rate limits (as `npm start` does): paced like `npm run demo`.
    beforeEach(() => new Promise((resolve) => setTimeout(resolve, DEFAULT_PAUSE_MS)));

    it('1. fulfilment-service: client credentials token → GET and POST fulfil on an internal order', async () => {
      const result = await fulfilmentServiceScenario.run(ctx);
      expect(decodeJwt(result.serviceToken)).toMatchObject({
        sub: 'fulfilment-service',
        client_id: 'fulfilment-service',
        aud: ORDERS_API,
        scope: 'orders:fulfil',
      });
      expect(result.read.status).toBe(200);
      expect(asOrder(result.read.body)).toMatchObject({ id: result.orderId, status: 'pending' });
      expect(asOrder(result.fulfil.body)).toMatchObject({ id: result.orderId, status: 'fulfilled' });
      expect(result.read.body).not.toHaveProperty('riskScore');
      expect(result.customerRoute.status).toBe(403);
    });

    it('2. alice signs in with code + PKCE, sees only her orders, and places one', async () => {
      const result = await aliceSignsInScenario.run(ctx);
      expect(result.session.claims).toMatchObject({
        sub: 'alice',
        client_id: 'orders-web',
        org_id: 'acme',
        roles: ['customer'],
        aud: ORDERS_API,
      });
      const orders = asOrderPage(result.list.body)!;
      expect(orders.length).toBeGreaterThan(0);
      expect(new Set(orders.map((o) => o.ownerId))).toEqual(new Set(['alice']));
      expect(result.created).toMatchObject({ ownerId: 'alice', orgId: 'acme', status: 'pending', totalCents: 900 });
      expect(result.smuggled.status).toBe(400);
    });

    it("3. alice gets 404 for bob's order and for carol's (another org), like for an absent order", async () => {
      const result = await otherPeoplesOrdersScenario.run(ctx);
      expect([result.bobs.status, result.carols.status, result.absent.status]).toEqual([404, 404, 404]);
      expect(errorCode(result.bobs.body)).toBe('ERR_NOT_FOUND');
      expect(result.bobs.body).toEqual(result.absent.body);
      expect(result.carols.body).toEqual(result.absent.body);
    });

    it('4. a token without orders:write gets 403 with the exact insufficient_scope challenge', async () => {
      const result = await insufficientScopeScenario.run(ctx);
      expect(result.scope).toBe('orders:read');
      expect(result.read.status).toBe(200);
      expect(result.create.status).toBe(403);
      expect(result.create.wwwAuthenticate).toBe(INSUFFICIENT_SCOPE_CHALLENGE);
      expect(result.create.wwwAuthenticate).toBe(
        `Bearer realm="orders", error="insufficient_scope", error_description="The access token lacks a required scope", scope="orders:write"${METADATA}`,
      );
    });

    it('5. refresh rotation: R1 → R2; reusing R1 is invalid_grant and revokes R2', async () => {
      const result = await refreshRotationScenario.run(ctx);
      expect(result.r2).not.toBe(result.r1);
      expect(result.withNewAccessToken.status).toBe(200);
      expect(result.reuseError).toBe('invalid_grant');
      expect(result.afterReuseError).toBe('invalid_grant');
    });

    it('6. logout revokes the presented token only: 401 invalid_token for it, 200 for another session', async () => {
      const result = await logoutScenario.run(ctx);
      expect([result.before.status, result.logout.status, result.after.status, result.otherSession.status]).toEqual([
        200, 204, 401, 200,
      ]);
      expect(result.after.wwwAuthenticate).toBe(
        `Bearer realm="orders", error="invalid_token", error_description="The access token was revoked"${METADATA}`,
      );
    });

    it('7. no token (then RFC 9728 discovery), tampered, foreign-signed and expired tokens get 401 (expired: a 3 s token, waited out)', async () => {
      const result = await badTokensScenario.run(ctx);
      expect(result.missing.wwwAuthenticate).toBe(`Bearer realm="orders"${METADATA}`);
      // Discovery asked the API it runs as (127.0.0.1), not the advertised origin.
      expect(result.discovery.metadataUrl).toBe(
        'https://api.portcullis.test/.well-known/oauth-protected-resource/orders',
      );
      expect(result.discovery.answer.status).toBe(200);
      expect(result.discovery.answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(result.discovery.metadata).toEqual({
        resource: ORDERS_API,
        authorization_servers: [stack.authUrl],
        scopes_supported: ['orders:read', 'orders:write', 'orders:fulfil'],
        bearer_methods_supported: ['header'],
        resource_name: 'Portcullis orders API',
      });
      expect(errorCode(result.tampered.body)).toBe('ERR_SIGNATURE_INVALID');
      expect(errorCode(result.foreign.body)).toBe('ERR_SIGNATURE_INVALID');
      expect(result.expired.before.status).toBe(200);
      expect(result.expired.after.status).toBe(401);
      expect(result.expired.after.wwwAuthenticate).toBe(
        `Bearer realm="orders", error="invalid_token", error_description="The access token expired"${METADATA}`,
      );
    });

    it('7b. refuses to wait out a token that is not short-lived (the step fails at once, naming why)', async () => {
      // fulfilment-service's tokens live 15 minutes: the expiry step must not sit for them.
      const longLived: DemoContext = { ...ctx, clients: { ...ctx.clients, shortLived: ctx.clients.fulfilment } };
      // (Without the check the scenario would wait ~15 minutes and the test's timeout would fail it.)
      const failure = await badTokensScenario.run(longLived).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(DemoCheckFailed);
      expect((failure as Error).message).toMatch(/the token lives 900 s .*more than 30 s/);
    }, 60_000);

    it('8. admin ada deletes an order of her org; support sam gets 403; no role crosses an org', async () => {
      const result = await adminDeleteScenario.run(ctx);
      expect(result.supportRead.status).toBe(200);
      expect(result.supportRead.body).toHaveProperty('riskScore');
      expect(result.supportDelete.status).toBe(403);
      expect(result.adminDelete.status).toBe(204);
      expect(result.afterDelete.status).toBe(404);
      expect(result.adminOtherOrg.status).toBe(404);
    });

    it('runs the whole demo again on the same stack: every scenario passes (the demo is repeatable)', async () => {
      const again = recordingNarrator();
      const report = await runDemo({
        authUrl: stack.authUrl,
        apiUrl: stack.apiUrl,
        narrator: again,
      });
      expect(report.outcomes.map((o) => [o.id, o.passed, o.error])).toEqual(
        SCENARIOS.map((s) => [s.id, true, undefined]),
      );
      expect(report.ok).toBe(true);
      expect(again.lines.at(-1)).toContain('all 8 scenarios behaved as the contract says');
    }, 60_000);
  });

  it('never prints a whole token, a password or a client secret, yet shows each request and answer', () => {
    const text = narrator.lines.join('\n');
    expect(text).not.toMatch(WHOLE_JWT);
    expect(text).not.toContain(`password=${SEED_PASSWORD}`);
    expect(text).toContain('password=***');
    expect(text).not.toContain(DEV_CLIENT_SECRETS.fulfilmentService);
    expect(text).not.toContain(DEV_CLIENT_SECRETS.ordersBackoffice);
    expect(text).toMatch(/→ POST http:\/\/127\.0\.0\.1:\d+\/token/);
    expect(text).toContain('authorization: Basic ‹fulfilment-service:***›');
    expect(text).toMatch(/authorization: Bearer ‹at\+jwt sha256:[0-9a-f]{8}›/);
    expect(text).toMatch(/code_verifier=‹sha256:[0-9a-f]{8}›/);
    expect(text).toContain('www-authenticate: Bearer realm="orders", error="insufficient_scope"');
    expect(text).toMatch(/→ GET http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/orders$/m);
    expect(text).toContain("https://api.portcullis.test is the API's identifier, not where it runs here");
  });

  it('leaves no server errors in either app', () => {
    expect(stack.authErrors).toEqual([]);
    expect(stack.apiErrors).toEqual([]);
  });

  describe('when the stack does not behave', () => {
    let fake: Server;
    let fakeUrl: string;
    beforeAll(async () => {
      // An "API" that lets everything through: the demo must notice and fail.
      fake = createServer((req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(req.url === '/health' ? '{"status":"ok"}' : '{"data":[],"nextCursor":null}');
      });
      await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
      fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      fake.closeAllConnections();
      await new Promise<void>((resolve) => fake.close(() => resolve()));
    });

    it('reports every scenario as failed against an API that allows everything', async () => {
      const recorder = recordingNarrator();
      const report = await runDemo({ authUrl: stack.authUrl, apiUrl: fakeUrl, narrator: recorder, pauseMs: 0 });
      expect(report.ok).toBe(false);
      expect(report.outcomes).toHaveLength(SCENARIOS.length);
      // Refresh rotation is the auth server's behaviour; its one API call expects a 200, which the fake gives too.
      expect(report.outcomes.filter((o) => o.passed).map((o) => o.id)).toEqual(['refresh-rotation']);
      expect(recorder.lines.some((l) => l.includes('✘'))).toBe(true);
    }, 60_000);

    // An API that refuses without a token as it should, but whose RFC 9728 metadata is wrong for
    // the stack: the scenario must fail at the check that notices (its message names it).
    // | metadata                          | auth server the demo uses   | fails at                  |
    // | names another auth server         | the test stack's            | authorization_servers     |
    // | names a resource other than the   | the test stack's            | RFC 9728 §3.3 (URL was    |
    // |   one its URL was derived from    |                             |   derived from another)   |
    // | right, but the auth server issues | one with ORDERS_API_AUDIENCE| aud = resource            |
    // |   tokens for another audience     |   = another resource        |                           |
    describe('when the metadata does not fit the stack', () => {
      let other: AuthServer;
      let otherDir: string;
      beforeAll(async () => {
        otherDir = await mkdtemp(join(tmpdir(), 'portcullis-demo-other-'));
        other = await createAuthServer(
          loadAuthConfig({
            PORT: '0',
            HOST: '127.0.0.1',
            KEYS_FILE: join(otherDir, 'jwks.json'),
            ORDERS_API_AUDIENCE: 'https://other.portcullis.test/orders',
          }),
        ).listen();
      });
      afterAll(async () => {
        await other?.close();
        await rm(otherDir, { recursive: true, force: true });
      });

      it.each([
        [
          'another authorization server',
          () => ({ authUrl: stack.authUrl, servers: ['https://elsewhere.test'], resource: ORDERS_API }),
          /authorization_servers lists .*got \["https:\/\/elsewhere\.test"\]/,
        ],
        [
          'a resource its URL was not derived from',
          () => ({
            authUrl: stack.authUrl,
            servers: [stack.authUrl],
            resource: 'https://api.portcullis.test/invoices',
          }),
          /resource https:\/\/api\.portcullis\.test\/invoices is the one the metadata URL was derived from/,
        ],
        [
          "a resource that is not the tokens' audience",
          () => ({ authUrl: other.issuer, servers: [other.issuer], resource: ORDERS_API }),
          /alice's token is for this resource: aud = https:\/\/api\.portcullis\.test\/orders: aud = "https:\/\/other\.portcullis\.test\/orders"/,
        ],
      ])('fails on metadata naming %s', async (_what, setup, expected) => {
        const { authUrl, servers, resource } = setup();
        const api = await metadataApi({ resource, authorization_servers: servers });
        try {
          const wrongCtx = await createDemoContext({ authUrl, apiUrl: api.url, narrator: recordingNarrator() });
          const failure = await badTokensScenario.run(wrongCtx).then(
            () => undefined,
            (error: unknown) => error,
          );
          expect(failure).toBeInstanceOf(DemoCheckFailed);
          expect((failure as Error).message).toMatch(expected);
        } finally {
          await api.close();
        }
      });
    });

    it('discovery fails on a 401 whose challenge names no metadata', async () => {
      const silent = await createDemoContext({
        authUrl: stack.authUrl,
        apiUrl: fakeUrl,
        narrator: recordingNarrator(),
      });
      const unnamed = {
        status: 401,
        wwwAuthenticate: 'Bearer realm="orders"',
        body: undefined,
        headers: new Headers(),
      };
      await expect(discoverResource(silent, unnamed)).rejects.toThrow(
        /the challenge names the metadata URL .*got Bearer realm="orders"/,
      );
    });

    it('reports an unreachable API without running any scenario', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const recorder = recordingNarrator();
      const report = await runDemo({ authUrl: stack.authUrl, apiUrl: `http://127.0.0.1:${port}`, narrator: recorder });
      expect(report).toMatchObject({ ok: false, outcomes: [] });
      expect(report.unreachable).toContain('not reachable');
      expect(recorder.lines.join('\n')).toContain('npm start');
    });
  });
});

/**
 * A stand-in API on 127.0.0.1: 401 with the reference API's exact no-token challenge on every
 * route, and `document` at the metadata path.
 */
async function metadataApi(document: unknown): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.url === '/.well-known/oauth-protected-resource/orders') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(document));
      return;
    }
    res.statusCode = 401;
    res.setHeader('www-authenticate', `Bearer realm="orders"${METADATA}`);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
