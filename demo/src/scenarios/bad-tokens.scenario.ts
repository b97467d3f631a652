import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import * as client from 'openid-client';
import type { ApiAnswer } from '../api/orders-api-client.js';
import { asOrderPage, errorCode } from '../api/order-json.js';
import { shortToken } from '../trace/redact.js';
import { describeClaims, type DemoContext } from './demo-context.js';
import { discoverResource, ORDERS_RESOURCE_METADATA_URL, type ResourceDiscovery } from './discover-resource.js';
import type { Scenario } from './scenario.js';

/**
 * The exact challenge for a request without credentials: no error code (RFC 6750 §3.1), and where
 * the API's metadata is (RFC 9728 §5.1).
 */
export const MISSING_TOKEN_CHALLENGE = `Bearer realm="orders", resource_metadata="${ORDERS_RESOURCE_METADATA_URL}"`;

/**
 * The orders API's allowance for clock skew (its `CLOCK_TOLERANCE_SECONDS`): a token is refused
 * as expired only once `exp` plus this many seconds has passed.
 */
export const API_CLOCK_TOLERANCE_SECONDS = 5;

/** The demo waits out a token's lifetime only when it is this short (seconds). */
const MAX_SHORT_LIFETIME_SECONDS = 30;

/** What {@link badTokensScenario} observed. */
export interface BadTokensResult {
  readonly missing: ApiAnswer;
  /** What the client learnt from the 401 without a token (RFC 9728). */
  readonly discovery: ResourceDiscovery;
  readonly tampered: ApiAnswer;
  readonly foreign: ApiAnswer;
  /** The short-lived token before its `exp` and after `exp` + the API's clock tolerance. */
  readonly expired: { readonly before: ApiAnswer; readonly after: ApiAnswer };
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
 * 7. Tokens the API must refuse with 401: none at all (and what a client learns from that 401:
 * the API's RFC 9728 metadata, checked against the token alice gets next), tampered, signed by a
 * foreign key, and expired (a token of the DEV ONLY `short-lived-service` client, which lives
 * 3 s: the scenario waits out its lifetime and the API's clock tolerance, about 9 s).
 */
export const badTokensScenario: Scenario<BadTokensResult> = {
  id: 'bad-tokens',
  title: 'No token (and where to get one), a tampered token, a foreign-signed token, an expired token: 401',
  explanation:
    "Every request is verified: signature against the auth server's published keys, issuer,\n" +
    'audience, type at+jwt, expiry. Anything that fails is 401 with an RFC 6750 challenge, which\n' +
    'names the RFC 9728 metadata: which resource this is and which auth server issues its tokens.',
  async run(ctx) {
    const missing = await ctx.api.call('GET', '/orders');
    ctx.expectStatus(missing, 401, 'no token at all');
    ctx.check(
      missing.wwwAuthenticate === MISSING_TOKEN_CHALLENGE,
      'the challenge has no error code (RFC 6750 §3.1) and names the metadata of the API',
      `got ${String(missing.wwwAuthenticate)}`,
    );
    const discovery = await discoverResource(ctx, missing);

    const alice = await ctx.signIn('alice');
    // The metadata's resource is the audience the auth server puts in the tokens for this API.
    const audiences = [alice.claims.aud ?? []].flat();
    ctx.check(
      audiences.includes(discovery.metadata.resource),
      `alice's token is for this resource: aud = ${discovery.metadata.resource}`,
      `aud = ${JSON.stringify(alice.claims.aud)}`,
    );
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

    const orders = await ctx.api.call('GET', '/orders', { token: alice.accessToken });
    ctx.expectStatus(orders, 200, 'alice lists her orders (one of them is the expiry example)');
    const orderId = asOrderPage(orders.body)?.[0]?.id;
    ctx.check(orderId !== undefined, 'alice has an order', 'her list is empty');

    const tokens = await client.clientCredentialsGrant(ctx.clients.shortLived, { scope: 'orders:fulfil' });
    const claims = decodeJwt(tokens.access_token);
    ctx.narrator.explain(
      `Expired: short-lived-service (DEV ONLY client, same rights as fulfilment-service) gets a token that lives\n` +
        `   a few seconds: ${shortToken(tokens.access_token)} ${describeClaims(claims)}`,
    );
    const lifetime = claims.exp! - claims.iat!;
    ctx.check(
      lifetime <= MAX_SHORT_LIFETIME_SECONDS,
      `the token lives ${lifetime} s (short enough to wait for)`,
      `more than ${MAX_SHORT_LIFETIME_SECONDS} s: is this the reference auth server's short-lived-service?`,
    );
    const before = await ctx.api.call('GET', `/internal/orders/${orderId!}`, { token: tokens.access_token });
    ctx.expectStatus(before, 200, 'the token works before its exp');
    const waitMs = claims.exp! * 1000 + (API_CLOCK_TOLERANCE_SECONDS + 1) * 1000 - Date.now();
    ctx.narrator.note(
      `waiting ${Math.ceil(waitMs / 1000)} s: until exp, plus the ${API_CLOCK_TOLERANCE_SECONDS} s the API allows for clock skew, plus 1 s`,
    );
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, waitMs)));
    const after = await ctx.api.call('GET', `/internal/orders/${orderId!}`, { token: tokens.access_token });
    ctx.expectStatus(after, 401, 'the same token after its exp');
    expectInvalidToken(ctx, after, 'ERR_TOKEN_EXPIRED');
    return { missing, discovery, tampered, foreign, expired: { before, after } };
  },
};
