import { describe, expect, it } from '@jest/globals';
import { decide } from '../../src/authorization/decide.js';
import { requireTenant } from '../../src/authorization/require-tenant.js';
import type { Deny } from '../../src/authorization/rule.js';
import { alice, carol, dave, fullwidthTenant, load, noTenant, type Order } from './fixtures.js';

const byResource = requireTenant<Order | undefined>({ tenantOf: (o) => o?.orgId });
const byRoute = requireTenant({ param: 'tenant' });
const route = (tenant: unknown) => ({ params: { tenant } });

describe('requireTenant — resource form', () => {
  it('allows a resource of the principal tenant', () => {
    expect(decide(byResource, { principal: alice, resource: load('o-b1') })).toEqual({
      allowed: true,
      reason: 'tenant(resource): same tenant',
    });
  });

  it('answers another tenant’s resource with ERR_NOT_FOUND (SPEC 122, 124)', () => {
    const d = decide(byResource, { principal: carol, resource: load('o-a1') }) as Deny;
    expect(d.reason).toBe('ERR_NOT_FOUND');
    expect(d.error.status).toBe(404);
    // admin is tenant-scoped too
    expect((decide(byResource, { principal: dave, resource: load('o-c1') }) as Deny).reason).toBe('ERR_NOT_FOUND');
  });

  it('answers a missing resource exactly like another tenant’s (SPEC 114)', () => {
    const missing = decide(byResource, { principal: carol, resource: load('o-nope') }) as Deny;
    const other = decide(byResource, { principal: carol, resource: load('o-a1') }) as Deny;
    expect(missing.reason).toBe(other.reason);
    expect(missing.error.status).toBe(other.error.status);
    expect(missing.error.message).toBe(other.error.message);
  });

  it('treats a null resource (an ORM\'s "not found") as absent: 404 like another tenant\'s, never a 500', () => {
    const strict = requireTenant<Order>({ tenantOf: (o) => o.orgId });
    const missing = decide(strict, { principal: carol, resource: null as unknown as Order }) as Deny;
    const other = decide(strict, { principal: carol, resource: load('o-a1') as Order }) as Deny;
    expect(missing.reason).toBe('ERR_NOT_FOUND');
    expect(missing.error.status).toBe(other.error.status);
    expect(missing.error.message).toBe(other.error.message);
  });

  it('denies a principal without tenant with ERR_FORBIDDEN, before looking at the resource (SPEC 92)', () => {
    expect((decide(byResource, { principal: noTenant, resource: load('o-a1') }) as Deny).reason).toBe('ERR_FORBIDDEN');
    expect((decide(byResource, { principal: noTenant, resource: undefined }) as Deny).reason).toBe('ERR_FORBIDDEN');
  });

  it('does not normalise Unicode (SPEC 93)', () => {
    const d = decide(byResource, { principal: fullwidthTenant, resource: load('o-a1') }) as Deny;
    expect(d.reason).toBe('ERR_NOT_FOUND');
  });

  it('denies a resource without tenant', () => {
    const d = decide(byResource, { principal: alice, resource: { id: 'x', ownerId: 'user-alice', orgId: '' } }) as Deny;
    expect(d.reason).toBe('ERR_NOT_FOUND');
  });

  it('can answer 403 instead', () => {
    const rule = requireTenant<Order>({ tenantOf: (o) => o.orgId, onMismatch: 'forbidden' });
    expect((decide(rule, { principal: carol, resource: load('o-a1')! }) as Deny).reason).toBe('ERR_FORBIDDEN');
  });
});

describe('requireTenant — route form (SPEC 123)', () => {
  it('allows the principal’s own tenant in the route', () => {
    expect(decide(byRoute, { principal: alice, environment: route('t1') }).allowed).toBe(true);
  });

  it('denies another tenant in the route with ERR_FORBIDDEN', () => {
    expect((decide(byRoute, { principal: carol, environment: route('t1') }) as Deny).reason).toBe('ERR_FORBIDDEN');
  });

  it('denies a missing principal tenant (SPEC 92), a missing or non-string route tenant', () => {
    expect((decide(byRoute, { principal: noTenant, environment: route('t1') }) as Deny).reason).toBe('ERR_FORBIDDEN');
    expect((decide(byRoute, { principal: alice, environment: route(undefined) }) as Deny).reason).toBe('ERR_FORBIDDEN');
    expect((decide(byRoute, { principal: alice, environment: route(['t1']) }) as Deny).reason).toBe('ERR_FORBIDDEN');
    expect((decide(byRoute, { principal: alice }) as Deny).reason).toBe('ERR_FORBIDDEN');
  });

  it('compares exactly: case and Unicode look-alikes differ (SPEC 93)', () => {
    expect(decide(byRoute, { principal: alice, environment: route('T1') }).allowed).toBe(false);
    expect(decide(byRoute, { principal: alice, environment: route('t\uff11') }).allowed).toBe(false);
    expect(decide(byRoute, { principal: fullwidthTenant, environment: route('t1') }).allowed).toBe(false);
  });

  it('ignores a tenant header: the principal tenant comes from the token only (SPEC 122)', () => {
    const d = decide(byRoute, { principal: carol, environment: { ...route('t1'), headers: { 'x-tenant-id': 't1' } } });
    expect(d.allowed).toBe(false);
  });

  it('reads only an own route parameter, never one inherited from a prototype', () => {
    const inherited = Object.create({ tenant: 't1' }) as Record<string, string>;
    expect(decide(byRoute, { principal: alice, environment: { params: inherited } })).toMatchObject({
      allowed: false,
      reason: 'ERR_FORBIDDEN',
    });
    expect(
      decide(byRoute, { principal: alice, environment: { params: Object.assign(inherited, { tenant: 't1' }) } })
        .allowed,
    ).toBe(true);
  });

  it('reads the request tenant through a function', () => {
    const rule = requireTenant({
      requestTenant: (ctx) => (ctx.environment?.['tenantHeader'] as string | undefined) ?? undefined,
    });
    expect(decide(rule, { principal: alice, environment: { tenantHeader: 't1' } }).allowed).toBe(true);
    expect(decide(rule, { principal: carol, environment: { tenantHeader: 't1' } }).allowed).toBe(false);
  });
});

describe('requireTenant — options', () => {
  it('needs exactly one tenant source', () => {
    expect(() => requireTenant({})).toThrow(TypeError);
    expect(() => requireTenant({ tenantOf: () => 'a', param: 'tenant' })).toThrow(TypeError);
    expect(() => requireTenant({ param: '' })).toThrow(TypeError);
    expect(() => requireTenant({ tenantOf: 'orgId' as unknown as () => string })).toThrow(TypeError);
    expect(() => requireTenant({ param: 'tenant', onMismatch: '404' as 'not-found' })).toThrow(TypeError);
    expect(() => requireTenant({ param: 'tenant', tenant: 'x' } as unknown as { param: string })).toThrow(
      /unknown option/,
    );
  });
});
