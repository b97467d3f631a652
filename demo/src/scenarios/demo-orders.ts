import { asOrder, asOrderPage, type OrderJson } from '../api/order-json.js';
import type { Session } from '../oauth/sign-in.js';
import type { DemoContext } from './demo-context.js';

/** What the demo orders: small, recognisable items (`DEMO-` SKUs). */
export const DEMO_ORDER_BODY = Object.freeze({ items: [{ sku: 'DEMO-TEA-01', qty: 2, priceCents: 450 }] });

/**
 * Places a demo order as `session`'s user and checks the API answered 201 with an order owned
 * by that user. Scenarios create what they consume, so the demo can run again and again on the
 * same stack (its database persists across restarts).
 *
 * @example
 * ```ts
 * const order = await placeOrder(ctx, alice, 'alice places an order');
 * ```
 */
export async function placeOrder(ctx: DemoContext, session: Session, what: string): Promise<OrderJson> {
  const answer = await ctx.api.call('POST', '/orders', { token: session.accessToken, json: DEMO_ORDER_BODY });
  ctx.expectStatus(answer, 201, what);
  const order = asOrder(answer.body);
  ctx.check(order !== undefined && order.ownerId === session.username, `the new order belongs to ${session.username}`);
  return order!;
}

/**
 * One order of `session`'s user: the newest from `GET /orders`, or a new one when the user has
 * none (a stack started with `SEED=false`).
 *
 * @example
 * ```ts
 * const bobsOrder = await anOrderOf(ctx, bob);
 * ```
 */
export async function anOrderOf(ctx: DemoContext, session: Session): Promise<OrderJson> {
  const answer = await ctx.api.call('GET', '/orders', { token: session.accessToken });
  ctx.expectStatus(answer, 200, `${session.username} lists the orders they can see`);
  const own = (asOrderPage(answer.body) ?? []).find((o) => o.ownerId === session.username);
  return own ?? (await placeOrder(ctx, session, `${session.username} has no order yet and places one`));
}
