import { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import {
  buildClients,
  ORDERS_SCOPES,
  SHORT_LIVED_ACCESS_TOKEN_TTL_SECONDS,
  SHORT_LIVED_CLIENT_ID,
  SUPPORTED_SCOPES,
} from './clients.js';
import type { ClientSecrets } from './config.js';
import { html, layout } from './interactions/html.js';
import type { PrivateSigningJwk } from './keys/signing-keys.js';
import { findUser } from './users.js';

/** Lifetime of access tokens, in seconds (15 minutes). */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
/** Lifetime of a refresh-token chain, in seconds (7 days from the first one; rotation does not extend it). */
export const REFRESH_TOKEN_TTL_SECONDS = 7 * 24 * 60 * 60;
/** Lifetime of an authorization code, in seconds. */
export const AUTHORIZATION_CODE_TTL_SECONDS = 60;
/** Lifetime of the browser sign-in session at the auth server, in seconds (1 day). */
export const SESSION_TTL_SECONDS = 24 * 60 * 60;

/** What {@link buildProviderConfiguration} needs. */
export interface ProviderConfigurationOptions {
  /** Resource identifier of the orders API: the only resource, and the `aud` of access tokens. */
  ordersApiResource: string;
  /** `jwt` (RFC 9068 access tokens) or `opaque` (introspection only). */
  accessTokenFormat: 'jwt' | 'opaque';
  /** Private signing keys, newest first (the first key of an algorithm signs). */
  keys: readonly PrivateSigningJwk[];
  /** Keys that sign oidc-provider's cookies (first one signs, all verify). */
  cookieKeys: readonly string[];
  /** Secrets of the confidential clients. */
  clientSecrets: ClientSecrets;
}

/**
 * The oidc-provider configuration of the reference auth server (see the app README for the
 * contract). Pure: reads no environment and touches no file.
 *
 * @example
 * const provider = new Provider(issuer, buildProviderConfiguration({ ordersApiResource, keys, cookieKeys, clientSecrets }));
 */
export function buildProviderConfiguration(options: ProviderConfigurationOptions): Configuration {
  const { ordersApiResource } = options;

  return {
    clients: buildClients(options.clientSecrets),
    jwks: { keys: options.keys.map((key) => ({ ...key })) },
    cookies: { keys: [...options.cookieKeys] },
    scopes: [...SUPPORTED_SCOPES],
    claims: { openid: ['sub'] },
    // The registered clients use these two methods only; nothing else is offered.
    clientAuthMethods: ['client_secret_basic', 'none'],
    // Only the authorization code flow: no implicit or hybrid response types.
    responseTypes: ['code'],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      // ID tokens stay on RS256, the OpenID Connect default every RP expects without registration.
      id_token_signed_response_alg: 'RS256',
      token_endpoint_auth_method: 'client_secret_basic',
    },
    // PKCE for every client, public or confidential (RFC 9700 §2.1.1). oidc-provider 9 supports
    // only the S256 method, so `plain` is refused without further configuration.
    pkce: { required: () => true },
    // Refresh tokens rotate on every use; presenting a consumed one revokes the whole grant
    // (oidc-provider's reuse detection, RFC 9700 §4.14.2).
    rotateRefreshToken: true,
    // Every code exchange by a client registered for the refresh_token grant gets a refresh token,
    // `offline_access` or not: OpenID Connect drops `offline_access` unless `prompt=consent`, and
    // the contract promises rotating refresh tokens to orders-web and orders-backoffice.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // Refresh tokens live their 7 days whatever happens to the browser session at this server.
    expiresWithSession: () => false,
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL_SECONDS,
      // (The ttl settings win over the resource server's accessTokenTTL.) The DEV ONLY
      // short-lived-service client exists to show an expired token: its tokens live seconds.
      ClientCredentials: (_ctx, _token, client) =>
        client.clientId === SHORT_LIVED_CLIENT_ID ? SHORT_LIVED_ACCESS_TOKEN_TTL_SECONDS : ACCESS_TOKEN_TTL_SECONDS,
      AuthorizationCode: AUTHORIZATION_CODE_TTL_SECONDS,
      IdToken: ACCESS_TOKEN_TTL_SECONDS,
      Interaction: 10 * 60,
      Session: SESSION_TTL_SECONDS,
      // A grant outlives any refresh-token chain started while a session can reuse it.
      Grant: SESSION_TTL_SECONDS + REFRESH_TOKEN_TTL_SECONDS,
      RefreshToken: refreshTokenTtl,
    },
    findAccount: (_ctx, sub) => {
      const user = findUser(sub);
      if (user === undefined) return undefined;
      return { accountId: user.sub, claims: () => ({ sub: user.sub }) };
    },
    // RFC 9068 claims come from oidc-provider; the orders API also reads `roles` and `org_id`.
    extraTokenClaims: (_ctx, token) => {
      const { accountId } = token as { accountId?: unknown };
      if (typeof accountId !== 'string') return undefined; // client credentials: no user claims
      const user = findUser(accountId);
      if (user === undefined) return undefined;
      return { roles: [...user.roles], org_id: user.orgId };
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // Browser apps may call the token endpoint only from the origins of their redirect URIs.
    clientBasedCORS: (_ctx, origin, client) =>
      (client.redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin),
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = layout(
        'Something went wrong',
        html`<p class="error"><code>${out.error}</code></p>
          ${out.error_description === undefined ? '' : html`<p>${out.error_description}</p>`}`,
      );
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      deviceFlow: { enabled: false },
      registration: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      // Every access token is for the orders API, so there is no userinfo access token.
      userinfo: { enabled: false },
      revocation: {
        enabled: true,
        // oidc-provider's default: a client revokes only its own tokens (a public client that
        // presents another client's token gets the RFC 7009 200 without effect).
        allowedPolicy: (_ctx, client, token) => {
          if (token.clientId === client.clientId) return true;
          if (client.clientAuthMethod === 'none') return false;
          throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
        },
      },
      introspection: {
        enabled: true,
        // Only authenticated (confidential) clients learn about tokens; public clients always
        // see `active: false`.
        allowedPolicy: (_ctx, client) => client.clientAuthMethod !== 'none',
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => ordersApiResource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resourceIndicator) => {
          // One resource server; anything else is `invalid_target` (RFC 8707 §2).
          if (resourceIndicator !== ordersApiResource) throw new errors.InvalidTarget();
          return {
            scope: ORDERS_SCOPES.join(' '),
            audience: ordersApiResource,
            accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
            accessTokenFormat: options.accessTokenFormat,
            ...(options.accessTokenFormat === 'jwt' ? { jwt: { sign: { alg: 'ES256' as const } } } : {}),
          };
        },
      },
    },
  };
}

/**
 * 7 days for a new refresh token; a rotated one inherits what is left of its predecessor's
 * lifetime, so rotation never extends the chain past 7 days from sign-in.
 */
function refreshTokenTtl(ctx: KoaContextWithOIDC | undefined): number {
  const rotated = ctx?.oidc?.entities.RotatedRefreshToken;
  if (rotated !== undefined) return Math.max(1, rotated.remainingTTL);
  return REFRESH_TOKEN_TTL_SECONDS;
}
