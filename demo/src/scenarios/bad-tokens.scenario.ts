import { decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import type { ApiAnswer } from '../api/orders-api-client.js';
import { errorCode } from '../api/order-json.js';
import type { DemoContext } from './demo-context.js';
import type { Scenario } from './scenario.js';

/** The exact challenge for a request without credentials (RFC 6750 §3.1: no error code). */
export const MISSING_TOKEN_CHALLENGE = 'Bearer realm="orders"';

/** What {@link badTokensScenario} observed; `expired` is absent when the API's clock cannot be moved. */
export interface BadTokensResult {
  readonly missing: ApiAnswer;
  readonly tampered: ApiAnswer;
  readonly foreign: ApiAnswer;
  readonly expired?: { readonly before: ApiAnswer; readonly after: ApiAnswer };
}

/**
 * alice's real token with one claim changed (`sub` → bob) and the original signature kept.
 *
 * @example
 * ```ts
 * tamperWithToken(token, { sub: 'bob' });
 * ```
 */
export function tamperWithToken(token: string, changes: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
  const altered = Buffer.from(JSON.stringify({ ...claims, ...changes })).toString('base64url');
  return `${header}.${altered}.${signature}`;
}

/**
 * A token with exactly the claims and `kid` of a real one, signed with a key the demo just made:
 * what a forger who read a token (and the public JWKS) could produce.
 *
 * @example
 * ```ts
 * const forged = await forgeWithOwnKey(aliceToken);
 * ```
 */
export async function forgeWithOwnKey(token: string): Promise<string> {
  const { alg, kid, typ } = decodeProtectedHeader(token);
  // A fresh key pair of the same algorithm: nothing of the auth server's.
  const { privateKey } = await generateKeyPair(alg ?? 'ES256');
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: alg ?? 'ES256', typ: typ ?? 'at+jwt', ...(kid ? { kid } : {}) })
    .sign(privateKey);
}

function expectInvalidToken(ctx: DemoContext, answer: ApiAnswer, code: string): void {
  ctx.check(
    /^Bearer realm="orders", error="invalid_token"/.test(answer.wwwAuthenticate ?? '') &&
      errorCode(answer.body) === code,
    `challenge error="invalid_token", code ${code}`,
    `got ${String(answer.wwwAuthenticate)} / ${String(errorCode(answer.body))}`,
  );
}

/**
 * 7. Tokens the API must refuse with 401: none at all, tampered, signed by a foreign key, and
 * expired (the last only when the API's clock can be moved, as in the e2e test).
 */
export const badTokensScenario: Scenario<BadTokensResult> = {
  id: 'bad-tokens',
  title: 'No token, a tampered token, a foreign-signed token, an expired token: 401',
  explanation:
    "Every request is verified: signature against the auth server's published keys, issuer,\n" +
    'audience, type at+jwt, expiry. Anything that fails is 401 with an RFC 6750 challenge.',
  async run(ctx) {
    const missing = await ctx.api.call('GET', '/orders');
    ctx.expectStatus(missing, 401, 'no token at all');
    ctx.check(
      missing.wwwAuthenticate === MISSING_TOKEN_CHALLENGE,
      `the challenge is just ${MISSING_TOKEN_CHALLENGE} (no error code, RFC 6750 §3.1)`,
      `got ${String(missing.wwwAuthenticate)}`,
    );

    const alice = await ctx.signIn('alice');
    ctx.narrator.explain("Tampered: alice's real token, payload edited to sub=bob, signature kept.");
    const tampered = await ctx.api.call('GET', '/orders', {
      token: tamperWithToken(alice.accessToken, { sub: 'bob' }),
    });
    ctx.expectStatus(tampered, 401, 'the tampered token');
    expectInvalidToken(ctx, tampered, 'ERR_SIGNATURE_INVALID');

    ctx.narrator.explain('Foreign-signed: the same claims and kid, signed with a key the demo just generated.');
    const foreign = await ctx.api.call('GET', '/orders', { token: await forgeWithOwnKey(alice.accessToken) });
    ctx.expectStatus(foreign, 401, 'the foreign-signed token');
    expectInvalidToken(ctx, foreign, 'ERR_SIGNATURE_INVALID');

    if (ctx.apiClock === undefined) {
      ctx.narrator.note(
        "Expired: skipped here. Tokens live 15 minutes and the running API's clock cannot be moved from outside;\n" +
          "     demo/test/stack.e2e.spec.ts moves the in-process API's clock past exp and checks ERR_TOKEN_EXPIRED.",
      );
      return { missing, tampered, foreign };
    }
    ctx.narrator.explain(
      "Expired: alice's token works now; then the API's clock moves past its exp (+2 min, beyond the 5 s leeway).",
    );
    const before = await ctx.api.call('GET', '/orders', { token: alice.accessToken });
    ctx.expectStatus(before, 200, 'the token before its exp');
    const exp = alice.claims.exp ?? 0;
    ctx.apiClock.advanceBy(exp * 1000 - Date.now() + 120_000);
    let after: ApiAnswer;
    try {
      after = await ctx.api.call('GET', '/orders', { token: alice.accessToken });
    } finally {
      ctx.apiClock.reset();
    }
    ctx.expectStatus(after, 401, 'the same token after its exp');
    expectInvalidToken(ctx, after, 'ERR_TOKEN_EXPIRED');
    return { missing, tampered, foreign, expired: { before, after } };
  },
};
