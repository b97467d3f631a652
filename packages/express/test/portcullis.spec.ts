/**
 * The authentication gate `portcullis()` over real HTTP: RFC 6750 extraction (duplicate headers,
 * query and body tokens), bad tokens, revocation (and a failing store), public paths, instance
 * reuse, option validation and auditing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import {
  InMemoryRevocationStore,
  createPortcullis,
  portcullis,
  portcullisErrorHandler,
  portcullisRouter,
  requireScopes,
} from '@portcullis/express';
import type { AuditEvent, PortcullisMiddlewareOptions, PortcullisOptions, RevocationStore } from '@portcullis/express';
import { ERROR_BODY_KEYS, rawRequest, send } from './support/http.js';
import { appFactory } from './support/test-app.js';

const CHALLENGE = 'Bearer realm="orders"';
const invalidToken = (description: string) =>
  `Bearer realm="orders", error="invalid_token", error_description="${description}"`;
const INVALID_REQUEST = 'Bearer realm="orders", error="invalid_request", error_description="The request is malformed"';

describe('portcullis() gate', () => {
  let issuer: TestIssuer;
  let base: PortcullisOptions;
  const apps = appFactory();

  beforeAll(async () => {
    issuer = await createTestIssuer();
    base = { ...issuer.verifierOptions(), realm: 'orders' };
  });
  afterEach(() => apps.closeAll());
  afterAll(() => issuer?.close());

  /** An app: gate, then a counting middleware, then GET/POST /orders that echo the subject. */
  async function gated(options: Partial<PortcullisMiddlewareOptions> = {}, extra?: (app: express.Express) => void) {
    const seen = { downstream: 0 };
    const events: AuditEvent[] = [];
    const server = await apps.start((app) => {
      extra?.(app);
      app.use(portcullis({ ...base, audit: (e) => events.push(e), ...options } as PortcullisMiddlewareOptions));
      app.use((_req, _res, next) => {
        seen.downstream++;
        next();
      });
      app.all('/orders', (req, res) => res.json({ subject: req.auth?.principal.subject ?? null, hash: req.auth?.token.tokenHash }));
      app.get('/health', (req, res) => res.json({ ok: true, auth: req.auth ?? null }));
      app.get('/health/deep', (_req, res) => res.json({ ok: true }));
      app.use(portcullisErrorHandler());
    });
    return { url: server.url, seen, events };
  }

  it('lets a valid token through and sets req.auth (principal + verified token, no raw token)', async () => {
    const { url, seen } = await gated();
    const token = await issuer.token({ sub: 'alice' });
    const res = await send(`${url}/orders`, { token });
    expect(res.status).toBe(200);
    expect(res.body.subject).toBe('alice');
    expect(typeof res.body.hash).toBe('string');
    expect(res.text).not.toContain(token);
    expect(seen.downstream).toBe(1);
  });

  it('accepts the scheme case-insensitively and several spaces (SPEC 5, 6)', async () => {
    const { url } = await gated();
    const token = await issuer.token({ sub: 'alice' });
    expect((await send(`${url}/orders`, { headers: { authorization: `bearer ${token}` } })).status).toBe(200);
    expect((await send(`${url}/orders`, { headers: { authorization: `Bearer   ${token}` } })).status).toBe(200);
  });

  it.each([
    ['no Authorization header', {}],
    ['another scheme (Basic)', { authorization: 'Basic YWxpY2U6cHc=' }],
    ['a cookie', { cookie: 'access_token=abc.def.ghi' }],
  ])('answers 401 with a bare challenge for %s, and nothing downstream runs (SPEC 1, 2, 13)', async (_name, headers) => {
    const { url, seen, events } = await gated();
    const res = await send(`${url}/orders`, { headers });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(CHALLENGE);
    expect(res.body).toEqual({ statusCode: 401, error: 'unauthorized', code: 'ERR_MISSING_TOKEN', message: 'Authentication required' });
    expect(seen.downstream).toBe(0);
    expect(events).toEqual([expect.objectContaining({ decision: 'deny', reason: 'ERR_MISSING_TOKEN', method: 'GET', route: '/orders' })]);
  });

  it.each([
    ['expired', 'ERR_TOKEN_EXPIRED', 'The access token expired'],
    ['tampered-signature', 'ERR_SIGNATURE_INVALID', 'The access token signature is invalid'],
    ['tampered-payload', 'ERR_SIGNATURE_INVALID', 'The access token signature is invalid'],
    ['wrong-audience', 'ERR_CLAIM_INVALID', 'The access token claims are invalid'],
    ['id-token', 'ERR_INVALID_TOKEN_TYPE', 'The token is not an access token'],
  ] as const)('answers 401 invalid_token for a %s token', async (kind, code, description) => {
    const { url, seen, events } = await gated();
    const token = await issuer.badToken(kind);
    const res = await send(`${url}/orders`, { token });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe(code);
    expect(res.headers.get('www-authenticate')).toBe(invalidToken(description));
    expect(Object.keys(res.body).sort()).toEqual(ERROR_BODY_KEYS);
    expect(seen.downstream).toBe(0);
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain(token);
  });

  it('refuses two Authorization headers with 400 invalid_request, even when both tokens are valid (SPEC 9)', async () => {
    const { url, seen } = await gated();
    const bob = await issuer.token({ sub: 'bob' });
    const alice = await issuer.token({ sub: 'alice' });
    const res = await rawRequest(`${url}/orders`, { headers: { authorization: [`Bearer ${bob}`, `Bearer ${alice}`] } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('ERR_INVALID_REQUEST');
    expect(res.headers['www-authenticate']).toBe(INVALID_REQUEST);
    expect(seen.downstream).toBe(0);
  });

  it.each([
    ['Bearer', 'an empty credential (SPEC 3)'],
    ['Bearer a.b.c extra', 'two tokens (SPEC 7)'],
    ['Bearer {"alg":"none"}.e30.', 'characters outside b64token (SPEC 8)'],
  ])('refuses "%s" — %s — with 400', async (authorization) => {
    const { url } = await gated();
    const res = await send(`${url}/orders`, { headers: { authorization } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('ERR_INVALID_REQUEST');
    expect(res.headers.get('www-authenticate')).toBe(INVALID_REQUEST);
  });

  it('refuses access_token in the query with 400, alone or with a header (SPEC 10, 11)', async () => {
    const { url, seen } = await gated();
    const token = await issuer.token();
    const alone = await send(`${url}/orders?access_token=${token}`);
    expect(alone.status).toBe(400);
    expect(alone.body.code).toBe('ERR_INVALID_REQUEST');
    const both = await send(`${url}/orders?access_token=${token}`, { token });
    expect(both.status).toBe(400);
    expect(seen.downstream).toBe(0);
  });

  it('accepts a query token only when bearer.allowQuery is set', async () => {
    const { url } = await gated({ bearer: { allowQuery: true } });
    const token = await issuer.token({ sub: 'alice' });
    const res = await send(`${url}/orders?access_token=${token}`);
    expect(res.status).toBe(200);
    expect(res.body.subject).toBe('alice');
  });

  it('refuses a form-body access_token (parsed before the gate) with 400 unless bearer.allowBody (SPEC 12)', async () => {
    const token = await issuer.token({ sub: 'alice' });
    const body = `access_token=${token}`;
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const refused = await gated({}, (app) => app.use(express.urlencoded({ extended: false })));
    const res = await send(`${refused.url}/orders`, { method: 'POST', headers, body });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('ERR_INVALID_REQUEST');

    const allowed = await gated({ bearer: { allowBody: true } }, (app) => app.use(express.urlencoded({ extended: false })));
    const ok = await send(`${allowed.url}/orders`, { method: 'POST', headers, body });
    expect(ok.status).toBe(200);
    expect(ok.body.subject).toBe('alice');
  });

  it('ignores Proxy-Authorization (SPEC 14)', async () => {
    const { url } = await gated();
    const res = await send(`${url}/orders`, { headers: { 'proxy-authorization': `Bearer ${await issuer.token()}` } });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('ERR_MISSING_TOKEN');
  });

  describe('revocation', () => {
    it('refuses a revoked token with 401 ERR_TOKEN_REVOKED', async () => {
      const store = new InMemoryRevocationStore();
      const { url } = await gated({ revocation: store });
      const token = await issuer.token({ sub: 'alice', jti: 'revoke-me' });
      expect((await send(`${url}/orders`, { token })).status).toBe(200);
      await store.revokeToken('revoke-me', Math.floor(issuer.clock.now() / 1000) + 600);
      const res = await send(`${url}/orders`, { token });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('ERR_TOKEN_REVOKED');
    });

    it.each([
      ['throws', (): never => { throw new Error('redis: connection refused at 10.0.0.5'); }],
      ['rejects', (): Promise<boolean> => Promise.reject(new Error('redis: timeout'))],
      ['rejects with undefined', (): Promise<boolean> => Promise.reject(undefined)],
    ])('answers 503 with Retry-After when the store %s, and never allows', async (_name, isRevoked) => {
      const store: RevocationStore = { revokeToken: () => undefined, revokeSubject: () => undefined, isRevoked };
      const { url, seen } = await gated({ revocation: store });
      const res = await send(`${url}/orders`, { token: await issuer.token() });
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('ERR_REVOCATION_UNAVAILABLE');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(res.headers.get('www-authenticate')).toBeNull();
      expect(res.text).not.toContain('redis');
      expect(seen.downstream).toBe(0);
    });
  });

  it('answers 503 with Retry-After when the key server is down and no keys are cached', async () => {
    const down = await createTestIssuer();
    try {
      down.jwksServer.mode('down');
      const server = await apps.start((app) => {
        app.use(portcullis({ ...down.verifierOptions(), realm: 'orders', remoteJwks: { timeout: 2000 } }));
        app.get('/orders', (_req, res) => res.json({ ok: true }));
        app.use(portcullisErrorHandler());
      });
      const res = await send(`${server.url}/orders`, { token: await down.token() });
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('ERR_KEYS_UNAVAILABLE');
      expect(res.headers.get('retry-after')).not.toBeNull();
    } finally {
      await down.close();
    }
  });

  describe('publicPaths', () => {
    it('lets listed paths through without a token and without verifying one', async () => {
      const { url, events } = await gated({ publicPaths: ['/health'] });
      const res = await send(`${url}/health`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: true, auth: null });
      // A bad token on a public path is not looked at either.
      expect((await send(`${url}/health`, { token: 'not-a-token' })).status).toBe(200);
      expect(events[0]).toMatchObject({ decision: 'allow', reason: 'public', route: '/health' });
    });

    it('matches exactly: other paths, a trailing slash or another case still need a token', async () => {
      const { url } = await gated({ publicPaths: ['/health'] });
      for (const path of ['/health/', '/Health', '/health/deep', '/orders']) {
        expect([path, (await send(`${url}${path}`)).status]).toEqual([path, 401]);
      }
    });

    it('supports RegExps and method restrictions (GET implies HEAD)', async () => {
      const { url } = await gated({ publicPaths: [/^\/health(\/deep)?$/, { method: 'GET', path: '/orders' }] });
      expect((await send(`${url}/health/deep`)).status).toBe(200);
      expect((await send(`${url}/orders`)).status).toBe(200);
      expect((await send(`${url}/orders`, { method: 'HEAD' })).status).toBe(200);
      expect((await send(`${url}/orders`, { method: 'POST' })).status).toBe(401);
    });

    it('does not turn a public path into an open door for rules: a rule still demands a token', async () => {
      const server = await apps.start((app) => {
        app.use(portcullis({ ...base, publicPaths: ['/orders'] }));
        app.get('/orders', requireScopes('orders:read'), (_req, res) => res.json({ ok: true }));
        app.use(portcullisErrorHandler());
      });
      const res = await send(`${server.url}/orders`);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('ERR_MISSING_TOKEN');
    });
  });

  it('a publicPaths match opens the route of a deny-by-default router; its other rule-less routes stay closed', async () => {
    const server = await apps.start((app) => {
      app.use(portcullis({ ...base, publicPaths: ['/health'] }));
      const api = portcullisRouter();
      api.get('/health', (_req, res) => res.json({ ok: true }));
      api.get('/forgotten', (_req, res) => res.json({ ok: true }));
      app.use(api);
      app.use(portcullisErrorHandler());
    });
    expect((await send(`${server.url}/health`)).status).toBe(200);
    expect((await send(`${server.url}/forgotten`)).status).toBe(401);
  });

  it('reuses an existing instance: portcullis(instance, { publicPaths }) and gate.portcullis', async () => {
    const instance = createPortcullis(base);
    const gate = portcullis(instance, { publicPaths: ['/health'] });
    expect(gate.portcullis).toBe(instance);
    const server = await apps.start((app) => {
      app.use(gate);
      app.get('/health', (_req, res) => res.json({ ok: true }));
      app.get('/orders', (req, res) => res.json({ subject: req.auth?.principal.subject }));
      app.use(portcullisErrorHandler());
    });
    expect((await send(`${server.url}/health`)).status).toBe(200);
    expect((await send(`${server.url}/orders`, { token: await issuer.token({ sub: 'bob' }) })).body.subject).toBe('bob');
  });

  it('creates its instance once, not per request', async () => {
    const gate = portcullis(base);
    const first = gate.portcullis;
    const server = await apps.start((app) => {
      app.use(gate);
      app.get('/orders', (_req, res) => res.json({ ok: true }));
    });
    await send(`${server.url}/orders`, { token: await issuer.token() });
    expect(gate.portcullis).toBe(first);
  });

  it('does not trust a req.auth written by someone else (e.g. express-jwt) before it', async () => {
    const server = await apps.start((app) => {
      app.use((req: Request, _res: Response, next: NextFunction) => {
        (req as unknown as { auth: unknown }).auth = { principal: { subject: 'admin', scopes: new Set(['orders:read']) } };
        next();
      });
      app.use(portcullis(base));
      app.get('/orders', requireScopes('orders:read'), (_req, res) => res.json({ ok: true }));
      app.use(portcullisErrorHandler());
    });
    const res = await send(`${server.url}/orders`);
    expect(res.status).toBe(401);
  });

  it('leaves CORS preflights to a CORS middleware mounted before it (SPEC 20)', async () => {
    let handlerRuns = 0;
    const server = await apps.start((app) => {
      app.use((req: Request, res: Response, next: NextFunction) => {
        res.setHeader('access-control-allow-origin', 'https://app.example.test');
        if (req.method === 'OPTIONS') {
          res.setHeader('access-control-allow-headers', 'authorization');
          res.status(204).end();
          return;
        }
        next();
      });
      app.use(portcullis(base));
      app.get('/orders', (_req, res) => {
        handlerRuns++;
        res.json({ ok: true });
      });
      app.use(portcullisErrorHandler());
    });
    const preflight = await send(`${server.url}/orders`, { method: 'OPTIONS', headers: { origin: 'https://app.example.test' } });
    expect(preflight.status).toBe(204);
    const anonymous = await send(`${server.url}/orders`, { headers: { origin: 'https://app.example.test' } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate');
    expect(handlerRuns).toBe(0);
  });

  describe('validates its options once, with a TypeError that says how to fix them', () => {
    it.each([
      ['publicPaths not an array', { publicPaths: '/health' }, /publicPaths/],
      ['a path without a leading slash', { publicPaths: ['health'] }, /must start with '\/'/],
      ['a global RegExp', { publicPaths: [/health/g] }, /g or y flag/],
      ['a bad method', { publicPaths: [{ method: 'GET /x', path: '/x' }] }, /HTTP method/],
      ['a core option error (realm with a quote)', { realm: 'or"ders' }, /realm/],
    ])('%s', (_name, extra, message) => {
      expect(() => portcullis({ ...base, ...extra } as PortcullisMiddlewareOptions)).toThrow(message);
      expect(() => portcullis({ ...base, ...extra } as PortcullisMiddlewareOptions)).toThrow(TypeError);
    });

    it('an unknown option next to an instance', () => {
      const instance = createPortcullis(base);
      expect(() => portcullis(instance, { publicPath: ['/x'] } as never)).toThrow(/unknown option 'publicPath'/);
    });

    it('neither options nor an instance', () => {
      expect(() => portcullis(undefined as never)).toThrow(TypeError);
    });
  });
});
