import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import type { ApiAnswer } from '../api/orders-api-client.js';
import { asOrder, asOrderPage, hasInternalFields } from '../api/order-json.js';
import { shortToken } from '../trace/redact.js';
import { describeClaims } from './demo-context.js';
import type { Scenario } from './scenario.js';

/** What {@link fulfilmentServiceScenario} observed. */
export interface FulfilmentServiceResult {
  readonly serviceToken: string;
  readonly orderId: string;
  readonly read: ApiAnswer;
  readonly fulfil: ApiAnswer;
  readonly customerRoute: ApiAnswer;
}

/**
 * 1. A machine client: `fulfilment-service` gets a token with client credentials and uses the
 * internal routes on an order that support agent sam picked from his organisation's list.
 */
export const fulfilmentServiceScenario: Scenario<FulfilmentServiceResult> = {
  id: 'fulfilment-service',
  title: 'Fulfilment service: client credentials → internal order routes',
  explanation:
    'fulfilment-service is a confidential machine client: it authenticates with its own secret\n' +
    '(HTTP Basic) and gets a token with scope orders:fulfil. No user is involved: sub is the client.',
  async run(ctx) {
    const tokens = await client.clientCredentialsGrant(ctx.clients.fulfilment, { scope: 'orders:fulfil' });
    const claims = decodeJwt(tokens.access_token);
    ctx.narrator.explain(`service token ${shortToken(tokens.access_token)}: ${describeClaims(claims)}`);
    ctx.check(
      claims.sub === 'fulfilment-service' && claims['scope'] === 'orders:fulfil' && claims['roles'] === undefined,
      'the token names the client itself, carries orders:fulfil only and no user roles',
    );

    ctx.narrator.explain(
      "Support agent sam (orders-backoffice) lists his organisation's orders to pick a pending one.",
    );
    const sam = await ctx.signIn('sam', { client: 'backoffice' });
    const list = await ctx.api.call('GET', '/orders', { token: sam.accessToken });
    ctx.expectStatus(list, 200, 'sam lists the orders of acme');
    const orders = asOrderPage(list.body) ?? [];
    ctx.check(
      orders.length > 0 && orders.every((o) => o.orgId === 'acme'),
      `all ${orders.length} orders are acme's (none of globex)`,
    );
    ctx.check(orders.every(hasInternalFields), 'support sees the internal fields (internalNote, riskScore)');
    const pending = orders.find((o) => o.status === 'pending');
    ctx.check(
      pending !== undefined,
      'there is a pending order to fulfil',
      'every listed order is already fulfilled or cancelled',
    );
    const orderId = pending!.id;

    const read = await ctx.api.call('GET', `/internal/orders/${orderId}`, { token: tokens.access_token });
    ctx.expectStatus(read, 200, 'the service reads the order');
    const seen = asOrder(read.body);
    ctx.check(
      seen !== undefined && seen.id === orderId && !hasInternalFields(seen),
      'it gets the standard view (no internal fields)',
    );

    const fulfil = await ctx.api.call('POST', `/internal/orders/${orderId}/fulfil`, { token: tokens.access_token });
    ctx.expectStatus(fulfil, 200, 'the service marks it fulfilled');
    ctx.check(asOrder(fulfil.body)?.status === 'fulfilled', 'status is now "fulfilled"');

    ctx.narrator.explain('A service token is not a user: the customer routes refuse it.');
    const customerRoute = await ctx.api.call('GET', '/orders', { token: tokens.access_token });
    ctx.expectStatus(customerRoute, 403, 'GET /orders with the service token');
    return { serviceToken: tokens.access_token, orderId, read, fulfil, customerRoute };
  },
};
