import type { ApiAnswer } from '../api/orders-api-client.js';
import { errorCode } from '../api/order-json.js';
import type { Scenario } from './scenario.js';

/** What {@link logoutScenario} observed. */
export interface LogoutResult {
  readonly before: ApiAnswer;
  readonly logout: ApiAnswer;
  readonly after: ApiAnswer;
  readonly otherSession: ApiAnswer;
}

/**
 * 6. Logout at the API revokes the presented access token (its `jti`) until it expires: the same
 * token is refused at once with 401 `invalid_token`; another session of the same user goes on.
 */
export const logoutScenario: Scenario<LogoutResult> = {
  id: 'logout',
  title: 'Logout: POST /sessions/logout → the same token is refused (401 invalid_token)',
  explanation:
    'A JWT cannot be recalled from the client, so the API keeps a revocation list: logout puts the\n' +
    "token's jti on it until the token would have expired, and every request checks it.",
  async run(ctx) {
    const alice = await ctx.signIn('alice');
    const otherDevice = await ctx.signIn('alice');
    const before = await ctx.api.call('GET', '/orders', { token: alice.accessToken });
    ctx.expectStatus(before, 200, 'the token works');
    const logout = await ctx.api.call('POST', '/sessions/logout', { token: alice.accessToken });
    ctx.expectStatus(logout, 204, 'logout');
    const after = await ctx.api.call('GET', '/orders', { token: alice.accessToken });
    ctx.expectStatus(after, 401, 'the same token, right after logout');
    ctx.check(
      /^Bearer realm="orders", error="invalid_token"/.test(after.wwwAuthenticate ?? '') &&
        errorCode(after.body) === 'ERR_TOKEN_REVOKED',
      'challenge error="invalid_token", code ERR_TOKEN_REVOKED',
      `got ${String(after.wwwAuthenticate)} / ${String(errorCode(after.body))}`,
    );
    const otherSession = await ctx.api.call('GET', '/orders', { token: otherDevice.accessToken });
    ctx.expectStatus(otherSession, 200, "alice's other session (another token) is not affected");
    return { before, logout, after, otherSession };
  },
};
