import { decodeJwt, type JWTPayload } from 'jose';
import * as client from 'openid-client';
import { driveLogin, type Credentials, type FetchLike } from './drive-login.js';
import { REDIRECT_URIS } from './stack-clients.js';

/** Scopes a browser client asks for by default: everything a seeded user may get. */
export const FULL_SCOPE = 'openid offline_access orders:read orders:write';

/** What a sign-in produced. */
export interface Session {
  readonly username: string;
  readonly clientId: string;
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  /** Scope granted (the token endpoint's `scope`). */
  readonly scope: string;
  /** The access token's claims, decoded without verification (for narration only). */
  readonly claims: JWTPayload;
}

/** Options of {@link signIn}. */
export interface SignInOptions {
  /** Scope to request. @default FULL_SCOPE */
  readonly scope?: string;
  /** `fetch` that carries the browser part (login and consent forms). */
  readonly fetch: FetchLike;
}

/**
 * Authorization code + PKCE (S256) for a browser client, driven end to end: openid-client makes
 * the verifier, the challenge, the state and the authorization URL, and redeems the code (checking
 * `state` and `iss`); {@link driveLogin} plays the user at the login and consent pages.
 *
 * @example
 * ```ts
 * const alice = await signIn(clients.web, { username: 'alice', password: 'password' }, { fetch: trace.fetch });
 * alice.claims.sub; // 'alice'
 * ```
 */
export async function signIn(
  config: client.Configuration,
  user: Credentials,
  options: SignInOptions,
): Promise<Session> {
  const clientId = config.clientMetadata().client_id;
  const redirectUri = REDIRECT_URIS[clientId as keyof typeof REDIRECT_URIS];
  if (redirectUri === undefined)
    throw new TypeError(`${clientId} is not a browser client of the reference auth server`);
  // PKCE: the verifier stays here; only its S256 hash travels in the browser.
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: options.scope ?? FULL_SCOPE,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  });
  const callback = await driveLogin(options.fetch, authorizationUrl, user);
  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    expectedState: state,
  });
  return {
    username: user.username,
    clientId,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    scope: tokens.scope ?? '',
    claims: decodeJwt(tokens.access_token),
  };
}
