import { describe, expect, it } from '@jest/globals';
import type { Request } from 'express';
import { requireTenant } from '@portcullis/express';
import { ruleHarness } from './support/rule-harness.js';

describe('requireTenant()', () => {
  const h = ruleHarness();

  it('compares a route parameter with the token tenant (SPEC 123)', async () => {
    const app = await h.serve('/tenants/:tenant/orders', requireTenant('tenant'));
    expect((await app.as({ org_id: 'acme' }, '/tenants/acme/orders')).status).toBe(200);
    const cross = await app.as({ org_id: 'globex' }, '/tenants/acme/orders');
    expect(cross.status).toBe(403);
    expect(cross.body.code).toBe('ERR_FORBIDDEN');
  });

  it('denies a principal without a tenant (SPEC 92) and compares exactly (SPEC 93)', async () => {
    const app = await h.serve('/tenants/:tenant/orders', requireTenant({ param: 'tenant' }));
    expect((await app.as({}, '/tenants/acme/orders')).status).toBe(403);
    expect((await app.as({ org_id: 'ａｃｍｅ' }, '/tenants/acme/orders')).status).toBe(403);
    expect((await app.as({ org_id: 'ACME' }, '/tenants/acme/orders')).status).toBe(403);
    expect(app.ran).toEqual([]);
  });

  it('reads the tenant with a function of the request; a header never overrides the token', async () => {
    const app = await h.serve('/orgs/:org', requireTenant((req: Request) => String(req.params['org'])));
    expect((await app.as({ org_id: 'acme' }, '/orgs/acme')).status).toBe(200);
    expect((await app.as({ org_id: 'globex' }, '/orgs/acme')).status).toBe(403);
  });

  it('denies when the request reader finds no tenant, never falling back to the token tenant', async () => {
    const app = await h.serve('/orgs/:org', requireTenant((req: Request) => req.header('x-org')));
    const missing = await app.as({ org_id: 'acme' }, '/orgs/acme');
    expect(missing.status).toBe(403);
    expect(missing.body.code).toBe('ERR_FORBIDDEN');
    expect(app.ran).toEqual([]);
    expect(app.events.at(-1)).toMatchObject({ decision: 'deny', reason: 'ERR_FORBIDDEN' });
  });

  it('answers 404 on mismatch when asked to', async () => {
    const app = await h.serve('/orgs/:org', requireTenant({ param: 'org', onMismatch: 'not-found' }));
    const res = await app.as({ org_id: 'globex' }, '/orgs/acme');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('ERR_NOT_FOUND');
  });

  it('a throwing request reader answers 500, never allows', async () => {
    const app = await h.serve(
      '/orgs/:org',
      requireTenant(() => {
        throw new Error('boom');
      }),
    );
    const res = await app.as({ org_id: 'acme' }, '/orgs/acme');
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('ERR_INTERNAL');
    expect(app.ran).toEqual([]);
    expect(app.events.at(-1)).toMatchObject({ decision: 'deny', reason: 'ERR_INTERNAL' });
  });

  it('validates at creation', () => {
    expect(() => requireTenant({})).toThrow(TypeError);
    expect(() => requireTenant({ param: 'a', fromRequest: () => 'x' })).toThrow(TypeError);
    expect(() => requireTenant(42 as never)).toThrow(TypeError);
  });
});
