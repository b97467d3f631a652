import type { Principal } from '@portcullis/core';

/**
 * Loads the resource a route acts on, for `@OwnedResource()`. Register it as a provider in any
 * module; the guard resolves it once per request, before the handler runs.
 *
 * `load` returns `undefined` or `null` (as most repositories do) for an id that does not exist: the
 * guard answers 404, exactly as for a resource the caller may not see. A `load` that throws gives 500 `ERR_INTERNAL`
 * (details withheld) and the handler does not run.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class OrderResolver implements ResourceResolver<Order> {
 *   constructor(private readonly orders: OrdersRepository) {}
 *   load(id: string) { return this.orders.findById(id); }
 *   ownerOf(order: Order) { return order.ownerId; }
 *   tenantOf(order: Order) { return order.orgId; }
 * }
 * ```
 */
export interface ResourceResolver<T> {
  /** Load the resource by the route parameter's value; `undefined` or `null` when it does not exist. */
  load(id: string, principal: Principal, request: unknown): Promise<T | null | undefined>;
  /** Subject (`sub`) of the resource's owner. */
  ownerOf(resource: T): string | undefined;
  /** Tenant / organisation of the resource, compared with the token's tenant. */
  tenantOf?(resource: T): string | undefined;
}
