import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { PortcullisError } from '../../src/errors/portcullis-error.js';
import type { ClaimsPreset } from '../../src/principal/claims-mapping.js';
import { CLAIMS_PRESETS } from '../../src/principal/claims-presets.js';
import { createPrincipalMapper } from '../../src/principal/create-principal-mapper.js';
import { createRoleHierarchy } from '../../src/principal/role-hierarchy.js';

const HIERARCHY = { admin: ['support'], support: ['customer'] };
const hierarchy = createRoleHierarchy(HIERARCHY);

/** Claim names the presets read, plus prototype-related names an attacker would try. */
const KEYS = [
  'iss',
  'sub',
  'jti',
  'exp',
  'scope',
  'scp',
  'permissions',
  'roles',
  'groups',
  'cognito:groups',
  'realm_access',
  'resource_access',
  'org_id',
  'tid',
  'client_id',
  'azp',
  'appid',
  'cid',
  'uid',
  'gty',
  'idtyp',
  'oid',
  'username',
  'preferred_username',
  'orders-web',
  'orders-api',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'admin',
];
const text = fc.string({
  unit: fc.constantFrom(
    'a',
    'd',
    'm',
    'i',
    'n',
    'A',
    ' ',
    '\t',
    ':',
    '"',
    '\\',
    'é',
    '\u00a0',
    '_',
    'orders:read ',
    'admin',
  ),
  maxLength: 12,
});
const leaf = fc.oneof(text, fc.constantFrom(...KEYS), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...KEYS), text), tie('value')), { maxLength: 5 })
    .map((entries) => Object.fromEntries(entries)), // fromEntries makes own `__proto__` keys, like JSON.parse
}));
/** Well-typed role/scope claims, so that successful mappings with roles are common too. */
const roleList = fc.array(fc.oneof(text, fc.constantFrom('admin', 'support', 'customer')), { maxLength: 4 });
const wellTyped = fc.array(
  fc.oneof(
    fc.tuple(fc.constantFrom('roles', 'groups', 'cognito:groups'), roleList),
    fc.tuple(
      fc.constant('realm_access'),
      roleList.map((roles) => ({ roles })),
    ),
    fc.tuple(
      fc.constant('resource_access'),
      roleList.map((roles) => ({ 'orders-api': { roles }, 'orders-web': { roles } })),
    ),
    fc.tuple(fc.constantFrom('scope', 'scp'), text),
    fc.tuple(fc.constantFrom('scp', 'permissions'), fc.array(text, { maxLength: 3 })),
  ),
  { maxLength: 4 },
);
const claimsArb = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom(...KEYS), value), { maxLength: 8 }),
    wellTyped,
    fc.option(text, { nil: undefined, freq: 10 }),
    fc.option(text, { nil: undefined, freq: 10 }),
  )
  .map(([noise, typed, iss, sub]) => ({
    // usually a valid identity, so the mapping of scopes and roles is reached
    ...(iss === undefined ? {} : { iss: `https://as/${iss}` }),
    ...(sub === undefined ? {} : { sub: `u${sub}` }),
    ...Object.fromEntries(typed),
    ...Object.fromEntries(noise),
  }));

/** Every string that literally appears anywhere in the claims, and the space-separated pieces of each. */
function literalStrings(root: unknown): { strings: Set<string>; arrayStrings: Set<string> } {
  const strings = new Set<string>();
  const arrayStrings = new Set<string>();
  const stack: [unknown, boolean][] = [[root, false]];
  while (stack.length) {
    const [node, inArray] = stack.pop()!;
    if (typeof node === 'string') {
      strings.add(node);
      for (const piece of node.split(' ')) strings.add(piece);
      if (inArray) arrayStrings.add(node);
    } else if (Array.isArray(node)) {
      for (const item of node) stack.push([item, true]);
    } else if (node !== null && typeof node === 'object') {
      for (const key of Object.keys(node)) stack.push([(node as Record<string, unknown>)[key], false]);
    }
  }
  return { strings, arrayStrings };
}

const PRESETS = Object.keys(CLAIMS_PRESETS) as ClaimsPreset[];
const mappers = PRESETS.flatMap((preset) => [
  // Presets with a `{clientId}` path (keycloak) need the API's client id: here the other one of the generator's two.
  {
    name: preset,
    map: createPrincipalMapper(preset, preset === 'keycloak' ? { clientId: 'orders-web' } : {}),
    expanded: false,
  },
  {
    name: `${preset}+hierarchy`,
    map: createPrincipalMapper(preset, { roleHierarchy: HIERARCHY, clientId: 'orders-api' }),
    expanded: true,
  },
]);

describe('createPrincipalMapper (property)', () => {
  it('throws nothing but PortcullisError and never grants a scope or role that is not literally present', () => {
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    const seen = { mapped: 0, withScopes: 0, withRoles: 0, rejected: 0 };
    fc.assert(
      fc.property(claimsArb, fc.integer({ min: 0, max: mappers.length - 1 }), (claims, index) => {
        const { map, expanded } = mappers[index]!;
        const { strings, arrayStrings } = literalStrings(claims);
        let principal;
        try {
          principal = map(claims as Record<string, unknown>);
        } catch (error) {
          expect(error).toBeInstanceOf(PortcullisError);
          expect(['ERR_CLAIM_INVALID', 'ERR_INTERNAL']).toContain((error as PortcullisError).code);
          seen.rejected += 1;
          return;
        }
        for (const scope of principal.scopes) expect(strings.has(scope)).toBe(true);
        for (const role of principal.grantedRoles) expect(arrayStrings.has(role)).toBe(true);
        const allowedRoles = expanded ? hierarchy.expand(principal.grantedRoles) : new Set(principal.grantedRoles);
        for (const role of principal.roles) expect(allowedRoles.has(role)).toBe(true);
        expect(principal.subject).toBe(claims.sub);
        expect(Object.isFrozen(principal)).toBe(true);
        seen.mapped += 1;
        if (principal.scopes.size) seen.withScopes += 1;
        if (principal.grantedRoles.length) seen.withRoles += 1;
      }),
      { numRuns: 3000 },
    );
    // The generator reaches every branch: rejected claims, and principals with scopes and roles.
    expect(seen.rejected).toBeGreaterThan(0);
    expect(seen.withScopes).toBeGreaterThan(0);
    expect(seen.withRoles).toBeGreaterThan(0);
    // Nothing above may have written to Object.prototype.
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>)['roles']).toBeUndefined();
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
  });

  it('never grants a scope containing a tab or other non scope-token character', () => {
    const map = createPrincipalMapper();
    fc.assert(
      fc.property(text, (scope) => {
        let principal;
        try {
          principal = map({ iss: 'i', sub: 's', scope });
        } catch {
          return;
        }
        for (const s of principal.scopes) expect(s).toMatch(/^[\x21\x23-\x5B\x5D-\x7E]+$/);
      }),
      { numRuns: 1000 },
    );
  });
});
