import { describe, expect, it } from '@jest/globals';
import { decide } from '../../src/authorization/decide.js';
import { requireRoles } from '../../src/authorization/require-roles.js';
import type { Deny } from '../../src/authorization/rule.js';
import { toHttpResponse } from '../../src/errors/to-http-response.js';
import { alice, dave, principalOf, sam } from './fixtures.js';

describe('requireRoles', () => {
  it('allows any of the roles by default', () => {
    const rule = requireRoles(['support', 'admin']);
    expect(decide(rule, { principal: sam })).toEqual({
      allowed: true,
      reason: 'roles:any(support admin): has support',
    });
    expect(decide(rule, { principal: dave }).allowed).toBe(true);
  });

  it('denies with ERR_FORBIDDEN and no bearer challenge (SPEC 119)', () => {
    const d = decide(requireRoles(['admin']), { principal: alice }) as Deny;
    expect(d.reason).toBe('ERR_FORBIDDEN');
    expect(d.error.status).toBe(403);
    expect(d.detail).toBe('roles:any(admin): none held');
    expect(toHttpResponse(d.error).headers['www-authenticate']).toBeUndefined();
  });

  it('uses the expanded roles: admin inherits support', () => {
    expect(decide(requireRoles(['support']), { principal: dave }).allowed).toBe(true);
    expect(decide(requireRoles(['admin']), { principal: sam }).allowed).toBe(false);
  });

  it('mode all needs every role', () => {
    const rule = requireRoles(['support', 'customer'], { mode: 'all' });
    expect(decide(rule, { principal: principalOf({ sub: 's', roles: ['support', 'customer'] }) }).allowed).toBe(true);
    const d = decide(rule, { principal: sam }) as Deny;
    expect(d.reason).toBe('ERR_FORBIDDEN');
    expect(d.detail).toContain('missing customer');
  });

  it.each([[['Admin']], [['admin ']], [[' admin']], [['ADMIN']], [['admin\u200b']], [['adm']], [['administrator']]])(
    'does not match look-alike roles %p (SPEC 91)',
    (roles) => {
      expect(decide(requireRoles(['admin']), { principal: principalOf({ sub: 'eve', roles }) }).allowed).toBe(false);
    },
  );

  it('ignores roles claimed outside the token (SPEC 120)', () => {
    const d = decide(requireRoles(['admin']), {
      principal: alice,
      environment: {
        headers: { 'x-user-role': 'admin', 'x-roles': 'admin' },
        query: { role: 'admin' },
        body: { roles: ['admin'] },
      },
    });
    expect(d.allowed).toBe(false);
  });

  it('validates roles at creation', () => {
    for (const bad of [[], [''], [' admin'], ['admin '], [1], 'admin']) {
      expect(() => requireRoles(bad as string[])).toThrow(TypeError);
    }
    expect(() => requireRoles(['a'], { mode: 'every' as 'all' })).toThrow(TypeError);
  });
});
