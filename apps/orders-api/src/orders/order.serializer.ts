import type { Principal } from '@portcullis/nest';
import type { Order, OrderStatus } from './order.js';

/** `standard`: what customers and machine clients see; `internal`: plus support-only fields. */
export type OrderView = 'standard' | 'internal';

/** Order JSON as customers see it. */
export interface OrderJson {
  readonly id: string;
  readonly orgId: string;
  readonly ownerId: string;
  readonly items: readonly { readonly sku: string; readonly qty: number; readonly priceCents: number }[];
  readonly totalCents: number;
  readonly status: OrderStatus;
  /** ISO-8601 UTC. */
  readonly createdAt: string;
}

/** Order JSON as support and admin see it. */
export interface InternalOrderJson extends OrderJson {
  readonly internalNote: string | null;
  readonly riskScore: number | null;
}

/**
 * The view a principal gets: `internal` for users holding `support` after role-hierarchy
 * expansion (so `admin` too), `standard` for everyone else, machine clients included.
 *
 * @example
 * ```ts
 * orderViewFor(sam); // 'internal'
 * ```
 */
export function orderViewFor(principal: Principal): OrderView {
  return principal.kind === 'user' && principal.roles.has('support') ? 'internal' : 'standard';
}

/**
 * Shapes an order for a response. Fields are copied by name (an allowlist), never spread from
 * the stored row, so a new column cannot leak by accident; internal fields are added only for
 * the `internal` view. The decision is made here, on the server, not left to a UI.
 *
 * @example
 * ```ts
 * res.json(serializeOrder(order, orderViewFor(principal)));
 * ```
 */
export function serializeOrder(order: Order, view: 'internal'): InternalOrderJson;
export function serializeOrder(order: Order, view: OrderView): OrderJson | InternalOrderJson;
export function serializeOrder(order: Order, view: OrderView): OrderJson | InternalOrderJson {
  const json: OrderJson = {
    id: order.id,
    orgId: order.orgId,
    ownerId: order.ownerId,
    items: order.items.map(({ sku, qty, priceCents }) => ({ sku, qty, priceCents })),
    totalCents: order.totalCents,
    status: order.status,
    createdAt: order.createdAt.toISOString(),
  };
  if (view !== 'internal') return json;
  return { ...json, internalNote: order.internalNote, riskScore: order.riskScore };
}
