import type { ApiAnswer } from '../api/orders-api-client.js';
import { errorCode } from '../api/order-json.js';
import { anOrderOf } from './demo-orders.js';
import type { Scenario } from './scenario.js';

/** A well-formed order id that names no order. */
export const ABSENT_ORDER_ID = 'ord_AAAAAAAAAAAAAAAAAAAAAA';

/** What {@link otherPeoplesOrdersScenario} observed. */
export interface OtherPeoplesOrdersResult {
  readonly bobsOrderId: string;
  readonly carolsOrderId: string;
  readonly bobs: ApiAnswer;
  readonly carols: ApiAnswer;
  readonly absent: ApiAnswer;
}

/**
 * 3. alice asks for bob's order (same org, another customer) and carol's (another org): both
 * 404, the same answer as for an order that does not exist, so she learns nothing.
 */
export const otherPeoplesOrdersScenario: Scenario<OtherPeoplesOrdersResult> = {
  id: 'other-peoples-orders',
  title: "alice tries bob's order and carol's (another org): 404, like an absent order",
  explanation:
    'Ownership and tenant are checked on the loaded order. A caller who may not see an order gets\n' +
    'the same 404 as for an order that does not exist, so ids cannot be probed.',
  async run(ctx) {
    ctx.narrator.explain('First, bob and carol each show one of their orders (to get real ids).');
    const bob = await ctx.signIn('bob');
    const bobsOrder = await anOrderOf(ctx, bob);
    const carol = await ctx.signIn('carol');
    const carolsOrder = await anOrderOf(ctx, carol);
    ctx.check(carolsOrder.orgId === 'globex', "carol's order is in org globex");

    const alice = await ctx.signIn('alice');
    const bobs = await ctx.api.call('GET', `/orders/${bobsOrder.id}`, { token: alice.accessToken });
    ctx.expectStatus(bobs, 404, "alice asks for bob's order");
    const carols = await ctx.api.call('GET', `/orders/${carolsOrder.id}`, { token: alice.accessToken });
    ctx.expectStatus(carols, 404, "alice asks for carol's order (org globex)");
    const absent = await ctx.api.call('GET', `/orders/${ABSENT_ORDER_ID}`, { token: alice.accessToken });
    ctx.expectStatus(absent, 404, 'alice asks for an order that does not exist');
    ctx.check(
      JSON.stringify(bobs.body) === JSON.stringify(absent.body) &&
        JSON.stringify(carols.body) === JSON.stringify(absent.body),
      `the three answers are identical (${errorCode(absent.body) ?? 'no code'})`,
    );
    return { bobsOrderId: bobsOrder.id, carolsOrderId: carolsOrder.id, bobs, carols, absent };
  },
};
