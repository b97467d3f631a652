import type { Migration } from 'kysely/migration';
import * as createOrders from './0001-create-orders.js';

/**
 * Every migration, by name, in order. A static list (rather than a folder scan) works the same
 * from `src/` under Jest and from `dist/` in production.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '0001-create-orders': createOrders,
});
