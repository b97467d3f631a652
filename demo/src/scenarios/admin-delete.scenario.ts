import type { ApiAnswer } from '../api/orders-api-client.js';
import { anOrderOf, placeOrder } from './demo-orders.js';
import type { Scenario } from './scenario.js';

/** What {@link adminDeleteScenario} observed. */
export interface AdminDeleteResult {
  readonly orderId: string;
  readonly supportRead: ApiAnswer;
  readonly supportDelete: ApiAnswer;
  readonly adminDelete: ApiAnswer;
  readonly afterDelete: ApiAnswer;
  readonly adminOtherOrg: ApiAnswer;
}

/**
 * 8. Roles: admin ada deletes an order of her org; support agent sam may read it but not delete
 * it (403); and no role crosses an org (ada on a globex order: 404).
 */
export const adminDeleteScenario: Scenario<AdminDeleteResult> = {
  id: 'admin-delete',
  title: 'Roles: admin ada deletes an order of her org; support sam cannot (403)',
  explanation:
    'Staff sign in through orders-backoffice (a confidential client). admin inherits support;\n' +
    'only admin may delete, and only within its own org.',
  async run(ctx) {
    const alice = await ctx.signIn('alice');
    const order = await placeOrder(ctx, alice, 'alice places an order (the one to delete)');

    const sam = await ctx.signIn('sam', { client: 'backoffice' });
    const supportRead = await ctx.api.call('GET', `/orders/${order.id}`, { token: sam.accessToken });
    ctx.expectStatus(supportRead, 200, "support sam reads alice's order (same org)");
    const supportDelete = await ctx.api.call('DELETE', `/orders/${order.id}`, { token: sam.accessToken });
    ctx.expectStatus(supportDelete, 403, 'support sam tries to delete it');

    const ada = await ctx.signIn('ada', { client: 'backoffice' });
    const adminDelete = await ctx.api.call('DELETE', `/orders/${order.id}`, { token: ada.accessToken });
    ctx.expectStatus(adminDelete, 204, 'admin ada deletes it');
    const afterDelete = await ctx.api.call('GET', `/orders/${order.id}`, { token: alice.accessToken });
    ctx.expectStatus(afterDelete, 404, 'alice looks for it afterwards');

    ctx.narrator.explain('No role crosses an org: ada tries an order of globex.');
    const carol = await ctx.signIn('carol');
    const carolsOrder = await anOrderOf(ctx, carol);
    const adminOtherOrg = await ctx.api.call('DELETE', `/orders/${carolsOrder.id}`, { token: ada.accessToken });
    ctx.expectStatus(adminOtherOrg, 404, "admin ada tries to delete carol's order (org globex)");
    return { orderId: order.id, supportRead, supportDelete, adminDelete, afterDelete, adminOtherOrg };
  },
};
