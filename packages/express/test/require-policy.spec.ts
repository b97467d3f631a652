import { describe, expect, it } from '@jest/globals';
import { requirePolicy } from '@portcullis/express';
import { ruleHarness } from './support/rule-harness.js';

describe('requirePolicy()', () => {
  const h = ruleHarness();

  it('allows on true, denies 403 on false; the context carries the action and route params', async () => {
    const seen: unknown[] = [];
    const app = await h.serve(
      '/reports/:kind',
      requirePolicy('clearance>=3', ({ principal, action, environment }) => {
        seen.push({ action, params: environment?.['params'] });
        const clearance = principal.claims['clearance'];
        return typeof clearance === 'number' && clearance >= 3;
      }),
    );
    expect((await app.as({ clearance: 3 }, '/reports/sensitive')).status).toBe(200);
    const res = await app.as({ clearance: 2 }, '/reports/sensitive');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ERR_FORBIDDEN');
    expect(seen[0]).toEqual({ action: 'GET /reports/:kind', params: { kind: 'sensitive' } });
  });

  it('passes only string route parameters to the policy (an Express 5 wildcard array is left out)', async () => {
    const seen: unknown[] = [];
    const app = await h.serve(
      '/files/:owner/*rest',
      requirePolicy('params', ({ environment }) => {
        seen.push(environment?.['params']);
        return true;
      }),
    );
    expect((await app.as({}, '/files/alice/a/b.txt')).status).toBe(200);
    expect(seen).toEqual([{ owner: 'alice' }]);
  });

  it('uses the function name when no name is given', () => {
    expect(requirePolicy(function isUser({ principal }) { return principal.kind === 'user'; }).rule.description).toBe('policy:isUser');
  });

  it.each([
    ['throws', () => { throw new Error('boom'); }],
    ['returns a Promise', () => Promise.resolve(true) as unknown as boolean],
    ['returns a truthy non-boolean', () => 1 as unknown as boolean],
  ])('fails closed with 500 when the policy %s', async (_name, fn) => {
    const app = await h.serve('/p', requirePolicy('broken', fn));
    const res = await app.as({});
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('ERR_INTERNAL');
    expect(app.ran).toEqual([]);
  });

  it('validates at creation', () => {
    expect(() => requirePolicy('x', undefined as never)).toThrow(TypeError);
    expect(() => requirePolicy((() => true) as never, (() => true) as never)).toThrow(TypeError);
  });
});
