import { describe, expect, it } from '@jest/globals';
import { requireAllRoles, requireRoles } from '@portcullis/express';
import { ruleHarness } from './support/rule-harness.js';

describe('requireRoles() / requireAllRoles()', () => {
  const h = ruleHarness();

  it('any mode by default, with the role hierarchy of the gate options', async () => {
    const app = await h.serve('/support', requireRoles('support'));
    expect((await app.as({ roles: ['support'] })).status).toBe(200);
    expect((await app.as({ roles: ['admin'] })).status).toBe(200); // admin implies support
    const res = await app.as({ roles: ['customer'] });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ERR_FORBIDDEN');
    expect(res.headers.get('www-authenticate')).toBeNull();
  });

  it('all mode, both spellings', async () => {
    for (const rule of [requireAllRoles('support', 'customer'), requireRoles(['support', 'customer'], { mode: 'all' })]) {
      const app = await h.serve('/both', rule);
      expect((await app.as({ roles: ['support', 'customer'] })).status).toBe(200);
      expect((await app.as({ roles: ['support'] })).status).toBe(403);
    }
  });

  it('matches roles exactly (SPEC 91) and ignores role headers or query parameters (SPEC 120)', async () => {
    const app = await h.serve('/admin', requireRoles('admin'));
    expect((await app.as({ roles: ['Admin', 'admin ', 'admin\u200b'] })).status).toBe(403);
    expect((await app.as({ roles: ['customer'] }, '/admin?role=admin')).status).toBe(403);
    expect(app.ran).toEqual([]);
  });

  it('validates at creation', () => {
    expect(() => requireRoles()).toThrow(TypeError);
    expect(() => requireRoles(' admin')).toThrow(TypeError);
    expect(requireRoles('admin').rule.description).toBe('roles:any(admin)');
  });
});
