import * as client from 'openid-client';
import type { ApiAnswer } from '../api/orders-api-client.js';
import { shortToken } from '../trace/redact.js';
import type { Scenario } from './scenario.js';

/** What {@link refreshRotationScenario} observed. */
export interface RefreshRotationResult {
  readonly r1: string;
  readonly r2: string;
  readonly withNewAccessToken: ApiAnswer;
  /** OAuth error of reusing R1, then of using R2 afterwards. */
  readonly reuseError: string | undefined;
  readonly afterReuseError: string | undefined;
}

/** The OAuth `error` of a failed token request, or `undefined` when it did not fail that way. */
async function tokenError(request: Promise<unknown>): Promise<string | undefined> {
  try {
    await request;
    return undefined;
  } catch (error) {
    return error instanceof client.ResponseBodyError ? error.error : undefined;
  }
}

/**
 * 5. Refresh-token rotation and reuse detection: R1 → R2; presenting R1 again is treated as
 * theft, so the whole grant is revoked and R2 dies too.
 */
export const refreshRotationScenario: Scenario<RefreshRotationResult> = {
  id: 'refresh-rotation',
  title: 'Refresh rotation: R1 → R2; reusing R1 revokes the grant (R2 dies too)',
  explanation:
    'Every refresh returns a new refresh token and consumes the old one. If a consumed one comes\n' +
    'back, someone copied it: the auth server revokes the whole grant, including the newest token.',
  async run(ctx) {
    const alice = await ctx.signIn('alice');
    ctx.check(
      alice.refreshToken !== undefined,
      `the code exchange returned refresh token R1 ${alice.refreshToken ? shortToken(alice.refreshToken) : ''}`,
    );
    const r1 = alice.refreshToken!;

    const rotated = await client.refreshTokenGrant(ctx.clients.web, r1);
    const r2 = rotated.refresh_token;
    ctx.check(
      r2 !== undefined && r2 !== r1,
      `refreshing R1 returned a new access token and R2 ${r2 ? shortToken(r2) : ''}`,
    );
    const withNewAccessToken = await ctx.api.call('GET', '/orders', { token: rotated.access_token });
    ctx.expectStatus(withNewAccessToken, 200, 'the new access token works');

    ctx.narrator.explain('Now R1, already used, comes back (as if stolen):');
    const reuseError = await tokenError(client.refreshTokenGrant(ctx.clients.web, r1));
    ctx.check(reuseError === 'invalid_grant', 'reusing R1: invalid_grant', `got ${String(reuseError)}`);
    ctx.narrator.explain('And the legitimate holder of R2 tries next:');
    const afterReuseError = await tokenError(client.refreshTokenGrant(ctx.clients.web, r2!));
    ctx.check(
      afterReuseError === 'invalid_grant',
      'R2 is refused too: the grant was revoked',
      `got ${String(afterReuseError)}`,
    );
    ctx.narrator.note(
      'Access tokens already issued are self-contained JWTs: they stay valid until exp (15 min). Scenario 6 shows how the API revokes one.',
    );
    return { r1, r2: r2!, withNewAccessToken, reuseError, afterReuseError };
  },
};
