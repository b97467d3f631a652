/**
 * `portcullisErrorHandler()`: RFC 6750 answers from the core's `toHttpResponse` for Portcullis
 * errors only; other errors go on to the app's handler; an app handler after it never sees a
 * Portcullis error; nothing internal leaks.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { NextFunction, Request, Response } from 'express';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import { PortcullisError, portcullis, portcullisErrorHandler, requireScopes } from '@portcullis/express';
import type { PortcullisOptions } from '@portcullis/express';
import { ERROR_BODY_KEYS, send } from './support/http.js';
import { appFactory } from './support/test-app.js';

describe('portcullisErrorHandler()', () => {
  let issuer: TestIssuer;
  let base: PortcullisOptions;
  const apps = appFactory();

  beforeAll(async () => {
    issuer = await createTestIssuer();
    base = {
      ...issuer.verifierOptions(),
      realm: 'orders',
      resourceMetadata: 'https://api.example.test/.well-known/oauth-protected-resource',
    };
  });
  afterEach(() => apps.closeAll());
  afterAll(() => issuer?.close());

  async function serve() {
    const appErrors: unknown[] = [];
    const server = await apps.start((app) => {
      app.use((req, res, next) => {
        if (req.headers.origin) res.setHeader('access-control-allow-origin', req.headers.origin);
        next();
      });
      const gate = portcullis(base);
      app.use(gate);
      app.get('/orders', requireScopes('orders:write'), (_req, res) => res.json({ ok: true }));
      // A handler that decides by itself through the instance and throws the PortcullisError.
      app.get('/manual', (req, _res, next) => {
        try {
          if (req.auth?.principal.subject !== 'ada') throw new PortcullisError('ERR_FORBIDDEN');
          next();
        } catch (error) {
          next(error);
        }
      });
      app.get('/crash', () => {
        throw new Error('database password is hunter2');
      });
      app.get('/stream', (_req, res, next) => {
        res.write('partial');
        next(new PortcullisError('ERR_FORBIDDEN'));
      });
      app.use(portcullisErrorHandler());
      app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
        appErrors.push(err);
        if (res.headersSent) {
          res.end();
          return;
        }
        res.status(500).json({ error: 'app_error' });
      });
    });
    return { url: server.url, appErrors };
  }

  it('answers insufficient_scope with the RFC 6750 challenge, no-store and a stable code; the app handler after it is not called', async () => {
    const { url, appErrors } = await serve();
    const res = await send(`${url}/orders`, { token: await issuer.token({ scope: 'orders:read' }) });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer realm="orders", error="insufficient_scope", error_description="The access token lacks a required scope", scope="orders:write", resource_metadata="https://api.example.test/.well-known/oauth-protected-resource"',
    );
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      statusCode: 403,
      error: 'insufficient_scope',
      code: 'ERR_INSUFFICIENT_SCOPE',
      message: 'The access token lacks a required scope',
    });
    expect(appErrors).toEqual([]);
  });

  it('answers a missing token with the bare challenge and the metadata URL', async () => {
    const { url } = await serve();
    const res = await send(`${url}/orders`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer realm="orders", resource_metadata="https://api.example.test/.well-known/oauth-protected-resource"',
    );
  });

  it('answers PortcullisErrors thrown by app code too', async () => {
    const { url, appErrors } = await serve();
    const res = await send(`${url}/manual`, { token: await issuer.token({ sub: 'bob' }) });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ERR_FORBIDDEN');
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect(appErrors).toEqual([]);
  });

  it('passes other errors on to the app handler untouched', async () => {
    const { url, appErrors } = await serve();
    const res = await send(`${url}/crash`, { token: await issuer.token() });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'app_error' });
    expect(appErrors).toHaveLength(1);
    expect((appErrors[0] as Error).message).toContain('hunter2');
  });

  it('passes the error on when the response has already started', async () => {
    const { url, appErrors } = await serve();
    const res = await send(`${url}/stream`, { token: await issuer.token() });
    expect(res.status).toBe(200);
    expect(appErrors).toHaveLength(1);
    expect(appErrors[0]).toBeInstanceOf(PortcullisError);
  });

  it('exposes WWW-Authenticate on CORS responses', async () => {
    const { url } = await serve();
    const res = await send(`${url}/orders`, { headers: { origin: 'https://app.example.test' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate');
  });

  it('never includes a stack trace, a cause or a reason', async () => {
    const { url } = await serve();
    const res = await send(`${url}/orders`, { token: await issuer.badToken('tampered-signature') });
    expect(Object.keys(res.body).sort()).toEqual(ERROR_BODY_KEYS);
    expect(res.text).not.toMatch(/at |stack|cause|reason|jose/i);
  });

  it('phrases challenges with the configured wording when no instance handled the request', async () => {
    const server = await apps.start((app) => {
      app.get('/x', (_req, _res, next) => next(new PortcullisError('ERR_MISSING_TOKEN')));
      app.use(portcullisErrorHandler({ challenge: { realm: 'billing' } }));
    });
    const res = await send(`${server.url}/x`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="billing"');
  });

  it('validates its options', () => {
    expect(() => portcullisErrorHandler({ realm: 'x' } as never)).toThrow(/unknown option 'realm'/);
    expect(() => portcullisErrorHandler({ portcullis: {} as never })).toThrow(TypeError);
  });

  it('refuses challenge wording that would break the WWW-Authenticate grammar, at creation (RFC 6750 §3)', () => {
    // Otherwise every 401 of the app answers a malformed challenge (or, with CR/LF, a 500 from
    // setHeader) instead of the configuration failing once, at start-up, like createPortcullis does.
    expect(() => portcullisErrorHandler({ challenge: { realm: 'a"b' } })).toThrow(TypeError);
    expect(() => portcullisErrorHandler({ challenge: { realm: 'a\\b' } })).toThrow(TypeError);
    expect(() => portcullisErrorHandler({ challenge: { realm: 'a\r\nX-Injected: 1' } })).toThrow(TypeError);
    expect(() => portcullisErrorHandler({ challenge: { realm: '' } })).toThrow(TypeError);
    expect(() => portcullisErrorHandler({ challenge: { resourceMetadata: 'https://x.test/"' } })).toThrow(TypeError);
    expect(() => portcullisErrorHandler({ challenge: { resourceMetadata: 'not a url' } })).toThrow(TypeError);
    expect(() => portcullisErrorHandler({ challenge: { realm: 'orders', scope: 'x' } as never })).toThrow(TypeError);
    expect(() => portcullisErrorHandler({ challenge: 'orders' as never })).toThrow(TypeError);
    expect(() =>
      portcullisErrorHandler({
        challenge: {
          realm: 'orders',
          resourceMetadata: 'https://api.example.test/.well-known/oauth-protected-resource',
        },
      }),
    ).not.toThrow();
  });
});
