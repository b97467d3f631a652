import type { OrderStatus } from '../database/database-schema.js';

export type { OrderStatus };

/** One order line. */
export interface OrderItem {
  readonly sku: string;
  readonly qty: number;
  readonly priceCents: number;
}

/** An order as the domain sees it (every field, internal ones included). */
export interface Order {
  readonly id: string;
  readonly orgId: string;
  readonly ownerId: string;
  readonly items: readonly OrderItem[];
  readonly totalCents: number;
  readonly status: OrderStatus;
  readonly createdAt: Date;
  /** Support/admin only. */
  readonly internalNote: string | null;
  /** Support/admin only: 0 (no risk) to 100. */
  readonly riskScore: number | null;
}

/** Sum of `qty × priceCents` over the items. */
export function orderTotal(items: readonly OrderItem[]): number {
  return items.reduce((sum, item) => sum + item.qty * item.priceCents, 0);
}
