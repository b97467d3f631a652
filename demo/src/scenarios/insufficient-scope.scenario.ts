import type { ApiAnswer } from '../api/orders-api-client.js';
import { DEMO_ORDER_BODY } from './demo-orders.js';
import { ORDERS_RESOURCE_METADATA_URL } from './discover-resource.js';
import type { Scenario } from './scenario.js';

/**
 * The exact RFC 6750 challenge the orders API sends for a token without `orders:write`, with the
 * URL of its RFC 9728 metadata, as on every challenge.
 */
export const INSUFFICIENT_SCOPE_CHALLENGE = `Bearer realm="orders", error="insufficient_scope", error_description="The access token lacks a required scope", scope="orders:write", resource_metadata="${ORDERS_RESOURCE_METADATA_URL}"`;

/** What {@link insufficientScopeScenario} observed. */
export interface InsufficientScopeResult {
  readonly scope: string;
  readonly read: ApiAnswer;
  readonly create: ApiAnswer;
}

/**
 * 4. alice authorizes the app for `orders:read` only; the token can list but not create: 403
 * with the `insufficient_scope` challenge naming the missing scope.
 */
export const insufficientScopeScenario: Scenario<InsufficientScopeResult> = {
  id: 'insufficient-scope',
  title: 'A read-only token tries to create an order: 403 insufficient_scope',
  explanation:
    'alice signs in again, this time granting the app the scope orders:read only. Scopes limit what\n' +
    'the app may do on her behalf, whatever her role.',
  async run(ctx) {
    const alice = await ctx.signIn('alice', { scope: 'openid orders:read' });
    ctx.check(alice.scope === 'orders:read', 'the token endpoint granted scope "orders:read" only');
    const read = await ctx.api.call('GET', '/orders', { token: alice.accessToken });
    ctx.expectStatus(read, 200, 'the read-only token lists orders');
    const create = await ctx.api.call('POST', '/orders', { token: alice.accessToken, json: DEMO_ORDER_BODY });
    ctx.expectStatus(create, 403, 'the read-only token tries POST /orders');
    ctx.check(
      create.wwwAuthenticate === INSUFFICIENT_SCOPE_CHALLENGE,
      'WWW-Authenticate is exactly the RFC 6750 insufficient_scope challenge (with resource_metadata)',
      `got ${String(create.wwwAuthenticate)}`,
    );
    return { scope: alice.scope, read, create };
  },
};
