import * as client from 'openid-client';
import { authorizeInBrowser, newBrowser, type Browser } from './browser.js';

export const WEB_REDIRECT_URI = 'http://127.0.0.1:8080/callback';
export const BACKOFFICE_REDIRECT_URI = 'http://127.0.0.1:8081/callback';
export const DEFAULT_SCOPE = 'openid offline_access orders:read orders:write';

/** An authorization request built by openid-client, with its PKCE verifier and state. */
export interface PreparedAuthorization {
  url: URL;
  verifier: string;
  state: string;
}

/** Builds an authorization request with PKCE S256 (the only thing the server accepts). */
export async function prepareAuthorization(
  config: client.Configuration,
  params: { redirect_uri?: string; scope?: string; [key: string]: string | undefined } = {},
): Promise<PreparedAuthorization> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const parameters: Record<string, string> = {
    redirect_uri: WEB_REDIRECT_URI,
    scope: DEFAULT_SCOPE,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  };
  for (const [key, value] of Object.entries(params)) if (value !== undefined) parameters[key] = value;
  return { url: client.buildAuthorizationUrl(config, parameters), verifier, state };
}

/**
 * The whole authorization code + PKCE flow for a seeded user: openid-client builds the request
 * and redeems the code, the test browser fills in the login and consent forms.
 */
export async function signIn(
  config: client.Configuration,
  username: string,
  params: { redirect_uri?: string; scope?: string } = {},
  browser: Browser = newBrowser(),
) {
  const prepared = await prepareAuthorization(config, params);
  const { callbackUrl, pages } = await authorizeInBrowser(prepared.url, { username, password: 'password' }, browser);
  const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: prepared.verifier,
    expectedState: prepared.state,
  });
  return { tokens, callbackUrl, pages, prepared };
}
