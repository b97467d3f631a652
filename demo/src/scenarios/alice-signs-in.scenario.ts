import type { ApiAnswer } from '../api/orders-api-client.js';
import { asOrderPage, hasInternalFields, type OrderJson } from '../api/order-json.js';
import type { Session } from '../oauth/sign-in.js';
import { DEMO_ORDER_BODY, placeOrder } from './demo-orders.js';
import type { Scenario } from './scenario.js';

/** What {@link aliceSignsInScenario} observed. */
export interface AliceSignsInResult {
  readonly session: Session;
  readonly list: ApiAnswer;
  readonly created: OrderJson;
  readonly smuggled: ApiAnswer;
}

/**
 * 2. A customer signs in with authorization code + PKCE through the public client `orders-web`,
 * lists her orders (only hers) and places one (owner and org come from the token).
 */
export const aliceSignsInScenario: Scenario<AliceSignsInResult> = {
  id: 'alice-signs-in',
  title: 'alice signs in (authorization code + PKCE, public client) and lists her orders',
  explanation:
    'orders-web has no secret, so PKCE (S256) binds the code to a verifier only this client knows.\n' +
    'openid-client builds the authorization URL and redeems the code; the demo plays the browser at\n' +
    'the login and consent forms (plain fetch, manual redirects, a cookie jar).',
  async run(ctx) {
    const session = await ctx.signIn('alice', { narrate: true });
    const { claims } = session;
    ctx.check(
      claims.sub === 'alice' &&
        claims['org_id'] === 'acme' &&
        JSON.stringify(claims['roles']) === '["customer"]' &&
        claims['scope'] === 'orders:read orders:write',
      'the token carries sub=alice, roles=[customer], org_id=acme, scope "orders:read orders:write"',
    );

    const list = await ctx.api.call('GET', '/orders', { token: session.accessToken });
    ctx.expectStatus(list, 200, 'alice lists her orders');
    const orders = asOrderPage(list.body) ?? [];
    ctx.check(
      orders.every((o) => o.ownerId === 'alice'),
      `all ${orders.length} listed orders are alice's own (none of bob's, none of globex)`,
    );
    ctx.check(!orders.some(hasInternalFields), 'a customer does not see the internal fields');

    ctx.narrator.explain('She places an order: the body holds items only; owner and org come from the verified token.');
    const created = await placeOrder(ctx, session, 'alice places an order');
    ctx.check(created.orgId === 'acme' && created.status === 'pending', 'it is pending, in org acme');

    ctx.narrator.explain("Trying to place it in bob's name is refused: the body may not name an owner.");
    const smuggled = await ctx.api.call('POST', '/orders', {
      token: session.accessToken,
      json: { ...DEMO_ORDER_BODY, ownerId: 'bob' },
    });
    ctx.expectStatus(smuggled, 400, 'an order body with "ownerId": "bob"');
    return { session, list, created, smuggled };
  },
};
