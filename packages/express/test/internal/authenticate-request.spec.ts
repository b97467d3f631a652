/**
 * authenticateRequestMaybeSync on request objects (no HTTP): one authentication per request and
 * instance, the synchronous answer for a repeated token, the frozen `req.auth` view, and failures
 * audited once and rethrown to every caller.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Request } from 'express';
import { createPortcullis } from '@portcullis/core';
import type { AuditEvent, AuthContext, HttpRequestLike, Portcullis } from '@portcullis/core';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import { authenticateRequest, authenticateRequestMaybeSync } from '../../src/internal/authenticate-request.js';
import { requestState } from '../../src/internal/request-state.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ serve: 'none' });
});
afterAll(async () => {
  await issuer?.close();
});

function requestFor(instance: Portcullis, authorization?: string): Request {
  const req = {
    headers: authorization === undefined ? {} : { authorization },
    rawHeaders: authorization === undefined ? [] : ['Authorization', authorization],
    method: 'GET',
    url: '/orders',
    originalUrl: '/orders',
    baseUrl: '',
    path: '/orders',
    query: {},
  } as unknown as Request;
  requestState(req).portcullis = instance;
  return req;
}

/** Wraps an instance to count authentications. */
function counting(instance: Portcullis): { instance: Portcullis; calls: { count: number } } {
  const calls = { count: 0 };
  return {
    calls,
    instance: {
      ...instance,
      authenticateMaybeSync: (request: HttpRequestLike) => {
        calls.count++;
        return instance.authenticateMaybeSync!(request);
      },
    },
  };
}

describe('authenticateRequestMaybeSync', () => {
  it('answers a repeated token synchronously, once per request, with a frozen req.auth view', async () => {
    const core = createPortcullis(issuer.verifierOptions());
    const { instance, calls } = counting(core);
    const token = await issuer.token({ sub: 'alice' });
    const first = requestFor(instance, `Bearer ${token}`);
    // First sight: a promise (the signature is checked).
    const pending = authenticateRequestMaybeSync(first);
    expect(pending).toBeInstanceOf(Promise);
    const fresh = await pending;
    expect(fresh.token.cached).toBe(false);

    const second = requestFor(instance, `Bearer ${token}`);
    const auth = authenticateRequestMaybeSync(second) as AuthContext;
    expect(auth).not.toBeInstanceOf(Promise);
    expect(auth.token.cached).toBe(true);
    expect(auth.principal).toEqual(fresh.principal);
    // The same request asks again (a second rule): the memo answers, no new authentication.
    const count = calls.count;
    expect(authenticateRequestMaybeSync(second)).toBe(auth);
    await expect(authenticateRequest(second)).resolves.toBe(auth);
    expect(calls.count).toBe(count);
    // A third request with the same token: the same frozen view as the second.
    const third = requestFor(instance, `Bearer ${token}`);
    expect(authenticateRequestMaybeSync(third)).toBe(auth);
    expect(third.auth).toBe(second.auth);

    for (const [req, expected] of [
      [first, fresh],
      [second, auth],
    ] as const) {
      expect(Object.isFrozen(req.auth)).toBe(true);
      expect(req.auth).toEqual({ principal: expected.principal, token: expected.token });
    }
  });

  it('gives an auth context that is not frozen (a test double) a view of its own every time', () => {
    const principal = { subject: 'bob' } as AuthContext['principal'];
    const token = { tokenHash: 'h', cached: true } as unknown as AuthContext['token'];
    const mutable: { principal: AuthContext['principal']; token: AuthContext['token'] } = { principal, token };
    const double = { ...createPortcullis(issuer.verifierOptions()), authenticateMaybeSync: () => mutable };
    const a = requestFor(double, 'Bearer x');
    authenticateRequestMaybeSync(a);
    mutable.principal = { subject: 'carol' } as AuthContext['principal'];
    const b = requestFor(double, 'Bearer x');
    authenticateRequestMaybeSync(b);
    expect(a.auth?.principal.subject).toBe('bob');
    expect(b.auth?.principal.subject).toBe('carol');
  });

  it('audits a failure once and rethrows it to every caller', async () => {
    const events: AuditEvent[] = [];
    const instance = createPortcullis({ ...issuer.verifierOptions(), audit: (e) => void events.push(e) });
    const req = requestFor(instance);
    const first = authenticateRequestMaybeSync(req);
    expect(first).toBeInstanceOf(Promise);
    await expect(first).rejects.toMatchObject({ code: 'ERR_MISSING_TOKEN' });
    await expect(authenticateRequest(req)).rejects.toMatchObject({ code: 'ERR_MISSING_TOKEN' });
    expect(events.map((e) => [e.decision, e.reason])).toEqual([['deny', 'ERR_MISSING_TOKEN']]);
    expect(req.auth).toBeUndefined();
  });

  it('reads the parsed query only when the request target has one, and refuses a query token either way', async () => {
    const core = createPortcullis(issuer.verifierOptions());
    const token = await issuer.token({ sub: 'alice' });
    // Express 5's req.query is a getter that parses the query string on every read.
    const withQueryGetter = (
      url: string,
      query: Record<string, unknown>,
    ): { req: Request; reads: { count: number } } => {
      const reads = { count: 0 };
      const req = requestFor(core, `Bearer ${token}`);
      Object.assign(req, { url, originalUrl: url });
      Object.defineProperty(req, 'query', {
        get: () => {
          reads.count++;
          return query;
        },
      });
      return { req, reads };
    };

    const plain = withQueryGetter('/orders', {});
    await expect(Promise.resolve(authenticateRequestMaybeSync(plain.req))).resolves.toMatchObject({
      principal: { subject: 'alice' },
    });
    expect(plain.reads.count).toBe(0);

    // A query parser that found the parameter (qs turns access_token[]=… into an array): refused.
    const parsed = withQueryGetter('/orders?access_token[]=x', { access_token: ['x'] });
    await expect(Promise.resolve().then(() => authenticateRequestMaybeSync(parsed.req))).rejects.toMatchObject({
      code: 'ERR_INVALID_REQUEST',
    });
    expect(parsed.reads.count).toBeGreaterThan(0);

    // The raw target alone is enough to find a query token.
    const raw = withQueryGetter(`/orders?access_token=${token}`, {});
    await expect(Promise.resolve().then(() => authenticateRequestMaybeSync(raw.req))).rejects.toMatchObject({
      code: 'ERR_INVALID_REQUEST',
    });
  });
});
