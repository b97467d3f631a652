import { describe, expect, it } from '@jest/globals';
import { allOf, anyOf } from '../../src/authorization/combinators.js';
import { allow, decide, deny } from '../../src/authorization/decide.js';
import { policy } from '../../src/authorization/policy.js';
import { requireOwnership } from '../../src/authorization/require-ownership.js';
import { requireRoles } from '../../src/authorization/require-roles.js';
import { requireScopes } from '../../src/authorization/require-scopes.js';
import { requireTenant } from '../../src/authorization/require-tenant.js';
import type { Deny, Rule } from '../../src/authorization/rule.js';
import type { PortcullisErrorCode } from '../../src/errors/portcullis-error.js';
import { alice, bob, carol, dave, load, principalOf, sam, type Order } from './fixtures.js';

let calls: string[] = [];
const spy = (name: string, result: () => ReturnType<Rule['evaluate']>): Rule => ({
  kind: 'spy',
  description: name,
  evaluate: () => {
    calls.push(name);
    return result();
  },
});
const denyWith = (code: PortcullisErrorCode, scopes?: string[]) => () =>
  deny(code, `deny ${code}`, scopes ? { requiredScopes: scopes } : {});

describe('allOf', () => {
  it('allows when every rule allows, saying why', () => {
    calls = [];
    const d = decide(
      allOf(
        spy('a', () => allow('A')),
        spy('b', () => allow('B')),
      ),
      { principal: alice },
    );
    expect(d).toEqual({ allowed: true, reason: 'allOf(A; B)' });
    expect(calls).toEqual(['a', 'b']);
  });

  it('returns the first deny as it is and stops there', () => {
    calls = [];
    const first = deny('ERR_FORBIDDEN', 'first');
    const d = decide(
      allOf(
        spy('a', () => allow('A')),
        spy('b', () => first),
        spy('c', denyWith('ERR_NOT_FOUND')),
      ),
      {
        principal: alice,
      },
    );
    expect(d).toBe(first);
    expect(calls).toEqual(['a', 'b']);
  });

  it('turns a throwing child into ERR_INTERNAL', () => {
    const boom = spy('boom', () => {
      throw new Error('x');
    });
    expect(
      (
        decide(
          allOf(
            spy('a', () => allow('A')),
            boom,
          ),
          { principal: alice },
        ) as Deny
      ).reason,
    ).toBe('ERR_INTERNAL');
  });

  it('the orders API DELETE rule: scopes + admin role + same-org ownership', () => {
    const canDelete = allOf(
      requireScopes<Order | undefined>(['orders:write']),
      requireRoles<Order | undefined>(['admin']),
      requireOwnership<Order | undefined>({
        ownerOf: (o) => o?.ownerId,
        tenantOf: (o) => o?.orgId,
        allowRoles: ['admin'],
      }),
    );
    expect(decide(canDelete, { principal: dave, resource: load('o-b1') }).allowed).toBe(true);
    expect((decide(canDelete, { principal: dave, resource: load('o-c1') }) as Deny).reason).toBe('ERR_NOT_FOUND');
    expect((decide(canDelete, { principal: alice, resource: load('o-a1') }) as Deny).reason).toBe('ERR_FORBIDDEN');
    expect((decide(canDelete, { principal: sam, resource: load('o-b1') }) as Deny).reason).toBe(
      'ERR_INSUFFICIENT_SCOPE',
    );
  });
});

describe('anyOf', () => {
  it('returns the first allow and stops there', () => {
    calls = [];
    const d = decide(
      anyOf(
        spy('a', denyWith('ERR_FORBIDDEN')),
        spy('b', () => allow('B')),
        spy('c', () => allow('C')),
      ),
      {
        principal: alice,
      },
    );
    expect(d).toEqual({ allowed: true, reason: 'B' });
    expect(calls).toEqual(['a', 'b']);
  });

  // Precedence when every alternative denies: NOT_FOUND > INTERNAL > INSUFFICIENT_SCOPE > FORBIDDEN > others.
  it.each<[PortcullisErrorCode[], PortcullisErrorCode]>([
    [['ERR_FORBIDDEN', 'ERR_NOT_FOUND'], 'ERR_NOT_FOUND'],
    [['ERR_NOT_FOUND', 'ERR_INSUFFICIENT_SCOPE'], 'ERR_NOT_FOUND'],
    [['ERR_INTERNAL', 'ERR_NOT_FOUND'], 'ERR_NOT_FOUND'],
    [['ERR_FORBIDDEN', 'ERR_INTERNAL'], 'ERR_INTERNAL'],
    [['ERR_FORBIDDEN', 'ERR_INSUFFICIENT_SCOPE'], 'ERR_INSUFFICIENT_SCOPE'],
    [['ERR_CLAIM_INVALID', 'ERR_FORBIDDEN'], 'ERR_FORBIDDEN'],
    [['ERR_NO_RULE', 'ERR_FORBIDDEN'], 'ERR_NO_RULE'],
    [['ERR_CLAIM_INVALID', 'ERR_TOKEN_REVOKED'], 'ERR_CLAIM_INVALID'],
  ])('when all deny with %p it answers %s', (codes, expected) => {
    const rules = codes.map((c, i) => spy(`r${i}`, denyWith(c, c === 'ERR_INSUFFICIENT_SCOPE' ? ['s'] : undefined)));
    expect((decide(anyOf(...rules), { principal: alice }) as Deny).reason).toBe(expected);
  });

  it('merges the scopes of every insufficient-scope alternative into one challenge', () => {
    const rule = anyOf(
      requireScopes(['orders:admin']),
      requireScopes(['orders:read', 'orders:fulfil']),
      requireRoles(['admin']),
    );
    const d = decide(rule, { principal: principalOf({ sub: 'x', scope: 'profile' }) }) as Deny;
    expect(d.reason).toBe('ERR_INSUFFICIENT_SCOPE');
    expect(d.error.requiredScopes).toEqual(['orders:admin', 'orders:read', 'orders:fulfil']);
  });

  it('owner, or support of the same org (GET /orders/:id)', () => {
    const canRead = anyOf(
      requireOwnership<Order | undefined>({ ownerOf: (o) => o?.ownerId, tenantOf: (o) => o?.orgId }),
      allOf(
        requireRoles<Order | undefined>(['support']),
        requireTenant<Order | undefined>({ tenantOf: (o) => o?.orgId }),
      ),
    );
    expect(decide(canRead, { principal: alice, resource: load('o-a1') }).allowed).toBe(true);
    expect(decide(canRead, { principal: sam, resource: load('o-b1') }).allowed).toBe(true);
    // bob on alice's order: ownership says 404, roles say 403 → 404 wins (no existence oracle)
    expect((decide(canRead, { principal: bob, resource: load('o-a1') }) as Deny).reason).toBe('ERR_NOT_FOUND');
    expect((decide(canRead, { principal: bob, resource: load('o-nope') }) as Deny).reason).toBe('ERR_NOT_FOUND');
    expect((decide(canRead, { principal: carol, resource: load('o-a1') }) as Deny).reason).toBe('ERR_NOT_FOUND');
    expect((decide(canRead, { principal: dave, resource: load('o-c1') }) as Deny).reason).toBe('ERR_NOT_FOUND');
  });

  it('a broken alternative never allows; another alternative still can', () => {
    const broken = policy('broken', () => {
      throw new Error('x');
    });
    expect((decide(anyOf(broken, requireRoles(['admin'])), { principal: alice }) as Deny).reason).toBe('ERR_INTERNAL');
    expect(decide(anyOf(broken, requireRoles(['admin'])), { principal: dave }).allowed).toBe(true);
  });
});

describe('combinator validation', () => {
  it('refuses empty lists and non-rules', () => {
    expect(() => allOf()).toThrow(TypeError);
    expect(() => anyOf()).toThrow(TypeError);
    expect(() => allOf({} as Rule)).toThrow(TypeError);
    expect(() => anyOf(requireRoles(['a']), undefined as unknown as Rule)).toThrow(TypeError);
  });

  it('describes nested rules', () => {
    const rule = allOf(
      requireScopes(['orders:read']),
      anyOf(
        requireRoles(['admin']),
        policy('p', () => true),
      ),
    );
    expect(rule.kind).toBe('allOf');
    expect(rule.description).toBe('allOf(scopes:all(orders:read), anyOf(roles:any(admin), policy:p))');
  });
});
