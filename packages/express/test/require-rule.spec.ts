import { describe, expect, it } from '@jest/globals';
import { allOf, anyOf, requireRoles, requireRule, requireScopes } from '@portcullis/express';
import { ruleHarness } from './support/rule-harness.js';

describe('requireRule()', () => {
  const h = ruleHarness();

  it('enforces core combinators built from the middlewares’ rules', async () => {
    const staffOrScope = requireRule(anyOf(requireRoles('admin').rule, requireScopes('orders:admin').rule));
    const app = await h.serve('/stats', staffOrScope);
    expect((await app.as({ roles: ['admin'] })).status).toBe(200);
    expect((await app.as({ scope: 'orders:admin' })).status).toBe(200);
    const res = await app.as({ scope: 'orders:read', roles: ['customer'] });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ERR_INSUFFICIENT_SCOPE');
  });

  it('allOf stops at the first deny', async () => {
    const app = await h.serve('/x', requireRule(allOf(requireScopes('orders:write').rule, requireRoles('admin').rule)));
    expect((await app.as({ scope: 'orders:write', roles: ['admin'] })).status).toBe(200);
    expect((await app.as({ scope: 'orders:write', roles: ['customer'] })).body.code).toBe('ERR_FORBIDDEN');
  });

  it('a rule that throws or returns garbage is a 500, never an allow', async () => {
    const app = await h.serve(
      '/x',
      requireRule({
        kind: 'custom',
        description: 'custom',
        evaluate: () => {
          throw new Error('nope');
        },
      }),
    );
    expect((await app.as({})).status).toBe(500);
    expect(app.ran).toEqual([]);
  });

  it('validates at creation', () => {
    expect(() => requireRule({} as never)).toThrow(TypeError);
  });
});
