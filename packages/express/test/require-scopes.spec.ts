import { describe, expect, it } from '@jest/globals';
import { requireAnyScope, requireScopes } from '@portcullis/express';
import { ruleHarness } from './support/rule-harness.js';

const challenge = (scope: string) =>
  `Bearer realm="orders", error="insufficient_scope", error_description="The access token lacks a required scope", scope="${scope}"`;

describe('requireScopes() / requireAnyScope()', () => {
  const h = ruleHarness();

  it('all mode (variadic): every scope is needed; the challenge names them all', async () => {
    const app = await h.serve('/orders', requireScopes('orders:read', 'orders:write'));
    expect((await app.as({ scope: 'orders:read orders:write' })).status).toBe(200);
    const res = await app.as({ scope: 'orders:read' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ERR_INSUFFICIENT_SCOPE');
    expect(res.headers.get('www-authenticate')).toBe(challenge('orders:read orders:write'));
    expect(app.ran).toEqual(['/orders']);
  });

  it('any mode, both spellings', async () => {
    for (const rule of [requireAnyScope('orders:read', 'orders:admin'), requireScopes(['orders:read', 'orders:admin'], { mode: 'any' })]) {
      const app = await h.serve('/orders', rule);
      expect((await app.as({ scope: 'orders:admin' })).status).toBe(200);
      const res = await app.as({ scope: 'orders:write' });
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toBe(challenge('orders:read orders:admin'));
    }
  });

  it('matches exactly (SPEC 87, 88) and ignores scope-like headers (SPEC 121)', async () => {
    const app = await h.serve('/orders', requireScopes('orders:read'));
    expect((await app.as({ scope: 'orders:readwrite ORDERS:READ' })).status).toBe(403);
    expect(app.ran).toEqual([]);
  });

  it('authenticates first: 401 before any scope check', async () => {
    const app = await h.serve('/orders', requireScopes('orders:read'));
    expect((await app.as(null)).status).toBe(401);
  });

  it('audits the allow and the deny with the method and route pattern', async () => {
    const app = await h.serve('/orders/:id', requireScopes('orders:read'));
    await app.as({ sub: 'alice', scope: 'orders:read' }, '/orders/o-1');
    await app.as({ sub: 'bob', scope: '' }, '/orders/o-1');
    const decisions = app.events.filter((e) => e.reason !== 'public');
    expect(decisions).toEqual([
      expect.objectContaining({ decision: 'allow', subject: 'alice', method: 'GET', route: '/orders/:id' }),
      expect.objectContaining({ decision: 'deny', reason: 'ERR_INSUFFICIENT_SCOPE', subject: 'bob', route: '/orders/:id' }),
    ]);
  });

  it('exposes the core rule and validates at creation', () => {
    expect(requireScopes('orders:read').rule.kind).toBe('scopes');
    expect(() => requireScopes()).toThrow(TypeError);
    expect(() => requireScopes('orders read')).toThrow(TypeError);
    expect(() => requireScopes(['a'], { mode: 'some' } as never)).toThrow(TypeError);
    expect(() => (requireScopes as (...args: unknown[]) => unknown)(['a'], {}, {})).toThrow(TypeError);
  });
});
