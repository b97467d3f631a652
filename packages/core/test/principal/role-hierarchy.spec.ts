import { describe, expect, it } from '@jest/globals';
import { createRoleHierarchy } from '../../src/principal/role-hierarchy.js';

describe('createRoleHierarchy', () => {
  const hierarchy = createRoleHierarchy({ admin: ['support'], support: ['customer'], auditor: [] });

  it('expands roles transitively', () => {
    expect([...hierarchy.expand(['admin'])].sort()).toEqual(['admin', 'customer', 'support']);
    expect([...hierarchy.expand(['support'])].sort()).toEqual(['customer', 'support']);
    expect(hierarchy.implied('admin')).toEqual(['support', 'customer']);
  });

  it('never expands upwards', () => {
    expect(hierarchy.expand(['customer']).has('support')).toBe(false);
    expect(hierarchy.expand(['support']).has('admin')).toBe(false);
  });

  it('keeps unknown roles as they are and implies nothing from them', () => {
    expect([...hierarchy.expand(['guest'])]).toEqual(['guest']);
    expect(hierarchy.implied('guest')).toEqual([]);
  });

  it('is exact and case-sensitive (SPEC 91)', () => {
    expect([...hierarchy.expand(['Admin'])]).toEqual(['Admin']);
    expect([...hierarchy.expand(['admin '])]).toEqual(['admin ']);
  });

  it('returns an immutable set', () => {
    const roles = hierarchy.expand(['support']) as unknown as Set<string>;
    expect(typeof (roles as { add?: unknown }).add).toBe('undefined');
    expect(() => Set.prototype.add.call(roles, 'admin')).toThrow(TypeError);
    expect(roles.has('admin')).toBe(false);
  });

  it('refuses cycles, naming them', () => {
    expect(() => createRoleHierarchy({ admin: ['support'], support: ['admin'] })).toThrow(
      "'roleHierarchy' has a cycle: admin -> support -> admin",
    );
    expect(() => createRoleHierarchy({ a: ['a'] })).toThrow('cycle: a -> a');
    expect(() => createRoleHierarchy({ a: ['b'], b: ['c'], c: ['a'] })).toThrow('cycle: a -> b -> c -> a');
  });

  it('refuses non-string members and bad definitions', () => {
    expect(() => createRoleHierarchy({ admin: [1 as unknown as string] })).toThrow(TypeError);
    expect(() => createRoleHierarchy({ admin: 'support' as unknown as string[] })).toThrow(TypeError);
    expect(() => createRoleHierarchy({ admin: [''] })).toThrow(TypeError);
    expect(() => createRoleHierarchy(null as unknown as Record<string, string[]>)).toThrow(TypeError);
    expect(() => createRoleHierarchy([] as unknown as Record<string, string[]>)).toThrow(TypeError);
  });

  it('handles role names that collide with Object.prototype members', () => {
    const h = createRoleHierarchy({ constructor: ['toString'], hasOwnProperty: [] });
    expect([...h.expand(['constructor'])].sort()).toEqual(['constructor', 'toString']);
    expect([...h.expand(['valueOf'])]).toEqual(['valueOf']);
  });
});
