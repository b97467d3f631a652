/**
 * SPEC.md §0.2 fixtures mapped onto our setup: realm `orders`, the local issuer and audience,
 * `org_id` as the tenant claim (t1 = `acme`, t2 = `globex`), and the users of the orders API
 * contract (alice, bob, carol, sam, ada; SPEC's "dave" is `ada`, the acme admin).
 *
 * The SPEC targets (a)–(c) have SPEC's orders `o-a1`, `o-b1`, `o-c1`; the orders API (d) has its
 * seeded orders (`ord_seedalice…`). A {@link World} gives each case the ids, paths and settings
 * of the target it runs on, so one factory serves all four targets.
 */
import type { TargetName } from '../targets/target-handle.js';

/** Principals of the corpus (claims besides iss/aud/iat/exp/jti). */
export const PRINCIPALS = {
  /** SPEC's T0 subject: customer of t1 with read and write. */
  alice: { sub: 'alice', client_id: 'orders-web', scope: 'orders:read orders:write', roles: ['customer'], org_id: 'acme' },
  /** alice with `orders:read` only (SPEC 17, 118, 121). */
  aliceRead: { sub: 'alice', client_id: 'orders-web', scope: 'orders:read', roles: ['customer'], org_id: 'acme' },
  bob: { sub: 'bob', client_id: 'orders-web', scope: 'orders:read orders:write', roles: ['customer'], org_id: 'acme' },
  carol: { sub: 'carol', client_id: 'orders-web', scope: 'orders:read orders:write', roles: ['customer'], org_id: 'globex' },
  sam: { sub: 'sam', client_id: 'orders-backoffice', scope: 'orders:read orders:write', roles: ['support'], org_id: 'acme' },
  /** SPEC's "dave": the admin of t1. */
  ada: { sub: 'ada', client_id: 'orders-backoffice', scope: 'orders:read orders:write', roles: ['admin'], org_id: 'acme' },
  /** An admin of t1 whose role is withdrawn during case 128. */
  dave: { sub: 'dave', client_id: 'orders-backoffice', scope: 'orders:read orders:write', roles: ['admin'], org_id: 'acme' },
  /** A customer whose tokens are revoked subject-wide in case 131. */
  erin: { sub: 'erin', client_id: 'orders-web', scope: 'orders:read orders:write', roles: ['customer'], org_id: 'acme' },
  /** Client-credentials token of a reporting service: `sub` = `client_id`, no user (SPEC 125). */
  svc: { sub: 'svc-reporting', client_id: 'svc-reporting', scope: 'orders:read' },
  /** A client whose id equals a user's subject (SPEC 126). */
  spoof: { sub: 'alice', client_id: 'alice', scope: 'orders:read orders:write' },
} as const satisfies Record<string, Record<string, unknown>>;

export type PrincipalName = keyof typeof PRINCIPALS;

/** Tenants: SPEC t1/t2. */
export const T1 = 'acme';
export const T2 = 'globex';

/** An HTTP operation of a world. */
export interface Operation {
  readonly method: string;
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
}

/** The ids, paths and settings one target offers to the corpus. */
export interface World {
  readonly target: TargetName;
  /** `spec` for targets (a)–(c), `orders-api` for (d). */
  readonly family: 'spec' | 'orders-api';
  /** SPEC o-a1 (alice, t1), o-b1 (bob, t1), o-c1 (carol, t2), and an id that does not exist. */
  readonly orders: { readonly a1: string; readonly b1: string; readonly c1: string; readonly missing: string };
  /** `GET /orders/:id` path. */
  order(id: string): string;
  /** A JSON body `POST /orders` accepts. */
  readonly createBody: string;
  /**
   * The admin-only function of the target: `GET /admin/orders` on the SPEC app; on the orders
   * API `POST /admin/users/mallory/revoke-tokens` (its only admin function; `mallory` owns nothing).
   */
  readonly adminOp: Operation;
  /** A write on another user's order that is not a delete (`PATCH` on the SPEC app, `cancel` on the orders API). */
  ownerWrite(id: string): Operation;
  /** `GET /tenants/:tenant/orders`, when the target has it. */
  tenantOrders?(tenant: string): string;
  /** `GET /me/orders` (users only), when the target has it; the orders API's user-only list is `/orders`. */
  readonly meOrders: string;
  /** A route without any rule (SPEC 19), when the target has one. */
  readonly noRule?: string;
  /** Clock leeway of the target's verifier, seconds. */
  readonly leewaySeconds: number;
  /** Challenge wording: realm and (when configured) the RFC 9728 metadata URL. */
  readonly challenge: { readonly realm: string; readonly resourceMetadata?: string };
  /**
   * The RFC 9728 document the target serves (SPEC 177), besides `authorization_servers` (the test
   * issuer) and `bearer_methods_supported` (`["header"]`): where, for which resource, which scopes.
   */
  readonly metadata?: {
    readonly path: string;
    readonly resource: string;
    readonly scopes: readonly string[];
    /** `resource_name`, when the target sets one. */
    readonly name?: string;
  };
  /** Whether the target allows EdDSA (library default) — SPEC 51 uses it as a disallowed alg otherwise. */
  readonly allowsEdDSA: boolean;
}

/** `ord_` ids of the orders API's seed (apps/orders-api/src/database/seed.ts `seedOrderId`). */
export function seedOrderId(name: string, n: number): string {
  return `ord_${`seed${name}`.padEnd(20, '0')}${String(n).padStart(2, '0')}`;
}

/** The resource identifier of every target: SPEC §0.2's, also the test issuer's default audience. */
const SPEC_RESOURCE = 'https://api.example.test/orders';

/** The world of a SPEC target (a)–(c). */
export function specWorld(target: TargetName, resourceMetadata: string): World {
  return {
    target,
    family: 'spec',
    orders: { a1: 'o-a1', b1: 'o-b1', c1: 'o-c1', missing: 'o-doesnotexist' },
    order: (id) => `/orders/${id}`,
    createBody: JSON.stringify({ items: [{ sku: 'BOOK-001', qty: 1, priceCents: 1299 }] }),
    adminOp: { method: 'GET', path: '/admin/orders' },
    ownerWrite: (id) => ({ method: 'PATCH', path: `/orders/${id}`, body: JSON.stringify({ note: 'x' }), contentType: 'application/json' }),
    tenantOrders: (tenant) => `/tenants/${tenant}/orders`,
    meOrders: '/me/orders',
    noRule: '/no-rule',
    leewaySeconds: 60,
    challenge: { realm: 'orders', resourceMetadata },
    metadata: { path: '/.well-known/oauth-protected-resource/orders', resource: SPEC_RESOURCE, scopes: ['orders:read', 'orders:write'] },
    allowsEdDSA: false,
  };
}

/** The world of the orders API (d). */
export function ordersApiWorld(): World {
  return {
    target: 'orders-api',
    family: 'orders-api',
    orders: { a1: seedOrderId('alice', 1), b1: seedOrderId('bob', 1), c1: seedOrderId('carol', 1), missing: 'ord_doesnotexist0000000000' },
    order: (id) => `/orders/${id}`,
    createBody: JSON.stringify({ items: [{ sku: 'BOOK-001', qty: 1, priceCents: 1299 }] }),
    adminOp: { method: 'POST', path: '/admin/users/mallory/revoke-tokens' },
    ownerWrite: (id) => ({ method: 'POST', path: `/orders/${id}/cancel` }),
    meOrders: '/orders',
    leewaySeconds: 5,
    // The orders API derives both from its audience, the test issuer's `https://api.example.test/orders`.
    challenge: { realm: 'orders', resourceMetadata: 'https://api.example.test/.well-known/oauth-protected-resource/orders' },
    metadata: {
      path: '/.well-known/oauth-protected-resource/orders',
      resource: SPEC_RESOURCE,
      scopes: ['orders:read', 'orders:write', 'orders:fulfil'],
      name: 'Portcullis orders API',
    },
    allowsEdDSA: true,
  };
}
