/** A resource with an owner and a tenant, for the ownership (anti-IDOR / BOLA) checks. */
export interface Order {
  readonly id: string;
  readonly ownerId: string;
  readonly orgId: string;
  readonly totalCents: number;
}

/** The fixture's orders: (owner, org) o-a1 (alice, acme), o-b1 (bob, acme), o-c1 (carol, globex). */
export const ORDERS: readonly Order[] = [
  { id: 'o-a1', ownerId: 'alice', orgId: 'acme', totalCents: 1250 },
  { id: 'o-b1', ownerId: 'bob', orgId: 'acme', totalCents: 990 },
  { id: 'o-c1', ownerId: 'carol', orgId: 'globex', totalCents: 4200 },
];

/** Loading this id throws, like a database that is down. */
export const BROKEN_ORDER_ID = 'o-broken';
