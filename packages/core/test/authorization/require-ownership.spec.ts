import { describe, expect, it } from '@jest/globals';
import { decide } from '../../src/authorization/decide.js';
import { requireOwnership } from '../../src/authorization/require-ownership.js';
import type { Deny } from '../../src/authorization/rule.js';
import { toHttpResponse } from '../../src/errors/to-http-response.js';
import {
  alice,
  aliceElsewhere,
  bob,
  carol,
  dave,
  fullwidthTenant,
  load,
  noTenant,
  principalOf,
  reporting,
  sam,
  spoofClient,
  type Order,
} from './fixtures.js';

/** owner, or support/admin of the same org (the orders API's GET /orders/:id). */
const canRead = requireOwnership<Order | undefined>({
  ownerOf: (o) => o?.ownerId,
  tenantOf: (o) => o?.orgId,
  allowRoles: ['support'],
});
const ownerOnly = requireOwnership<Order | undefined>({ ownerOf: (o) => o?.ownerId, tenantOf: (o) => o?.orgId });

const reasonOf = (rule: typeof canRead, principal: typeof alice, id: string) =>
  (decide(rule, { principal, resource: load(id) }) as Deny).reason ?? 'allowed';

describe('requireOwnership', () => {
  it('precheck: denies callers refused whatever the resource, before any load', () => {
    expect(canRead.precheck?.({ principal: noTenant })).toMatchObject({ allowed: false, reason: 'ERR_FORBIDDEN' });
    expect(canRead.precheck?.({ principal: spoofClient })).toMatchObject({ allowed: false, reason: 'ERR_NOT_FOUND' });
    expect(canRead.precheck?.({ principal: alice })).toBeUndefined();
    expect(canRead.precheck?.({ principal: carol })).toBeUndefined(); // other-tenant needs the resource
  });

  it('allows the owner', () => {
    expect(decide(canRead, { principal: alice, resource: load('o-a1') })).toEqual({
      allowed: true,
      reason: 'ownership(owner, tenant, roles:support): owner',
    });
  });

  it('answers another user’s resource with ERR_NOT_FOUND on read, write and delete paths (SPEC 111–113)', () => {
    for (const action of ['orders:read', 'orders:write', 'orders:delete']) {
      const d = decide(ownerOnly, { principal: alice, resource: load('o-b1'), action }) as Deny;
      expect(d.reason).toBe('ERR_NOT_FOUND');
      expect(d.error.status).toBe(404);
    }
  });

  it('gives no existence oracle: absent and not-yours answer identically (SPEC 114)', () => {
    const absent = decide(ownerOnly, { principal: alice, resource: load('o-doesnotexist') }) as Deny;
    const notYours = decide(ownerOnly, { principal: alice, resource: load('o-b1') }) as Deny;
    expect(toHttpResponse(absent.error)).toEqual(toHttpResponse(notYours.error));
    expect(absent.reason).toBe('ERR_NOT_FOUND');
  });

  it('treats a null resource (an ORM\'s "not found") as absent: the same 404, never a 500 oracle (SPEC 114)', () => {
    // Repositories commonly answer null for a missing row (TypeORM findOneBy, Prisma findUnique).
    // ownerOf/tenantOf written for the resource type must never be called with it: a TypeError
    // there would answer 500 for "absent" and 404 for "not yours", an existence oracle.
    const strict = requireOwnership<Order>({
      ownerOf: (o) => o.ownerId,
      tenantOf: (o) => o.orgId,
      allowRoles: ['support'],
    });
    const noTenants = requireOwnership<Order>({ ownerOf: (o) => o.ownerId, allowRoles: ['support'] });
    const absent = null as unknown as Order;
    for (const rule of [strict, noTenants]) {
      const notYours = decide(rule, { principal: alice, resource: load('o-b1') as Order }) as Deny;
      for (const principal of [alice, sam]) {
        const d = decide(rule, { principal, resource: absent }) as Deny;
        expect(d.allowed).toBe(false);
        expect(d.reason).toBe('ERR_NOT_FOUND');
        expect(toHttpResponse(d.error)).toEqual(toHttpResponse(notYours.error));
      }
    }
  });

  it('owner id comes from the stored resource, never from the input (SPEC 115)', () => {
    // alice asks for bob's orders with ?ownerId=user-bob: the rule only looks at the loaded resource.
    const d = decide(ownerOnly, {
      principal: alice,
      resource: load('o-b1'),
      environment: { query: { ownerId: 'user-alice' } },
    });
    expect(d.allowed).toBe(false);
  });

  it('lets allowRoles see every resource of their own tenant only (SPEC 124)', () => {
    expect(decide(canRead, { principal: sam, resource: load('o-b1') })).toEqual({
      allowed: true,
      reason: 'ownership(owner, tenant, roles:support): role support',
    });
    expect(decide(canRead, { principal: dave, resource: load('o-b1') }).allowed).toBe(true); // admin ⊇ support
    expect(reasonOf(canRead, dave, 'o-c1')).toBe('ERR_NOT_FOUND');
    expect(reasonOf(canRead, sam, 'o-c1')).toBe('ERR_NOT_FOUND');
    expect(reasonOf(canRead, bob, 'o-a1')).toBe('ERR_NOT_FOUND');
  });

  it('isolates tenants even for the owner id (SPEC 122)', () => {
    expect(reasonOf(canRead, carol, 'o-a1')).toBe('ERR_NOT_FOUND');
    // same sub, but a Unicode look-alike tenant (SPEC 93)
    expect(reasonOf(ownerOnly, fullwidthTenant, 'o-a1')).toBe('ERR_NOT_FOUND');
    expect(reasonOf(canRead, fullwidthTenant, 'o-b1')).toBe('ERR_NOT_FOUND');
  });

  it('denies a principal without tenant with ERR_FORBIDDEN whatever the resource (SPEC 92)', () => {
    expect(reasonOf(canRead, noTenant, 'o-a1')).toBe('ERR_FORBIDDEN');
    expect(reasonOf(canRead, noTenant, 'o-nope')).toBe('ERR_FORBIDDEN');
  });

  it('never treats a client as a user: machine principals own nothing (SPEC 125)', () => {
    expect(reporting.kind).toBe('client');
    expect(reasonOf(canRead, reporting, 'o-a1')).toBe('ERR_NOT_FOUND');
  });

  it('does not resolve a client whose id equals a user sub to that user (SPEC 126)', () => {
    expect(spoofClient.kind).toBe('client');
    expect(spoofClient.subject).toBe('user-alice');
    expect(reasonOf(canRead, spoofClient, 'o-a1')).toBe('ERR_NOT_FOUND');
  });

  it('compares (issuer, subject) when identityOf says so (SPEC 127)', () => {
    const byIssuer = requireOwnership<{ owner: string }>({
      ownerOf: (r) => r.owner,
      identityOf: (p) => `${p.issuer}|${p.subject}`,
    });
    const resource = { owner: 'https://as.example.test|user-alice' };
    expect(decide(byIssuer, { principal: alice, resource }).allowed).toBe(true);
    expect((decide(byIssuer, { principal: aliceElsewhere, resource }) as Deny).reason).toBe('ERR_NOT_FOUND');
  });

  it('answers a client without tenant 404 like any resource it may not see; 403 only once clients are allowed', () => {
    const tenantless = principalOf({ sub: 'user-alice', client_id: 'user-alice', scope: 'orders:read' });
    expect(tenantless.kind).toBe('client');
    expect(reasonOf(canRead, tenantless, 'o-a1')).toBe('ERR_NOT_FOUND');
    const clientsAllowed = requireOwnership<Order | undefined>({
      ownerOf: (o) => o?.ownerId,
      tenantOf: (o) => o?.orgId,
      allowClients: true,
    });
    expect(reasonOf(clientsAllowed, tenantless, 'o-a1')).toBe('ERR_FORBIDDEN');
  });

  it('lets clients in only with allowClients, still tenant-bound', () => {
    const rule = requireOwnership<Order | undefined>({
      ownerOf: (o) => o?.ownerId,
      tenantOf: (o) => o?.orgId,
      allowClients: true,
    });
    expect(decide(rule, { principal: reporting, resource: load('o-a1') })).toEqual({
      allowed: true,
      reason: 'ownership(owner, tenant, clients): client allowed',
    });
    expect(reasonOf(rule, reporting, 'o-c1')).toBe('ERR_NOT_FOUND');
    expect(reasonOf(rule, reporting, 'o-nope')).toBe('ERR_NOT_FOUND');
  });

  it('denies resources with an empty or missing owner', () => {
    const rule = requireOwnership<{ owner?: string }>({ ownerOf: (r) => r.owner });
    expect(decide(rule, { principal: alice, resource: {} }).allowed).toBe(false);
    expect(decide(rule, { principal: alice, resource: { owner: '' } }).allowed).toBe(false);
  });

  it('never matches a missing or empty owner with a missing or empty identity', () => {
    // identityOf may read a claim the token lacks (no email): "no owner" must not equal "no identity".
    const byEmail = (owner: unknown, identity: unknown) =>
      decide(
        requireOwnership<{ owner?: unknown }>({
          ownerOf: (r) => r.owner as string | undefined,
          identityOf: () => identity as string,
        }),
        { principal: alice, resource: { owner } },
      );
    for (const [owner, identity] of [
      [undefined, undefined],
      ['', ''],
      [null, undefined],
      [7, '7'],
    ] as const) {
      expect(byEmail(owner, identity)).toMatchObject({ allowed: false, reason: 'ERR_NOT_FOUND' });
    }
    expect(byEmail('alice@example.test', 'alice@example.test').allowed).toBe(true);
  });

  it('treats a resource without a tenant as another tenant’s: 404 for its owner too (SPEC 122)', () => {
    for (const orgId of [undefined, '', 42]) {
      const resource = { id: 'o-x', ownerId: 'user-alice', orgId } as unknown as Order;
      expect(decide(ownerOnly, { principal: alice, resource })).toMatchObject({
        allowed: false,
        reason: 'ERR_NOT_FOUND',
      });
      // an allowRoles role does not open it either
      expect(decide(canRead, { principal: sam, resource })).toMatchObject({ allowed: false, reason: 'ERR_NOT_FOUND' });
    }
  });

  it('works without tenants: owner or allowRoles', () => {
    const rule = requireOwnership<Order | undefined>({ ownerOf: (o) => o?.ownerId, allowRoles: ['admin'] });
    expect(decide(rule, { principal: alice, resource: load('o-a1') }).allowed).toBe(true);
    expect(decide(rule, { principal: dave, resource: load('o-c1') }).allowed).toBe(true);
    expect(reasonOf(rule, noTenant, 'o-a1')).toBe('ERR_NOT_FOUND');
  });

  it('validates options at creation', () => {
    expect(() => requireOwnership({} as { ownerOf: () => string })).toThrow(TypeError);
    expect(() => requireOwnership({ ownerOf: () => 'x', allowRoles: ['admin '] })).toThrow(TypeError);
    expect(() => requireOwnership({ ownerOf: () => 'x', allowClients: 'yes' as unknown as boolean })).toThrow(
      TypeError,
    );
    expect(() =>
      requireOwnership({ ownerOf: () => 'x', owner: 'ownerId' } as unknown as { ownerOf: () => string }),
    ).toThrow(/unknown option 'owner'/);
  });
});
