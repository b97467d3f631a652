import { describe, expect, it } from '@jest/globals';
import { decide } from '../../src/authorization/decide.js';
import { requireScopes } from '../../src/authorization/require-scopes.js';
import type { Deny } from '../../src/authorization/rule.js';
import { toHttpResponse } from '../../src/errors/to-http-response.js';
import { alice, principalOf, reporting } from './fixtures.js';

describe('requireScopes', () => {
  it('allows when every scope is granted (mode all, the default)', () => {
    const d = decide(requireScopes(['orders:read', 'orders:write']), { principal: alice });
    expect(d).toEqual({ allowed: true, reason: 'scopes:all(orders:read orders:write)' });
  });

  it('denies a missing scope with ERR_INSUFFICIENT_SCOPE naming the required scopes (SPEC 118)', () => {
    const d = decide(requireScopes(['orders:read', 'orders:fulfil']), { principal: alice }) as Deny;
    expect(d.allowed).toBe(false);
    expect(d.reason).toBe('ERR_INSUFFICIENT_SCOPE');
    expect(d.error.code).toBe('ERR_INSUFFICIENT_SCOPE');
    expect(d.error.requiredScopes).toEqual(['orders:read', 'orders:fulfil']);
    expect(d.detail).toContain('missing orders:fulfil');
    expect(toHttpResponse(d.error, { realm: 'orders' }).headers['www-authenticate']).toBe(
      'Bearer realm="orders", error="insufficient_scope", error_description="The access token lacks a required scope", scope="orders:read orders:fulfil"',
    );
  });

  it('mode any allows with one of the scopes and lists every alternative when denying', () => {
    const rule = requireScopes(['orders:read', 'orders:admin'], { mode: 'any' });
    expect(decide(rule, { principal: principalOf({ sub: 'x', scope: 'orders:read' }) }).allowed).toBe(true);
    expect(decide(rule, { principal: principalOf({ sub: 'x', scope: 'orders:admin' }) }).allowed).toBe(true);
    const d = decide(rule, { principal: principalOf({ sub: 'x', scope: 'orders:fulfil' }) }) as Deny;
    expect(d.reason).toBe('ERR_INSUFFICIENT_SCOPE');
    expect(d.error.requiredScopes).toEqual(['orders:read', 'orders:admin']);
  });

  it.each([
    ['orders:readwrite', 'substring (SPEC 87)'],
    ['ORDERS:READ', 'case (SPEC 88)'],
    ['orders:read\torders:write', 'tab (SPEC 89)'],
    ['orders:rea', 'prefix'],
    ['orders:read ', 'trailing space is only a delimiter'],
  ])('does not match %p (%s)', (scope, _why) => {
    const principal = principalOf({ sub: 'x', scope });
    const required = scope === 'orders:read ' ? 'orders:write' : 'orders:read';
    expect(decide(requireScopes([required]), { principal }).allowed).toBe(false);
  });

  it('ignores scopes a client claims in headers: only the token counts (SPEC 121)', () => {
    const d = decide(requireScopes(['orders:write']), {
      principal: reporting,
      environment: { headers: { 'x-scopes': 'orders:write orders:admin' } },
    });
    expect(d.allowed).toBe(false);
  });

  it('validates scope tokens at creation', () => {
    for (const bad of [[], ['a b'], ['a"b'], ['a\\b'], [''], ['é'], [1], 'orders:read']) {
      expect(() => requireScopes(bad as string[])).toThrow(TypeError);
    }
    expect(() => requireScopes(['a'], { mode: 'some' as 'any' })).toThrow(TypeError);
    expect(() => requireScopes(['a'], { mod: 'any' } as unknown as { mode: 'any' })).toThrow(/unknown option 'mod'/);
  });

  it('is a frozen, described rule', () => {
    const rule = requireScopes(['orders:read', 'orders:read']);
    expect(rule.kind).toBe('scopes');
    expect(rule.description).toBe('scopes:all(orders:read)');
    expect(Object.isFrozen(rule)).toBe(true);
  });
});
