/** Decorator validation at declaration time (TypeError saying how to fix it) and metadata shapes. */
import { describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { OWNED_RESOURCE_META, POLICIES_META, ROLES_META, SCOPES_META } from '../../src/internal/route-metadata.js';
import {
  AllRoles,
  AnyScope,
  OwnedResource,
  Policy,
  Requires,
  Roles,
  Scopes,
  TenantParam,
  requireScopes,
} from '../../src/index.js';
import type { PortcullisPolicy, ResourceResolver } from '../../src/index.js';

const reflector = new Reflector();
const untyped = <T>(fn: T) => fn as unknown as (...args: unknown[]) => unknown;

@Injectable()
class Resolver implements ResourceResolver<{ o: string }> {
  async load() {
    return { o: 'x' };
  }
  ownerOf(r: { o: string }) {
    return r.o;
  }
}

@Injectable()
class SomePolicy implements PortcullisPolicy {
  evaluate() {
    return true;
  }
}

function decorated(...decorators: MethodDecorator[]) {
  class C {
    m() {}
  }
  const descriptor = Object.getOwnPropertyDescriptor(C.prototype, 'm')!;
  for (const d of decorators) d(C.prototype, 'm', descriptor);
  return C.prototype.m;
}

describe('validation', () => {
  it.each([
    ['@Scopes() without scopes', () => untyped(Scopes)(), /needs at least one scope/],
    ['@Scopes with a space', () => Scopes('orders read'), /without spaces or quotes/],
    ['@Scopes with a quote', () => Scopes('a"b'), /without spaces or quotes/],
    ['@Scopes with a non-string', () => untyped(Scopes)(42), /non-empty string/],
    ['@AnyScope() empty', () => untyped(AnyScope)(), /needs at least one scope/],
    ['@Roles() empty', () => untyped(Roles)(), /needs at least one role/],
    ['@Roles with an empty name', () => Roles(''), /non-empty string/],
    ['@AllRoles with a number', () => untyped(AllRoles)(1), /non-empty string/],
    ['@Policy with a non-function', () => untyped(Policy)('admin'), /takes a function/],
    ['@Requires with a non-rule', () => untyped(Requires)({}), /must be a core Rule/],
    ['@TenantParam empty', () => TenantParam(''), /name of a route parameter/],
    ['@OwnedResource with a non-resolver', () => untyped(OwnedResource)(class {}), /implementing ResourceResolver/],
    ['@OwnedResource with bad allowRoles', () => OwnedResource(Resolver, { allowRoles: [''] }), /'allowRoles'/],
  ])('%s → TypeError', (_name, make, message) => {
    expect(make).toThrow(TypeError);
    expect(make).toThrow(message);
  });

  it('@OwnedResource twice on one handler → TypeError', () => {
    expect(() => decorated(OwnedResource(Resolver), OwnedResource(Resolver))).toThrow(/used twice/);
  });
});

describe('metadata', () => {
  it('@Scopes/@AnyScope/@Roles/@AllRoles record mode and list', () => {
    const handler = decorated(Scopes('a:x'), AnyScope('b:x', 'c:x'), Roles('admin', 'support'), AllRoles('x', 'y'));
    // (applied in the listed order here; TypeScript applies stacked decorators bottom-up)
    expect(reflector.get(SCOPES_META, handler)).toEqual([
      { scopes: ['a:x'], mode: 'all' },
      { scopes: ['b:x', 'c:x'], mode: 'any' },
    ]);
    expect(reflector.get(ROLES_META, handler)).toEqual([
      { roles: ['admin', 'support'], mode: 'any' },
      { roles: ['x', 'y'], mode: 'all' },
    ]);
  });

  it('@Policy tells functions from injectable classes', () => {
    function clearance() {
      return true;
    }
    const handler = decorated(
      Policy(SomePolicy),
      Policy(clearance),
      Policy(() => true, { name: 'named' }),
    );
    expect(reflector.get(POLICIES_META, handler)).toEqual([
      { kind: 'class', name: 'SomePolicy', type: SomePolicy },
      { kind: 'function', name: 'clearance', fn: clearance },
      { kind: 'function', name: 'named', fn: expect.any(Function) },
    ]);
  });

  it('@OwnedResource defaults to param "id", no roles, no tenant', () => {
    expect(reflector.get(OWNED_RESOURCE_META, decorated(OwnedResource(Resolver)))).toEqual({
      resolver: Resolver,
      param: 'id',
      allowRoles: [],
      tenant: false,
    });
  });

  it('@Requires accepts core rules', () => {
    expect(() => decorated(Requires(requireScopes(['a:b'])))).not.toThrow();
  });
});
