import { createPrincipalMapper } from '../../src/principal/create-principal-mapper.js';
import type { Principal } from '../../src/principal/principal.js';

/** SPEC §0.2 users and tenants, plus a support agent and machine clients. */
const mapper = createPrincipalMapper('rfc9068', { roleHierarchy: { admin: ['support'], support: [] } });
const NOW = 1_767_225_600;

export function principalOf(claims: Record<string, unknown>): Principal {
  return mapper({
    iss: 'https://as.example.test',
    client_id: 'orders-web',
    iat: NOW,
    exp: NOW + 300,
    jti: `j-${String(claims['sub'])}`,
    ...claims,
  });
}

export const alice = principalOf({
  sub: 'user-alice',
  scope: 'orders:read orders:write',
  roles: ['customer'],
  org_id: 't1',
});
export const bob = principalOf({
  sub: 'user-bob',
  scope: 'orders:read orders:write',
  roles: ['customer'],
  org_id: 't1',
});
export const carol = principalOf({
  sub: 'user-carol',
  scope: 'orders:read orders:write',
  roles: ['customer'],
  org_id: 't2',
});
export const dave = principalOf({
  sub: 'user-dave',
  scope: 'orders:read orders:write',
  roles: ['admin'],
  org_id: 't1',
});
export const sam = principalOf({ sub: 'user-sam', scope: 'orders:read', roles: ['support'], org_id: 't1' });
export const noTenant = principalOf({ sub: 'user-dora', scope: 'orders:read', roles: ['customer'] });
export const fullwidthTenant = principalOf({
  sub: 'user-alice',
  scope: 'orders:read',
  roles: ['support'],
  org_id: 't\uff11',
});
/** Client credentials (sub = client_id) — SPEC 125. */
export const reporting = principalOf({
  sub: 'svc-reporting',
  client_id: 'svc-reporting',
  scope: 'orders:read',
  org_id: 't1',
});
/** A client registered with client_id = user-alice — SPEC 126. */
export const spoofClient = principalOf({
  sub: 'user-alice',
  client_id: 'user-alice',
  scope: 'orders:read orders:write',
  org_id: 't1',
});
/** Same subject as alice, other issuer — SPEC 127. */
export const aliceElsewhere = principalOf({
  iss: 'https://other-as.example.test',
  sub: 'user-alice',
  scope: 'orders:read',
  roles: ['customer'],
  org_id: 't1',
});

export interface Order {
  readonly id: string;
  readonly ownerId: string;
  readonly orgId: string;
}

export const ORDERS: Readonly<Record<string, Order>> = {
  'o-a1': { id: 'o-a1', ownerId: 'user-alice', orgId: 't1' },
  'o-b1': { id: 'o-b1', ownerId: 'user-bob', orgId: 't1' },
  'o-c1': { id: 'o-c1', ownerId: 'user-carol', orgId: 't2' },
};

/** The repository lookup: undefined when absent. */
export const load = (id: string): Order | undefined => (Object.hasOwn(ORDERS, id) ? ORDERS[id] : undefined);
