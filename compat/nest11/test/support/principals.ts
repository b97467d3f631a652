/**
 * Token claims of the callers of the orders app (minted by @portcullis/testing's issuer).
 * Orders (owner, org): o-a1 (alice, acme), o-b1 (bob, acme), o-c1 (carol, globex).
 */
export const PRINCIPALS = {
  alice: { sub: 'alice', scope: 'orders:read', roles: ['customer'], org_id: 'acme' },
  bob: { sub: 'bob', scope: 'orders:read', roles: ['customer'], org_id: 'acme' },
  carol: { sub: 'carol', scope: 'orders:read', roles: ['customer'], org_id: 'globex' },
  /** Support sees every order of its own org (allowRoles), no other org's. */
  sam: { sub: 'sam', scope: 'orders:read', roles: ['support'], org_id: 'acme' },
  /** Admin inherits support through the role hierarchy. */
  ada: { sub: 'ada', scope: 'orders:read', roles: ['admin'], org_id: 'acme' },
  /** No tenant claim: refused by tenant-bound ownership before any load. */
  dora: { sub: 'dora', scope: 'orders:read', roles: ['customer'] },
  /** Alice's token without the read scope. */
  aliceWriteOnly: { sub: 'alice', scope: 'orders:write', roles: ['customer'], org_id: 'acme' },
  /** A machine client whose client id equals alice's subject: it owns nothing of alice's. */
  aliceClient: { sub: 'alice', client_id: 'alice', scope: 'orders:read', org_id: 'acme' },
} as const;
