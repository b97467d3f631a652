import type { ClientMetadata } from 'oidc-provider';
import type { ClientSecrets } from './config.js';

/** Scopes of the orders API (resource scopes, also listed as supported scopes in discovery). */
export const ORDERS_SCOPES = ['orders:read', 'orders:write', 'orders:fulfil'] as const;

/** Every scope this server knows: the OpenID ones plus the orders API's. */
export const SUPPORTED_SCOPES = ['openid', 'offline_access', ...ORDERS_SCOPES] as const;

/** Redirect URIs of the public `orders-web` client (a browser app served on port 8080). */
export const ORDERS_WEB_REDIRECT_URIS = ['http://127.0.0.1:8080/callback', 'http://localhost:8080/callback'] as const;

/** Redirect URIs of the confidential `orders-backoffice` web app (port 8081). */
export const ORDERS_BACKOFFICE_REDIRECT_URIS = [
  'http://127.0.0.1:8081/callback',
  'http://localhost:8081/callback',
] as const;

/** client_id of the DEV ONLY machine client whose access tokens live {@link SHORT_LIVED_ACCESS_TOKEN_TTL_SECONDS}. */
export const SHORT_LIVED_CLIENT_ID = 'short-lived-service';

/** Lifetime of `short-lived-service`'s access tokens, in seconds: long enough to use once, short enough to watch expire. */
export const SHORT_LIVED_ACCESS_TOKEN_TTL_SECONDS = 3;

/**
 * The three registered clients, plus the DEV ONLY `short-lived-service` when its secret is set. Only `code` responses exist (no implicit or hybrid flow), PKCE is
 * required of every client by the provider configuration, and each client's `scope` is the
 * allowlist oidc-provider enforces on authorization and token requests.
 *
 * @example
 * new Provider(issuer, { clients: buildClients({ ordersBackoffice: 's1', fulfilmentService: 's2' }) });
 */
export function buildClients(secrets: ClientSecrets): ClientMetadata[] {
  const clients: ClientMetadata[] = [
    {
      // Public browser app: no secret can be kept, so PKCE S256 and rotating refresh tokens.
      client_id: 'orders-web',
      client_name: 'Orders web app',
      application_type: 'web',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [...ORDERS_WEB_REDIRECT_URIS],
      scope: 'openid offline_access orders:read orders:write',
    },
    {
      // Confidential server-side web app: client secret and PKCE too (RFC 9700 §2.1.1).
      client_id: 'orders-backoffice',
      client_name: 'Orders back office',
      client_secret: secrets.ordersBackoffice,
      application_type: 'web',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [...ORDERS_BACKOFFICE_REDIRECT_URIS],
      scope: 'openid offline_access orders:read orders:write',
    },
    {
      // Machine client: client credentials only, and only the fulfilment scope.
      client_id: 'fulfilment-service',
      client_name: 'Fulfilment service',
      client_secret: secrets.fulfilmentService,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'orders:fulfil',
    },
  ];
  if (secrets.shortLivedService !== undefined) {
    // DEV ONLY: the fulfilment client again, with tokens that expire in seconds (the demo's
    // "expired token" step). Absent with NODE_ENV=production (see loadConfig).
    clients.push({
      client_id: SHORT_LIVED_CLIENT_ID,
      client_name: `Short-lived service (DEV ONLY, tokens live ${SHORT_LIVED_ACCESS_TOKEN_TTL_SECONDS} s)`,
      client_secret: secrets.shortLivedService,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'orders:fulfil',
    });
  }
  return clients;
}
