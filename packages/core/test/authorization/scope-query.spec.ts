import { describe, expect, it } from '@jest/globals';
import { scopeQuery, type ScopeQueryOptions } from '../../src/authorization/scope-query.js';
import { PortcullisError } from '../../src/errors/portcullis-error.js';
import { alice, carol, dave, noTenant, reporting, sam, spoofClient } from './fixtures.js';

const orders: ScopeQueryOptions = { owner: 'ownerId', tenant: 'orgId', unrestrictedRoles: ['support'] };

function forbidden(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PortcullisError);
    expect((error as PortcullisError).code).toBe('ERR_FORBIDDEN');
    return;
  }
  throw new Error('expected ERR_FORBIDDEN');
}

describe('scopeQuery', () => {
  it('restricts a customer to their own rows of their tenant', () => {
    expect(scopeQuery(alice, orders)).toEqual({ orgId: 't1', ownerId: 'user-alice' });
    expect(scopeQuery(carol, orders)).toEqual({ orgId: 't2', ownerId: 'user-carol' });
  });

  it('gives unrestricted roles (and roles that imply them) the whole tenant', () => {
    expect(scopeQuery(sam, orders)).toEqual({ orgId: 't1' });
    expect(scopeQuery(dave, orders)).toEqual({ orgId: 't1' });
  });

  it('throws ERR_FORBIDDEN when a tenant is required but missing (SPEC 92)', () => {
    forbidden(() => scopeQuery(noTenant, orders));
  });

  it('gives clients nothing unless allowed, and never the spoofed user’s rows (SPEC 125, 126)', () => {
    forbidden(() => scopeQuery(reporting, orders));
    forbidden(() => scopeQuery(spoofClient, orders));
    expect(scopeQuery(reporting, { ...orders, allowClients: true })).toEqual({ orgId: 't1' });
  });

  it('works with an owner only or a tenant only', () => {
    expect(scopeQuery(alice, { owner: 'ownerId' })).toEqual({ ownerId: 'user-alice' });
    expect(scopeQuery(dave, { owner: 'ownerId', unrestrictedRoles: ['admin'] })).toEqual({});
    expect(scopeQuery(alice, { tenant: 'orgId' })).toEqual({ orgId: 't1' });
  });

  it('uses identityOf for the owner value', () => {
    expect(scopeQuery(alice, { owner: 'owner', identityOf: (p) => `${p.issuer}|${p.subject}` })).toEqual({
      owner: 'https://as.example.test|user-alice',
    });
  });

  it('returns a fresh plain object', () => {
    const a = scopeQuery(alice, orders);
    const b = scopeQuery(alice, orders);
    expect(a).not.toBe(b);
    expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
  });

  it('validates its options', () => {
    expect(() => scopeQuery(alice, {})).toThrow(TypeError);
    expect(() => scopeQuery(alice, { owner: '' })).toThrow(TypeError);
    expect(() => scopeQuery(alice, { owner: '__proto__' })).toThrow(TypeError);
    expect(() => scopeQuery(alice, { owner: 'o', unrestrictedRoles: 'support' as unknown as string[] })).toThrow(
      TypeError,
    );
    expect(() => scopeQuery(alice, { owner: 'o', ownerField: 'x' } as unknown as ScopeQueryOptions)).toThrow(
      /unknown option/,
    );
  });
});
