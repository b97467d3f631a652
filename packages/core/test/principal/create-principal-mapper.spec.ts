import { describe, expect, it } from '@jest/globals';
import { PortcullisError } from '../../src/errors/portcullis-error.js';
import { CLAIMS_PRESETS } from '../../src/principal/claims-presets.js';
import { createPrincipalMapper } from '../../src/principal/create-principal-mapper.js';
import { createRoleHierarchy } from '../../src/principal/role-hierarchy.js';

const NOW = 1_767_225_600;
/** SPEC §0.2 T0 claims. */
const t0 = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  iss: 'https://as.example.test',
  sub: 'user-alice',
  aud: 'https://api.example.test/orders',
  client_id: 'orders-web',
  scope: 'orders:read orders:write',
  iat: NOW,
  exp: NOW + 300,
  jti: 'fixture-0001',
  org_id: 't1',
  roles: ['customer'],
  ...extra,
});

function claimError(fn: () => unknown): PortcullisError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PortcullisError);
    return error as PortcullisError;
  }
  throw new Error('expected a PortcullisError');
}

describe('createPrincipalMapper (rfc9068 default)', () => {
  const map = createPrincipalMapper();

  it('maps T0 to a user principal', () => {
    const p = map(t0());
    expect(p.issuer).toBe('https://as.example.test');
    expect(p.subject).toBe('user-alice');
    expect(p.clientId).toBe('orders-web');
    expect(p.kind).toBe('user');
    expect([...p.scopes]).toEqual(['orders:read', 'orders:write']);
    expect(p.grantedRoles).toEqual(['customer']);
    expect([...p.roles]).toEqual(['customer']);
    expect(p.tenant).toBe('t1');
    expect(p.tokenId).toBe('fixture-0001');
    expect(p.expiresAt).toBe(NOW + 300);
  });

  it('maps a client-credentials token (sub === client_id) to a client', () => {
    const p = map(t0({ sub: 'svc-reporting', client_id: 'svc-reporting', roles: undefined, org_id: undefined }));
    expect(p.kind).toBe('client');
    expect(p.roles.size).toBe(0);
    expect(p.tenant).toBeUndefined();
  });

  it('maps a client whose id equals a user sub to a client, never that user (SPEC 126)', () => {
    expect(map(t0({ sub: 'user-alice', client_id: 'user-alice' })).kind).toBe('client');
  });

  describe('scopes (SPEC 86-89)', () => {
    it('fails closed when scope is an array (SPEC 86)', () => {
      const e = claimError(() => map(t0({ scope: ['orders:read', 'orders:write'] })));
      expect(e.code).toBe('ERR_CLAIM_INVALID');
      expect(e.claim).toBe('scope');
      expect(e.status).toBe(401);
    });

    it.each([null, 42, true, { 'orders:read': true }])('fails closed when scope is %p', (scope) => {
      expect(claimError(() => map(t0({ scope }))).code).toBe('ERR_CLAIM_INVALID');
    });

    it('keeps look-alikes as distinct tokens (SPEC 87, 88)', () => {
      const p = map(t0({ scope: 'orders:readwrite ORDERS:READ' }));
      expect(p.scopes.has('orders:read')).toBe(false);
      expect([...p.scopes]).toEqual(['orders:readwrite', 'ORDERS:READ']);
    });

    it('does not split on tabs or other whitespace (SPEC 89)', () => {
      for (const sep of ['\t', '\n', '\r', '\u00a0', '\u3000', ',', '+']) {
        const p = map(t0({ scope: `orders:read${sep}orders:write` }));
        expect(p.scopes.has('orders:read')).toBe(false);
        expect(p.scopes.has('orders:write')).toBe(false);
      }
    });

    it('drops tokens that are not RFC 6749 scope-tokens and tolerates repeated spaces', () => {
      const p = map(t0({ scope: '  orders:read  "quoted" back\\slash é orders:write ' }));
      expect([...p.scopes]).toEqual(['orders:read', 'orders:write']);
    });

    it('has no scopes when the claim is absent or empty', () => {
      expect(map(t0({ scope: undefined })).scopes.size).toBe(0);
      expect(map(t0({ scope: '' })).scopes.size).toBe(0);
    });
  });

  describe('roles (SPEC 90, 91)', () => {
    it('fails closed when roles is a string (SPEC 91)', () => {
      const e = claimError(() => map(t0({ roles: 'admin' })));
      expect(e.code).toBe('ERR_CLAIM_INVALID');
      expect(e.claim).toBe('roles');
    });

    it.each([[[1]], [[null]], [[['admin']]], [{ 0: 'admin', length: 1 }], [null]])(
      'fails closed on roles %p',
      (roles) => {
        expect(claimError(() => map(t0({ roles }))).code).toBe('ERR_CLAIM_INVALID');
      },
    );

    it('keeps roles byte for byte: no trimming, no case folding', () => {
      const p = map(t0({ roles: ['Admin', 'admin ', ' admin', 'support\u200b'] }));
      expect(p.roles.has('admin')).toBe(false);
      expect(p.roles.has('support')).toBe(false);
      expect(p.grantedRoles).toEqual(['Admin', 'admin ', ' admin', 'support\u200b']);
    });

    it('ignores a __proto__ claim and does not pollute Object.prototype (SPEC 90)', () => {
      const claims = JSON.parse(
        JSON.stringify(t0()).replace(
          /}$/,
          ',"__proto__":{"roles":["admin"],"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
        ),
      ) as Record<string, unknown>;
      expect(Object.hasOwn(claims, '__proto__')).toBe(true);
      const p = map(claims);
      expect(p.grantedRoles).toEqual(['customer']);
      expect(p.roles.has('admin')).toBe(false);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      expect(({} as Record<string, unknown>)['roles']).toBeUndefined();
    });

    it('does not read roles inherited from a prototype', () => {
      const claims = Object.assign(
        Object.create({ roles: ['admin'], scope: 'orders:admin' }) as object,
        t0({ roles: undefined, scope: undefined }),
      );
      delete (claims as Record<string, unknown>)['roles'];
      delete (claims as Record<string, unknown>)['scope'];
      const p = map(claims as Record<string, unknown>);
      expect(p.roles.size).toBe(0);
      expect(p.scopes.size).toBe(0);
    });

    it('expands roles through the hierarchy but keeps grantedRoles literal', () => {
      const m = createPrincipalMapper('rfc9068', { roleHierarchy: { admin: ['support'], support: ['customer'] } });
      const p = m(t0({ roles: ['admin'] }));
      expect(p.grantedRoles).toEqual(['admin']);
      expect([...p.roles].sort()).toEqual(['admin', 'customer', 'support']);
      const h = createRoleHierarchy({ admin: ['support'] });
      expect([...createPrincipalMapper('rfc9068', { roleHierarchy: h })(t0({ roles: ['admin'] })).roles]).toEqual([
        'admin',
        'support',
      ]);
    });
  });

  describe('tenant (SPEC 92, 93)', () => {
    it('leaves the tenant undefined when the claim is missing or empty', () => {
      expect(map(t0({ org_id: undefined })).tenant).toBeUndefined();
      expect(map(t0({ org_id: '' })).tenant).toBeUndefined();
    });

    it('keeps the tenant exactly as written (no normalisation)', () => {
      expect(map(t0({ org_id: 't\uff11' })).tenant).toBe('t\uff11');
    });

    it('fails closed on a non-string tenant', () => {
      expect(claimError(() => map(t0({ org_id: 1 }))).claim).toBe('org_id');
      expect(claimError(() => map(t0({ org_id: ['t1'] }))).claim).toBe('org_id');
    });
  });

  describe('identity claims', () => {
    it.each([
      ['sub', ''],
      ['sub', 123],
      ['sub', null],
      ['sub', undefined],
      ['iss', undefined],
      ['iss', ['https://as.example.test']],
      ['jti', 5],
      ['exp', '4102444800'],
      ['client_id', 7],
      ['client_id', ''],
    ])('fails closed when %s is %p', (claim, value) => {
      const e = claimError(() => map(t0({ [claim]: value })));
      expect(e.code).toBe('ERR_CLAIM_INVALID');
      expect(e.claim).toBe(claim);
    });

    it('never puts a claim value in the error', () => {
      const e = claimError(() => map(t0({ roles: 'super-secret-role-value' })));
      expect(JSON.stringify({ ...e, message: e.message })).not.toContain('super-secret-role-value');
    });

    it('refuses a non-object claims set', () => {
      for (const claims of [null, 'x', [], 1]) {
        expect(claimError(() => map(claims as unknown as Record<string, unknown>)).code).toBe('ERR_CLAIM_INVALID');
      }
    });

    it('turns exotic claims objects (throwing getters) into ERR_CLAIM_INVALID', () => {
      const claims = t0();
      Object.defineProperty(claims, 'roles', {
        enumerable: true,
        get() {
          throw new Error('boom');
        },
      });
      expect(claimError(() => map(claims)).code).toBe('ERR_CLAIM_INVALID');
    });
  });

  describe('immutability', () => {
    it('freezes the principal, its arrays, its sets and the claims', () => {
      const p = map(t0({ realm_access: { roles: ['x'] } }));
      expect(Object.isFrozen(p)).toBe(true);
      expect(Object.isFrozen(p.grantedRoles)).toBe(true);
      expect(Object.isFrozen(p.claims)).toBe(true);
      expect(Object.isFrozen(p.claims['realm_access'])).toBe(true);
      expect(() => {
        (p as { subject: string }).subject = 'bob';
      }).toThrow(TypeError);
      for (const set of [p.scopes, p.roles]) {
        expect((set as unknown as { add?: unknown }).add).toBeUndefined();
        expect(() => Set.prototype.add.call(set as unknown as Set<string>, 'admin')).toThrow(TypeError);
        expect(set.has('admin')).toBe(false);
      }
    });

    it('deep-freezes nested and self-referencing claims without looping', () => {
      const nested: Record<string, unknown> = { level: { deeper: [{ leaf: ['x'] }] } };
      const claims = t0({ nested, list: [1, { two: 2 }] }) as Record<string, unknown>;
      nested['self'] = nested; // a cycle (only possible for claims built in code, not from JSON)
      claims['again'] = nested; // and the same object reached twice
      const p = map(claims);
      const level = nested['level'] as { deeper: Array<{ leaf: string[] }> };
      for (const value of [
        p.claims,
        nested,
        level,
        level.deeper,
        level.deeper[0],
        level.deeper[0]!.leaf,
        claims['list'],
        (claims['list'] as unknown[])[1],
      ]) {
        expect(Object.isFrozen(value)).toBe(true);
      }
    });

    it('keeps scopes and roles it built apart from each other and from later principals', () => {
      const a = map(t0({ scope: 'orders:read', roles: ['support'] }));
      const b = map(t0({ scope: 'orders:write', roles: ['admin'] }));
      expect([...a.scopes]).toEqual(['orders:read']);
      expect([...b.scopes]).toEqual(['orders:write']);
      expect([...a.roles]).toEqual(['support']);
      expect([...b.roles]).toEqual(['admin']);
    });

    it('behaves as a ReadonlySet', () => {
      const p = map(t0());
      expect(p.scopes.size).toBe(2);
      expect([...p.scopes.keys()]).toEqual(['orders:read', 'orders:write']);
      expect([...p.scopes.entries()][0]).toEqual(['orders:read', 'orders:read']);
      const seen: string[] = [];
      p.scopes.forEach((v) => seen.push(v));
      expect(seen).toEqual(['orders:read', 'orders:write']);
      expect(JSON.stringify(p.scopes)).toBe('["orders:read","orders:write"]');
      expect(Object.prototype.toString.call(p.scopes)).toBe('[object ImmutableSet]');
    });
  });
});

describe('claim paths', () => {
  it('reads nested and {clientId} paths, {clientId} being the configured one', () => {
    const m = createPrincipalMapper(
      { roles: ['realm_access.roles', 'resource_access.{clientId}.roles'], clientId: ['azp'] },
      { clientId: 'orders-api' },
    );
    const p = m({
      iss: 'https://kc',
      sub: 'u1',
      azp: 'orders-web',
      realm_access: { roles: ['customer'] },
      resource_access: { 'orders-api': { roles: ['support'] }, 'orders-web': { roles: ['admin'] } },
    });
    expect(p.grantedRoles).toEqual(['customer', 'support']);
    expect(p.clientId).toBe('orders-web');
  });

  it.each([
    ['roles', { roles: ['resource_access.{clientId}.roles'] }],
    ['scopes', { scopes: ['scope', 'resource_access.{clientId}.scopes'] }],
    ['tenant', { tenant: 'tenants.{clientId}' }],
  ])('refuses a {clientId} path in %s without a configured clientId (the caller must not choose)', (_, mapping) => {
    expect(() => createPrincipalMapper({ ...mapping, clientId: ['azp'] })).toThrow(
      /uses \{clientId\}: set this API's own client id \(claimsClientId/,
    );
    expect(() => createPrincipalMapper('keycloak')).toThrow(TypeError);
  });

  it('reads scopes and the tenant through the configured clientId, never the token’s', () => {
    const m = createPrincipalMapper(
      { scopes: ['perms.{clientId}'], tenant: 'tenants.{clientId}', clientId: ['azp'] },
      { clientId: 'orders-api' },
    );
    const p = m({
      iss: 'i',
      sub: 's',
      azp: 'orders-web',
      perms: { 'orders-api': ['orders:read'], 'orders-web': ['orders:admin'] },
      tenants: { 'orders-api': 't1', 'orders-web': 't2' },
    });
    expect([...p.scopes]).toEqual(['orders:read']);
    expect(p.tenant).toBe('t1');
  });

  it('uses the configured clientId for {clientId} when given', () => {
    const m = createPrincipalMapper(CLAIMS_PRESETS.keycloak, { clientId: 'orders-api' });
    const p = m({
      iss: 'https://kc',
      sub: 'u1',
      azp: 'orders-web',
      resource_access: { 'orders-web': { roles: ['admin'] }, 'orders-api': { roles: ['support'] } },
    });
    expect(p.grantedRoles).toEqual(['support']);
  });

  it('addresses claim names with dots in brackets', () => {
    const m = createPrincipalMapper({ roles: ['[https://orders.example.com/roles]', 'ns.[a.b].roles'] });
    const p = m({
      iss: 'i',
      sub: 's',
      'https://orders.example.com/roles': ['support'],
      ns: { 'a.b': { roles: ['x'] } },
    });
    expect(p.grantedRoles).toEqual(['support', 'x']);
  });

  it('fails closed when an intermediate claim has the wrong type', () => {
    const m = createPrincipalMapper('keycloak', { clientId: 'orders-api' });
    const e = claimError(() => m({ iss: 'i', sub: 's', azp: 'c', realm_access: 'admin' }));
    expect(e.claim).toBe('realm_access.roles');
    expect(claimError(() => m({ iss: 'i', sub: 's', azp: 'c', realm_access: ['admin'] })).claim).toBe(
      'realm_access.roles',
    );
  });

  it('grants nothing through a client id named __proto__ (SPEC 90)', () => {
    const m = createPrincipalMapper('keycloak', { clientId: '__proto__' });
    const claims = JSON.parse(
      '{"iss":"i","sub":"s","azp":"__proto__","resource_access":{"__proto__":{"roles":["admin"]}}}',
    ) as Record<string, unknown>;
    expect(m(claims).grantedRoles).toEqual([]);
  });

  it.each([
    ['__proto__.roles'],
    ['a.constructor'],
    ['prototype'],
    [''],
    ['a..b'],
    ['a.'],
    ['.a'],
    ['[a'],
    ['[a]b'],
    [5],
  ])('refuses the claim path %p at creation', (path) => {
    expect(() => createPrincipalMapper({ roles: [path as string] })).toThrow(TypeError);
  });

  it('refuses unknown presets, unknown keys and bad options at creation', () => {
    expect(() => createPrincipalMapper('google' as 'auth0')).toThrow(
      /one of rfc9068, auth0, entra, okta, keycloak, cognito/,
    );
    expect(() => createPrincipalMapper({ role: ['roles'] } as unknown as { roles: string[] })).toThrow(
      /unknown key 'role'/,
    );
    expect(() => createPrincipalMapper('rfc9068', { hierarchy: {} } as unknown as { clientId: string })).toThrow(
      TypeError,
    );
    expect(() => createPrincipalMapper('rfc9068', { roleHierarchy: { a: ['b'], b: ['a'] } })).toThrow(/cycle/);
    expect(() => createPrincipalMapper({ roles: 'roles' as unknown as string[] })).toThrow(TypeError);
    expect(() => createPrincipalMapper({ clientId: ['{clientId}'] })).toThrow(TypeError);
    expect(() => createPrincipalMapper({ kind: 'client' as unknown as () => 'user' })).toThrow(TypeError);
  });

  it('uses a custom kind function and refuses a bad answer with ERR_INTERNAL', () => {
    const m = createPrincipalMapper({ kind: (claims) => (claims['act'] === undefined ? 'user' : 'client') });
    expect(m({ iss: 'i', sub: 's' }).kind).toBe('user');
    expect(m({ iss: 'i', sub: 's', act: {} }).kind).toBe('client');
    const bad = createPrincipalMapper({ kind: () => 'admin' as 'user' });
    expect(claimError(() => bad({ iss: 'i', sub: 's' })).code).toBe('ERR_INTERNAL');
    const throwing = createPrincipalMapper({
      kind: () => {
        throw new Error('x');
      },
    });
    expect(claimError(() => throwing({ iss: 'i', sub: 's' })).code).toBe('ERR_INTERNAL');
  });

  it('accepts scp/permissions arrays but type-checks their members', () => {
    const m = createPrincipalMapper({ scopes: ['scope', 'scp', 'permissions'] });
    const p = m({ iss: 'i', sub: 's', scope: 'a', scp: ['b', 'c d'], permissions: 'e f' });
    expect([...p.scopes]).toEqual(['a', 'b', 'e', 'f']);
    expect(claimError(() => m({ iss: 'i', sub: 's', scp: ['b', 1] })).claim).toBe('scp');
    expect(claimError(() => m({ iss: 'i', sub: 's', permissions: { a: 1 } })).claim).toBe('permissions');
  });
});
