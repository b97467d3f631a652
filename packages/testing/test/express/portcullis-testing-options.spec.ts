/**
 * portcullisTestingOptions for @portcullis/express: the real gate and rule middleware, trusting
 * a test issuer.
 *
 * | route              | anonymous | alice (orders:read) | alice (orders:write) | bad tokens |
 * | GET /health public | 200       | 200                 | 200                  |            |
 * | GET /orders        | 401       | 200                 | 403 scope            | 401        |
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { portcullis, portcullisErrorHandler, requireScopes } from '@portcullis/express';
import type { PortcullisMiddlewareOptions } from '@portcullis/express';
import { asPrincipal, createTestIssuer } from '../../src/index.js';
import type { TestIssuer } from '../../src/index.js';
import { listenForTest, portcullisTestingOptions } from '../../src/express/index.js';
import type { TestServer } from '../../src/express/index.js';

/** The app under test, as an app would build it from its options. */
function createApp(options: PortcullisMiddlewareOptions): express.Express {
  const app = express();
  app.use(portcullis(options));
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/orders', requireScopes('orders:read'), (req, res) => {
    res.json({ subject: req.auth!.principal.subject, tenant: req.auth!.principal.tenant });
  });
  app.use(portcullisErrorHandler());
  return app;
}

const T0 = Date.parse('2031-05-01T00:00:00Z');

describe('portcullisTestingOptions (express)', () => {
  let issuer: TestIssuer;
  let server: TestServer;

  beforeAll(async () => {
    issuer = await createTestIssuer({ now: T0 });
    const options = portcullisTestingOptions(issuer, {
      claims: { tenant: 'org_id' },
      realm: 'orders',
      publicPaths: ['/health'],
    });
    server = await listenForTest(createApp(options));
  });
  afterAll(async () => {
    await server?.close();
    await issuer?.close();
  });

  it("is the issuer's verifier options, then the overrides", () => {
    const options = portcullisTestingOptions(issuer, { realm: 'x', publicPaths: ['/a'] });
    expect(options).toEqual({ ...issuer.verifierOptions(), realm: 'x', publicPaths: ['/a'] });
    expect(options.now!()).toBe(T0);
  });

  it('a principal passes the real middleware with a real token (frozen issuer clock shared)', async () => {
    const res = await asPrincipal(issuer, { sub: 'alice', scope: 'orders:read', org_id: 'acme' }).fetch(
      `${server.url}/orders`,
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ subject: 'alice', tenant: 'acme' });
  });

  it('does not weaken the middleware', async () => {
    const anonymous = await fetch(`${server.url}/orders`, { signal: AbortSignal.timeout(5000) });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="orders"');
    const noScope = await asPrincipal(issuer, { scope: 'orders:write' }).fetch(`${server.url}/orders`);
    expect(noScope.status).toBe(403);
    expect(await noScope.json()).toMatchObject({ code: 'ERR_INSUFFICIENT_SCOPE' });
    for (const kind of ['expired', 'wrong-issuer', 'unknown-kid', 'hs-rs-confusion'] as const) {
      const res = await fetch(`${server.url}/orders`, {
        headers: { authorization: `Bearer ${await issuer.badToken(kind, { scope: 'orders:read' })}` },
        signal: AbortSignal.timeout(5000),
      });
      expect([kind, res.status]).toEqual([kind, 401]);
    }
    expect((await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(5000) })).status).toBe(200);
  });

  it('validates its arguments', () => {
    expect(() => portcullisTestingOptions(null as never)).toThrow(/issuer must be a test issuer/);
    expect(() => portcullisTestingOptions(issuer, 'x' as never)).toThrow(/overrides must be an object/);
  });
});
