/**
 * Handler-vs-class semantics, as a truth table (C = on the controller class, H = on the handler):
 *
 * | C public | C rules | H public | H rules | result                         |
 * | -        | -       | -        | -       | not public, no rule (ERR_NO_RULE) |
 * | -        | roles   | -        | scopes  | roles AND scopes               |
 * | -        | roles   | yes      | -       | public (handler overrides)     |
 * | -        | roles   | yes      | scopes  | roles AND scopes + conflict    |
 * | yes      | -       | -        | -       | public                         |
 * | yes      | -       | -        | scopes  | scopes only                    |
 * | yes      | roles   | -        | -       | roles + conflict               |
 * | -        | scopes  | -        | scopes  | both scope requirements        |
 */
import { describe, expect, it } from '@jest/globals';
import { Reflector } from '@nestjs/core';
import { readRouteRequirements } from '../../src/internal/route-requirements.js';
import { Authenticated, Policy, Public, requireScopes, Requires, Roles, Scopes, TenantParam } from '../../src/index.js';

const reflector = new Reflector();

function route(classDecorators: ClassDecorator[], methodDecorators: MethodDecorator[]) {
  class Controller {
    handler() {}
  }
  for (const d of classDecorators) d(Controller);
  const descriptor = Object.getOwnPropertyDescriptor(Controller.prototype, 'handler')!;
  for (const d of methodDecorators) d(Controller.prototype, 'handler', descriptor);
  return readRouteRequirements(reflector, Controller, Controller.prototype.handler);
}

describe('readRouteRequirements', () => {
  it('nothing → not public and no rule', () => {
    expect(route([], [])).toMatchObject({ isPublic: false, hasRules: false });
  });

  it('class roles + handler scopes → both apply', () => {
    const r = route([Roles('admin')], [Scopes('orders:read')]);
    expect(r).toMatchObject({ isPublic: false, hasRules: true, conflict: undefined });
    expect(r.roles).toEqual([{ roles: ['admin'], mode: 'any' }]);
    expect(r.scopes).toEqual([{ scopes: ['orders:read'], mode: 'all' }]);
  });

  it('@Public on the handler overrides class rules', () => {
    expect(route([Roles('admin')], [Public()])).toMatchObject({ isPublic: true, hasRules: false, roles: [] });
  });

  it('@Public and a rule on the same handler → the rules apply, conflict reported', () => {
    const r = route([Roles('admin')], [Public(), Scopes('orders:read')]);
    expect(r.isPublic).toBe(false);
    expect(r.roles).toHaveLength(1);
    expect(r.scopes).toHaveLength(1);
    expect(r.conflict).toMatch(/same handler/);
  });

  it('public class: unruled handlers are public, ruled handlers need exactly their own rules', () => {
    expect(route([Public()], [])).toMatchObject({ isPublic: true });
    const r = route([Public()], [Scopes('orders:read')]);
    expect(r).toMatchObject({ isPublic: false, hasRules: true, roles: [] });
    expect(r.scopes).toHaveLength(1);
  });

  it('@Public and a rule on the same class → the rules apply, conflict reported', () => {
    const r = route([Public(), Roles('admin')], []);
    expect(r).toMatchObject({ isPublic: false, hasRules: true });
    expect(r.conflict).toMatch(/same controller/);
  });

  it.each([
    ['@Authenticated()', () => Authenticated()],
    ['@TenantParam()', () => TenantParam('org')],
    ['@Policy(fn)', () => Policy(() => false, { name: 'never' })],
    ['@Requires(rule)', () => Requires(requireScopes(['orders:read']))],
  ])(
    '%s counts as a rule: next to @Public() on the handler or under a @Public() class, it still applies',
    (_name, make) => {
      const sameHandler = route([], [Public(), make()]);
      expect(sameHandler).toMatchObject({ isPublic: false, hasRules: true });
      expect(sameHandler.conflict).toMatch(/same handler/);
      expect(route([Public()], [make()])).toMatchObject({ isPublic: false, hasRules: true });
      expect(route([Public(), make()], [])).toMatchObject({ isPublic: false, hasRules: true });
      expect(route([make()], [])).toMatchObject({ isPublic: false, hasRules: true });
    },
  );

  it('repeated decorators accumulate, on the same target and across class and handler', () => {
    const r = route([Scopes('a:read')], [Scopes('b:read'), Scopes(['c:read', 'd:read'], { mode: 'any' })]);
    expect(r.scopes).toEqual([
      { scopes: ['a:read'], mode: 'all' },
      { scopes: ['b:read'], mode: 'all' },
      { scopes: ['c:read', 'd:read'], mode: 'any' },
    ]);
  });

  it('a subclass inherits its parent controller rules', () => {
    @Roles('admin')
    class Parent {}
    class Child extends Parent {
      handler() {}
    }
    const r = readRouteRequirements(reflector, Child, Child.prototype.handler);
    expect(r.roles).toEqual([{ roles: ['admin'], mode: 'any' }]);
  });
});
