import type { ColumnType, Generated } from 'kysely';

/** Order lifecycle states. */
export const ORDER_STATUSES = ['pending', 'cancelled', 'fulfilled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** One line of an order as stored in `orders.items` (jsonb). */
export interface StoredOrderItem {
  readonly sku: string;
  readonly qty: number;
  readonly priceCents: number;
}

/** Row shape of the `orders` table. */
export interface OrdersTable {
  /** Opaque id, `ord_` + 22 base64url characters. */
  id: string;
  org_id: string;
  owner_id: string;
  /** Read back parsed; written as a JSON string (both drivers then agree on the encoding). */
  items: ColumnType<StoredOrderItem[], string, string>;
  /** `bigint`: the pg driver answers a string, so it is converted on read. */
  total_cents: ColumnType<string | number | bigint, number, number>;
  status: OrderStatus;
  internal_note: string | null;
  risk_score: number | null;
  /** Millisecond precision (written by the app), so it round-trips through JS dates for cursors. */
  created_at: ColumnType<Date, Date, never>;
  updated_at: ColumnType<Date, Date, Date>;
  /** Optimistic-lock counter. */
  version: Generated<number>;
}

/** The database as Kysely sees it. */
export interface DatabaseSchema {
  orders: OrdersTable;
}
