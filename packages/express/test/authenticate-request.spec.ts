/**
 * authenticateRequest(portcullis, req) over real HTTP: a middleware mounted before the gate (a
 * rate limiter keyed on the verified caller) authenticates once, and the gate reuses the outcome —
 * the same AuthContext or the same error, one revocation lookup — unless it came from another
 * Portcullis instance.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Express, NextFunction, Request, Response } from 'express';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import {
  authenticateRequest,
  createPortcullis,
  portcullis,
  portcullisErrorHandler,
  portcullisRouter,
  requireScopes,
} from '@portcullis/express';
import type { AuditEvent, AuthContext, Portcullis, PortcullisMiddleware, PortcullisOptions } from '@portcullis/express';
import { CountingRevocationStore, jtiAndExp } from '../../../test-support/counting-revocation-store.js';
import { rawRequest, send } from './support/http.js';
import { appFactory } from './support/test-app.js';

/** What the middleware before the gate saw, and what the error handler then received. */
interface Seen {
  outcomes: Array<{ auth?: AuthContext; error?: unknown }>;
  sameTwice: boolean[];
  errors: unknown[];
}

describe('authenticateRequest() before the gate', () => {
  let issuer: TestIssuer;
  let base: PortcullisOptions;
  const apps = appFactory();

  beforeAll(async () => {
    issuer = await createTestIssuer();
    base = { ...issuer.verifierOptions(), realm: 'orders' };
  });
  afterEach(() => apps.closeAll());
  afterAll(() => issuer?.close());

  /**
   * An app: [a middleware calling authenticateRequest(pre(gate), req) twice], the gate, then
   * GET /orders answering whether `req.auth` holds the very principal the middleware got.
   */
  async function app(options: {
    store: CountingRevocationStore;
    pre?: (gate: PortcullisMiddleware) => Portcullis | PortcullisMiddleware;
    publicPaths?: string[];
  }) {
    const seen: Seen = { outcomes: [], sameTwice: [], errors: [] };
    const events: AuditEvent[] = [];
    const instance = createPortcullis({ ...base, revocation: options.store, audit: (e) => void events.push(e) });
    const gate = portcullis(instance, { publicPaths: options.publicPaths ?? [] });
    const server = await apps.start((express: Express) => {
      const pre = options.pre;
      if (pre !== undefined) {
        express.use(async (req: Request, _res: Response, next: NextFunction) => {
          const target = pre(gate);
          type Outcome = Seen['outcomes'][number];
          const settle = (p: Promise<AuthContext>): Promise<Outcome> =>
            p.then(
              (auth) => ({ auth }),
              (error: unknown) => ({ error }),
            );
          const first = await settle(authenticateRequest(target, req));
          const second = await settle(authenticateRequest(target, req));
          seen.outcomes.push(first);
          seen.sameTwice.push(first.auth === second.auth && first.error === second.error);
          next();
        });
      }
      express.use(gate);
      express.get('/orders', requireScopes('orders:read'), (req, res) => {
        const pre = seen.outcomes.at(-1)?.auth;
        res.json({
          subject: req.auth?.principal.subject ?? null,
          samePrincipal: pre !== undefined && req.auth?.principal === pre.principal,
        });
      });
      express.get('/health', (req, res) => res.json({ ok: true, auth: req.auth?.principal.subject ?? null }));
      express.use((error: unknown, _req: Request, _res: Response, next: NextFunction) => {
        seen.errors.push(error);
        next(error);
      });
      express.use(portcullisErrorHandler());
    });
    return { url: server.url, seen, events, gate };
  }

  const sameInstance = (gate: PortcullisMiddleware) => gate;

  it.each(['sync', 'async'] as const)(
    'authenticates once: the gate and the rule reuse the same AuthContext, one revocation lookup (%s store)',
    async (answers) => {
      const store = new CountingRevocationStore(answers);
      const { url, seen, events } = await app({ store, pre: sameInstance });
      const res = await send(`${url}/orders`, { token: await issuer.token({ sub: 'alice', scope: 'orders:read' }) });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ subject: 'alice', samePrincipal: true });
      expect(store.lookups).toBe(1);
      expect(seen.sameTwice).toEqual([true]);
      // One allow (the rule), no second authentication audited.
      expect(events.map((e) => e.decision)).toEqual(['allow']);
    },
  );

  it('accepts the instance as well as the gate', async () => {
    const store = new CountingRevocationStore();
    const { url } = await app({ store, pre: (gate) => gate.portcullis });
    const res = await send(`${url}/orders`, { token: await issuer.token({ sub: 'alice', scope: 'orders:read' }) });
    expect(res.body).toEqual({ subject: 'alice', samePrincipal: true });
    expect(store.lookups).toBe(1);
  });

  it('leaves a request without the pre-middleware unchanged (one lookup, the same answer)', async () => {
    const store = new CountingRevocationStore();
    const { url, events } = await app({ store });
    const res = await send(`${url}/orders`, { token: await issuer.token({ sub: 'alice', scope: 'orders:read' }) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ subject: 'alice', samePrincipal: false });
    expect(store.lookups).toBe(1);
    expect(events.map((e) => e.decision)).toEqual(['allow']);
  });

  describe('a failure is reused too: the same error, the same answer as without the pre-middleware', () => {
    /** The answer (status, challenge, body) with and without the pre-middleware. */
    async function both(tokenFor: (store: CountingRevocationStore) => Promise<string>) {
      const results = [];
      for (const pre of [undefined, sameInstance]) {
        const store = new CountingRevocationStore();
        const { url, seen, events } = await app({ store, ...(pre === undefined ? {} : { pre }) });
        const token = await tokenFor(store);
        const res = await send(`${url}/orders`, { token });
        results.push({
          answer: { status: res.status, challenge: res.headers.get('www-authenticate'), body: res.body },
          lookups: store.lookups,
          seen,
          denies: events.filter((e) => e.decision === 'deny').length,
        });
      }
      return results as [(typeof results)[0], (typeof results)[0]];
    }

    it('a revoked token: 401 ERR_TOKEN_REVOKED, one lookup, one deny audited', async () => {
      const [without, withPre] = await both(async (store) => {
        const token = await issuer.token({ sub: 'alice', scope: 'orders:read' });
        const { jti, exp } = jtiAndExp(token);
        store.revokeToken(jti, exp);
        return token;
      });
      expect(without.answer.status).toBe(401);
      expect(without.answer.body.code).toBe('ERR_TOKEN_REVOKED');
      expect(withPre.answer).toEqual(without.answer);
      expect([without.lookups, withPre.lookups]).toEqual([1, 1]);
      expect([without.denies, withPre.denies]).toEqual([1, 1]);
      // The gate passed on the very error the pre-middleware got, and so did the second call.
      expect(withPre.seen.outcomes[0]?.error).toBeDefined();
      expect(withPre.seen.errors).toEqual([withPre.seen.outcomes[0]?.error]);
      expect(withPre.seen.errors[0]).toBe(withPre.seen.outcomes[0]?.error);
      expect(withPre.seen.sameTwice).toEqual([true]);
    });

    it('an expired token: the same 401 ERR_TOKEN_EXPIRED, no more lookups than without', async () => {
      const [without, withPre] = await both(() => issuer.badToken('expired'));
      expect(without.answer.status).toBe(401);
      expect(without.answer.body.code).toBe('ERR_TOKEN_EXPIRED');
      expect(withPre.answer).toEqual(without.answer);
      expect(withPre.lookups).toBe(without.lookups);
      expect(withPre.seen.errors[0]).toBe(withPre.seen.outcomes[0]?.error);
      expect(withPre.denies).toBe(1);
    });
  });

  it('two Authorization headers: the same 400 ERR_INVALID_REQUEST, the same error object', async () => {
    const answers = [];
    for (const pre of [undefined, sameInstance]) {
      const store = new CountingRevocationStore();
      const { url, seen } = await app({ store, ...(pre === undefined ? {} : { pre }) });
      const alice = await issuer.token({ sub: 'alice', scope: 'orders:read' });
      const bob = await issuer.token({ sub: 'bob', scope: 'orders:read' });
      const res = await rawRequest(`${url}/orders`, {
        headers: { authorization: [`Bearer ${alice}`, `Bearer ${bob}`] },
      });
      answers.push({ status: res.status, challenge: res.headers['www-authenticate'], body: res.body });
      expect(store.lookups).toBe(0);
      if (pre !== undefined) {
        expect(seen.outcomes[0]?.error).toMatchObject({ code: 'ERR_INVALID_REQUEST' });
        expect(seen.errors[0]).toBe(seen.outcomes[0]?.error);
      }
    }
    expect(answers[0]?.status).toBe(400);
    expect(answers[1]).toEqual(answers[0]);
  });

  it('never reuses an outcome from another Portcullis instance: the gate authenticates again', async () => {
    const store = new CountingRevocationStore();
    const other = createPortcullis({ ...base, revocation: store });
    const { url, seen } = await app({ store, pre: () => other });
    const res = await send(`${url}/orders`, { token: await issuer.token({ sub: 'alice', scope: 'orders:read' }) });
    expect(res.status).toBe(200);
    expect(seen.outcomes[0]?.auth?.principal.subject).toBe('alice');
    expect(res.body).toEqual({ subject: 'alice', samePrincipal: false });
    expect(store.lookups).toBe(2);
  });

  it("another instance's success does not let a token the gate refuses through", async () => {
    const store = new CountingRevocationStore();
    const { url } = await app({ store, pre: () => createPortcullis(base) });
    const token = await issuer.token({ sub: 'alice', scope: 'orders:read' });
    const { jti, exp } = jtiAndExp(token);
    store.revokeToken(jti, exp); // revoked in the gate's store only
    const res = await send(`${url}/orders`, { token });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('ERR_TOKEN_REVOKED');
  });

  it("a deny-by-default router never runs its router-level code on another instance's success", async () => {
    // Before the router: another instance accepts the token, then the router's instance refuses it.
    const store = new CountingRevocationStore();
    const instance = createPortcullis({ ...base, revocation: store });
    const other = createPortcullis(base);
    let routerLevel = 0;
    const server = await apps.start((express: Express) => {
      express.use(async (req: Request, _res: Response, next: NextFunction) => {
        await authenticateRequest(other, req);
        await authenticateRequest(instance, req).catch(() => undefined);
        next();
      });
      const api = portcullisRouter({ portcullis: instance });
      api.use((_req, _res, next) => {
        routerLevel++;
        next();
      });
      api.get('/orders', requireScopes('orders:read'), (_req, res) => res.json({ ok: true }));
      express.use(api, portcullisErrorHandler());
    });
    const token = await issuer.token({ sub: 'alice', scope: 'orders:read' });
    const { jti, exp } = jtiAndExp(token);
    store.revokeToken(jti, exp); // revoked for the router's instance only
    const res = await send(`${server.url}/orders`, { token });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('ERR_TOKEN_REVOKED');
    expect(routerLevel).toBe(0);
  });

  it('leaves publicPaths to the gate: a failure before it does not block a public path', async () => {
    const store = new CountingRevocationStore();
    const { url, seen } = await app({ store, pre: sameInstance, publicPaths: ['/health'] });
    const res = await send(`${url}/health`, { token: 'not-a-token' });
    expect(res.body).toEqual({ ok: true, auth: null });
    expect(seen.outcomes[0]?.error).toBeDefined();
  });

  it('rejects with a TypeError that says what to pass', async () => {
    const req = { headers: {} } as Request;
    await expect(authenticateRequest({} as Portcullis, req)).rejects.toThrow(/gate returned by portcullis\(options\)/);
    await expect(authenticateRequest(undefined as never, req)).rejects.toThrow(TypeError);
    const gate = portcullis(base);
    await expect(authenticateRequest(gate, undefined as never)).rejects.toThrow(/Express request \(req\) itself/);
    await expect(authenticateRequest(gate, {} as Request)).rejects.toThrow(TypeError);
  });
});
