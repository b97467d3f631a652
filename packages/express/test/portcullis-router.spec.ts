/**
 * Deny by default: `portcullisRouter()` refuses (403 ERR_NO_RULE, after 401 for anonymous
 * callers) any route whose handlers are not preceded by a Portcullis rule or `publicRoute()` in
 * the same route, an enclosing deny-by-default router, or app-wide — whatever the registration
 * order, including `router.route()` chains and nested routers.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import {
  createPortcullis,
  portcullis,
  portcullisErrorHandler,
  portcullisRouter,
  publicRoute,
  requireAuthentication,
  requireRoles,
  requireScopes,
} from '@portcullis/express';
import type { AuditEvent, Portcullis, PortcullisOptions } from '@portcullis/express';
import { send } from './support/http.js';
import { appFactory } from './support/test-app.js';

describe('portcullisRouter() — deny by default', () => {
  let issuer: TestIssuer;
  let base: PortcullisOptions;
  let reader: string;
  let admin: string;
  const apps = appFactory();

  beforeAll(async () => {
    issuer = await createTestIssuer();
    base = { ...issuer.verifierOptions(), realm: 'orders' };
    reader = await issuer.token({ sub: 'alice', scope: 'orders:read', roles: ['customer'] });
    admin = await issuer.token({ sub: 'ada', scope: 'orders:read orders:write', roles: ['admin'] });
  });
  afterEach(() => apps.closeAll());
  afterAll(() => issuer?.close());

  /** A gated app around `api`; `ran` lists the handlers that ran. */
  async function serve(build: (api: express.Router, ran: string[]) => void, options: { gate?: boolean; instance?: Portcullis } = {}) {
    const ran: string[] = [];
    const events: AuditEvent[] = [];
    const instance = options.instance ?? createPortcullis({ ...base, audit: (e) => events.push(e) });
    const server = await apps.start((app) => {
      if (options.gate !== false) app.use(portcullis(instance));
      const api = options.gate === false ? portcullisRouter({ portcullis: instance }) : portcullisRouter();
      build(api, ran);
      app.use(api);
      app.use(portcullisErrorHandler());
    });
    return { url: server.url, ran, events };
  }
  const handler = (name: string, ran: string[]) => (_req: Request, res: Response) => {
    ran.push(name);
    res.json({ ok: true, name });
  };

  it('refuses a route without a rule: 401 without a token, 403 ERR_NO_RULE with one (SPEC 19)', async () => {
    const { url, ran, events } = await serve((api, ran) => api.get('/forgotten', handler('forgotten', ran)));
    const anonymous = await send(`${url}/forgotten`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('ERR_MISSING_TOKEN');
    const res = await send(`${url}/forgotten`, { token: reader });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ERR_NO_RULE');
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect(ran).toEqual([]);
    expect(events.at(-1)).toMatchObject({ decision: 'deny', reason: 'ERR_NO_RULE', method: 'GET', route: '/forgotten', subject: 'alice' });
  });

  it('lets a route with a rule or publicRoute() through', async () => {
    const { url, ran } = await serve((api, ran) => {
      api.get('/ruled', requireScopes('orders:read'), handler('ruled', ran));
      api.get('/open', publicRoute(), handler('open', ran));
      api.get('/any-token', requireAuthentication(), handler('any-token', ran));
    });
    expect((await send(`${url}/ruled`, { token: reader })).status).toBe(200);
    expect((await send(`${url}/open`, { token: reader })).status).toBe(200);
    expect((await send(`${url}/any-token`, { token: reader })).status).toBe(200);
    expect(ran).toEqual(['ruled', 'open', 'any-token']);
  });

  it('checks every method registration: all(), other verbs, arrays of handlers', async () => {
    const { url, ran } = await serve((api, ran) => {
      api.all('/all', handler('all', ran));
      api.post('/post', handler('post', ran));
      api.get('/array', [requireScopes('orders:read'), handler('array', ran)]);
      api.get('/nested-array', [[handler('nested-array', ran)]] as never);
    });
    expect((await send(`${url}/all`, { method: 'DELETE', token: reader })).body.code).toBe('ERR_NO_RULE');
    expect((await send(`${url}/post`, { method: 'POST', token: reader })).body.code).toBe('ERR_NO_RULE');
    expect((await send(`${url}/nested-array`, { token: reader })).body.code).toBe('ERR_NO_RULE');
    expect((await send(`${url}/array`, { token: reader })).status).toBe(200);
    expect(ran).toEqual(['array']);
  });

  it('covers router.route() chains: a rule in all() covers the verbs of the same route', async () => {
    const { url, ran } = await serve((api, ran) => {
      api.route('/chained').all(requireScopes('orders:read')).get(handler('chained-get', ran)).post(handler('chained-post', ran));
      api.route('/bare').get(handler('bare', ran));
    });
    expect((await send(`${url}/chained`, { token: reader })).status).toBe(200);
    expect((await send(`${url}/chained`, { method: 'POST', token: reader })).status).toBe(200);
    expect((await send(`${url}/chained`, { method: 'POST', token: admin })).status).toBe(200);
    expect((await send(`${url}/bare`, { token: reader })).body.code).toBe('ERR_NO_RULE');
    expect(ran).toEqual(['chained-get', 'chained-post', 'chained-post']);
  });

  describe('cannot be bypassed by ordering', () => {
    it('a rule registered after the handler does not count', async () => {
      const { url, ran } = await serve((api, ran) => api.get('/late', handler('late', ran), requireScopes('orders:read')));
      expect((await send(`${url}/late`, { token: reader })).body.code).toBe('ERR_NO_RULE');
      expect(ran).toEqual([]);
    });

    it('a pre-handler before the rule does not run first', async () => {
      const { url, ran } = await serve((api, ran) =>
        api.get(
          '/pre',
          (_req: Request, _res: Response, next: NextFunction) => {
            ran.push('pre');
            next();
          },
          requireScopes('orders:read'),
          handler('pre-handler', ran),
        ),
      );
      expect((await send(`${url}/pre`, { token: reader })).body.code).toBe('ERR_NO_RULE');
      expect(ran).toEqual([]);
    });

    it("a rule of an earlier route on the same path does not cover the next route's handler", async () => {
      const { url, ran } = await serve((api, ran) => {
        api.get('/same', requireScopes('orders:read'), (_req: Request, _res: Response, next: NextFunction) => {
          ran.push('first');
          next();
        });
        api.get('/same', handler('second', ran));
      });
      const res = await send(`${url}/same`, { token: reader });
      expect(res.body.code).toBe('ERR_NO_RULE');
      expect(ran).toEqual(['first']);
    });

    it('a publicRoute() of an earlier route does not open the next route', async () => {
      const { url, ran } = await serve(
        (api, ran) => {
          api.get('/x', publicRoute(), (_req: Request, _res: Response, next: NextFunction) => next());
          api.get('/x', handler('private', ran));
        },
        { gate: false },
      );
      expect((await send(`${url}/x`)).status).toBe(401);
      expect((await send(`${url}/x`, { token: reader })).body.code).toBe('ERR_NO_RULE');
      expect(ran).toEqual([]);
    });

    it("a sibling router's router-level rule stops counting once the request leaves it", async () => {
      const instance = createPortcullis(base);
      const ran: string[] = [];
      const server = await apps.start((app) => {
        app.use(portcullis(instance));
        const first = portcullisRouter();
        first.use(requireScopes('orders:read')); // passes, but first has no matching route
        first.get('/elsewhere', handler('elsewhere', ran));
        const second = portcullisRouter();
        second.get('/target', handler('target', ran));
        app.use(first, second);
        app.use(portcullisErrorHandler());
      });
      const res = await send(`${server.url}/target`, { token: reader });
      expect(res.body.code).toBe('ERR_NO_RULE');
      expect(ran).toEqual([]);
    });

    it("a publicRoute() whose handler calls next() does not open the router's later router-level middleware", async () => {
      const { url, ran } = await serve(
        (api, ran) => {
          api.get('/x', publicRoute(), (_req: Request, _res: Response, next: NextFunction) => next());
          api.use((_req: Request, res: Response) => {
            ran.push('fallback');
            res.send('secret fallback');
          });
        },
        { gate: false },
      );
      const res = await send(`${url}/x`);
      expect(res.status).toBe(401);
      expect(res.text).not.toContain('secret');
      expect(ran).toEqual([]);
    });

    it('a router mounted twice does not keep the router-level publicRoute() of its first pass', async () => {
      // GET /docs/secret enters the router twice: at '/' (where its '/docs' public marker
      // matches, but no route does) and at '/docs' (where only the rule-less '/secret' matches).
      const instance = createPortcullis(base);
      const ran: string[] = [];
      const server = await apps.start((app) => {
        const api = portcullisRouter({ portcullis: instance });
        api.use('/docs', publicRoute());
        api.get('/secret', handler('secret', ran));
        app.use(api);
        app.use('/docs', api);
        app.use(portcullisErrorHandler());
      });
      const anonymous = await send(`${server.url}/docs/secret`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.text).not.toContain('secret"');
      expect((await send(`${server.url}/docs/secret`, { token: reader })).body.code).toBe('ERR_NO_RULE');
      expect(ran).toEqual([]);
    });
  });

  describe('nested routers', () => {
    it('a router-level rule covers the routes of that router and of nested ones', async () => {
      const { url, ran } = await serve((api, ran) => {
        const adminRouter = portcullisRouter();
        adminRouter.use(requireRoles('admin'));
        adminRouter.get('/orders', handler('admin-orders', ran));
        const deeper = portcullisRouter();
        deeper.get('/report', handler('deep-report', ran));
        adminRouter.use('/deep', deeper);
        api.use('/admin', adminRouter);
      });
      expect((await send(`${url}/admin/orders`, { token: admin })).status).toBe(200);
      expect((await send(`${url}/admin/deep/report`, { token: admin })).status).toBe(200);
      const denied = await send(`${url}/admin/orders`, { token: reader });
      expect(denied.status).toBe(403);
      expect(denied.body.code).toBe('ERR_FORBIDDEN');
      expect(ran).toEqual(['admin-orders', 'deep-report']);
    });

    it('a nested router without a rule is denied by default too', async () => {
      const { url, ran } = await serve((api, ran) => {
        const child = portcullisRouter();
        child.get('/thing', handler('child-thing', ran));
        child.get('/ok', requireScopes('orders:read'), handler('child-ok', ran));
        api.use('/child', child);
      });
      expect((await send(`${url}/child/thing`, { token: reader })).body.code).toBe('ERR_NO_RULE');
      expect((await send(`${url}/child/thing`)).status).toBe(401);
      expect((await send(`${url}/child/ok`, { token: reader })).status).toBe(200);
      expect(ran).toEqual(['child-ok']);
    });

    it('refuses to mount a plain express.Router() or app (its routes could not be checked)', () => {
      const api = portcullisRouter();
      expect(() => api.use('/plain', express.Router())).toThrow(/portcullisRouter\(\)/);
      expect(() => api.use(express())).toThrow(TypeError);
    });
  });

  describe('self-authenticating router: portcullisRouter({ portcullis })', () => {
    it('opens publicRoute() routes to anonymous callers and demands a token everywhere else', async () => {
      const { url, ran } = await serve(
        (api, ran) => {
          api.get('/health', publicRoute(), handler('health', ran));
          api.get('/orders', requireScopes('orders:read'), handler('orders', ran));
          api.get('/forgotten', handler('forgotten', ran));
        },
        { gate: false },
      );
      expect((await send(`${url}/health`)).status).toBe(200);
      expect((await send(`${url}/orders`)).status).toBe(401);
      expect((await send(`${url}/forgotten`)).status).toBe(401);
      expect((await send(`${url}/orders`, { token: reader })).status).toBe(200);
      expect((await send(`${url}/forgotten`, { token: reader })).body.code).toBe('ERR_NO_RULE');
      expect(ran).toEqual(['health', 'orders']);
    });

    it('runs router-level middleware and param callbacks only for authenticated callers', async () => {
      const seen: string[] = [];
      const { url } = await serve(
        (api, ran) => {
          api.use((_req: Request, _res: Response, next: NextFunction) => {
            seen.push('use');
            next();
          });
          api.param('id', (_req: Request, _res: Response, next: NextFunction, id: string) => {
            seen.push(`param:${id}`);
            next();
          });
          api.get('/orders/:id', requireScopes('orders:read'), handler('order', ran));
          // A middleware that answers by itself (e.g. static files) must not serve anonymous callers.
          api.use('/files', (_req: Request, res: Response) => {
            seen.push('files');
            res.send('secret file');
          });
        },
        { gate: false },
      );
      expect((await send(`${url}/orders/o-1`)).status).toBe(401);
      const files = await send(`${url}/files/a.txt`);
      expect(files.status).toBe(401);
      expect(files.text).not.toContain('secret');
      expect(seen).toEqual([]);
      expect((await send(`${url}/orders/o-1`, { token: reader })).status).toBe(200);
      expect(seen).toEqual(['use', 'param:o-1']);
    });

    it('runs a param callback only for authenticated callers, even with no router-level middleware before it', async () => {
      const seen: string[] = [];
      const { url } = await serve(
        (api, ran) => {
          // e.g. a loader that would look the order up for anyone: an existence oracle
          api.param('id', (_req: Request, _res: Response, next: NextFunction, id: string) => {
            seen.push(`param:${id}`);
            next();
          });
          api.get('/orders/:id', requireScopes('orders:read'), handler('order', ran));
        },
        { gate: false },
      );
      expect((await send(`${url}/orders/o-1`)).status).toBe(401);
      expect((await send(`${url}/orders/o-1`, { token: 'not-a-jwt' })).status).toBe(401);
      expect(seen).toEqual([]);
      expect((await send(`${url}/orders/o-1`, { token: reader })).status).toBe(200);
      expect(seen).toEqual(['param:o-1']);
    });

    describe('another instance in front of it (e.g. an app gate for another issuer or audience)', () => {
      let other: TestIssuer;
      let foreign: string;
      beforeAll(async () => {
        other = await createTestIssuer();
        foreign = await other.token({ sub: 'mallory', scope: 'orders:read', roles: ['admin'] });
      });
      afterAll(() => other?.close());

      /** An app gated by the other issuer's instance, with an app-wide rule, around a router with its own instance. */
      async function mixed(build: (app: express.Express, own: express.Router, ran: string[]) => void) {
        const ran: string[] = [];
        const front = createPortcullis({ ...other.verifierOptions(), realm: 'front' });
        const server = await apps.start((app) => {
          app.use(portcullis(front));
          const own = portcullisRouter({ portcullis: createPortcullis(base) });
          build(app, own, ran);
          app.use(portcullisErrorHandler());
        });
        return { url: server.url, ran };
      }

      it("a rule decided by another instance does not open the router's rule-less routes", async () => {
        // The app-wide rule passed for a token the router's own instance never accepted: it must
        // not count as "a rule" inside a router that authenticates with another instance.
        const { url, ran } = await mixed((app, own, ran) => {
          app.use(requireAuthentication());
          own.get('/secret', handler('secret', ran));
          app.use('/internal', own);
        });
        const res = await send(`${url}/internal/secret`, { token: foreign });
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('ERR_SIGNATURE_INVALID');
        expect(res.text).not.toContain('secret"');
        expect(ran).toEqual([]);
      });

      it('a rule decided synchronously by another instance (a token it has cached) does not count either', async () => {
        const { url, ran } = await mixed((app, own, ran) => {
          // requireScopes decides in the calling tick once the token is cached (requireAuthentication never does)
          app.use(requireScopes('orders:read'));
          own.get('/secret', handler('secret', ran));
          app.use('/internal', own);
        });
        // The first request verifies the token; the later ones find it in the front instance's cache.
        for (let i = 0; i < 3; i++) {
          const res = await send(`${url}/internal/secret`, { token: foreign });
          expect(res.status).toBe(401);
          expect(res.body.code).toBe('ERR_SIGNATURE_INVALID');
        }
        expect(ran).toEqual([]);
      });

      it('a token both instances accept still needs a rule of the router for its rule-less routes', async () => {
        const shared = createPortcullis(base);
        const ran: string[] = [];
        const server = await apps.start((app) => {
          app.use(portcullis(createPortcullis({ ...base, realm: 'front' })));
          app.use(requireAuthentication()); // decided by the gate's instance
          const own = portcullisRouter({ portcullis: shared });
          own.get('/secret', handler('secret', ran));
          own.get('/orders', requireScopes('orders:read'), handler('orders', ran));
          app.use('/internal', own);
          app.use(portcullisErrorHandler());
        });
        expect((await send(`${server.url}/internal/secret`, { token: reader })).body.code).toBe('ERR_NO_RULE');
        expect((await send(`${server.url}/internal/orders`, { token: reader })).status).toBe(200);
        expect(ran).toEqual(['orders']);
      });

      it('hands the request back to the instance in front once it leaves the router', async () => {
        // After a router with its own instance found no route, later rules of the app decide with
        // the gate's instance again, not with the router's (another issuer, mapping or audience).
        const { url, ran } = await mixed((app, own, ran) => {
          own.get('/only-here', requireScopes('orders:read'), handler('inner', ran));
          app.use('/api', own);
          app.get('/api/after', requireScopes('orders:read'), handler('after', ran));
        });
        const res = await send(`${url}/api/after`, { token: foreign });
        expect(res.status).toBe(200);
        expect(ran).toEqual(['after']);
      });
    });

    it('a router-level publicRoute() opens the whole router', async () => {
      const { url, ran } = await serve(
        (api, ran) => {
          const docs = portcullisRouter();
          docs.use(publicRoute());
          docs.get('/openapi.json', handler('openapi', ran));
          api.use('/docs', docs);
          api.get('/orders', requireScopes('orders:read'), handler('orders', ran));
        },
        { gate: false },
      );
      expect((await send(`${url}/docs/openapi.json`)).status).toBe(200);
      expect((await send(`${url}/orders`)).status).toBe(401);
      expect(ran).toEqual(['openapi']);
    });

    it("a router-level publicRoute() opens the router's own router-level middleware too (e.g. static files)", async () => {
      const { url, ran } = await serve(
        (api, ran) => {
          const assets = portcullisRouter();
          assets.use(publicRoute());
          assets.use((_req: Request, res: Response) => {
            ran.push('asset');
            res.send('body { }');
          });
          api.use('/assets', assets);
          api.get('/orders', requireScopes('orders:read'), handler('orders', ran));
        },
        { gate: false },
      );
      const asset = await send(`${url}/assets/site.css`);
      expect(asset.status).toBe(200);
      expect(asset.text).toBe('body { }');
      expect((await send(`${url}/orders`)).status).toBe(401);
      expect(ran).toEqual(['asset']);
    });
  });

  it('keeps Express semantics: error handlers in routes, rejected async handlers, HEAD', async () => {
    const appErrors: string[] = [];
    const { url } = await serve((api) => {
      api.get(
        '/boom',
        requireScopes('orders:read'),
        async () => {
          throw new Error('async failure');
        },
        (err: Error, _req: Request, res: Response, _next: NextFunction) => {
          appErrors.push(err.message);
          res.status(500).json({ handled: true });
        },
      );
      api.get('/head', requireScopes('orders:read'), (_req: Request, res: Response) => res.json({ ok: true }));
    });
    const res = await send(`${url}/boom`, { token: reader });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ handled: true });
    expect(appErrors).toEqual(['async failure']);
    expect((await send(`${url}/head`, { method: 'HEAD', token: reader })).status).toBe(200);
    expect((await send(`${url}/head`, { method: 'HEAD' })).status).toBe(401);
  });

  it('fails closed with 500 when no Portcullis instance is in charge (no gate, no configured router)', async () => {
    const ran: string[] = [];
    const server = await apps.start((app) => {
      const api = portcullisRouter();
      api.get('/orders', requireScopes('orders:read'), handler('orders', ran));
      api.get('/forgotten', handler('forgotten', ran));
      app.use(api);
      app.use(portcullisErrorHandler());
    });
    for (const path of ['/orders', '/forgotten']) {
      const res = await send(`${server.url}${path}`, { token: reader });
      expect(res.status).toBe(500);
      expect(res.body.code).toBe('ERR_INTERNAL');
    }
    expect(ran).toEqual([]);
  });

  it('validates its options', () => {
    expect(() => portcullisRouter({ portcullis: {} as never })).toThrow(/Portcullis instance/);
    expect(() => portcullisRouter({ strict: true, caseSensitve: true } as never)).toThrow(/unknown option 'caseSensitve'/);
  });

  it('accepts the gate itself as its instance', async () => {
    const gate = portcullis(base);
    const api = portcullisRouter({ portcullis: gate });
    api.get('/health', publicRoute(), (_req: Request, res: Response) => res.json({ ok: true }));
    const server = await apps.start((app) => app.use(api));
    expect((await send(`${server.url}/health`)).status).toBe(200);
  });
});
