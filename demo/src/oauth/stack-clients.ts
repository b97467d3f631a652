import * as client from 'openid-client';
import type { FetchLike } from './drive-login.js';

/** The DEV ONLY client secrets of the reference auth server (public: they are in this repository). */
export const DEV_CLIENT_SECRETS = Object.freeze({
  ordersBackoffice: 'dev-only-orders-backoffice-secret',
  fulfilmentService: 'dev-only-fulfilment-service-secret',
  shortLivedService: 'dev-only-short-lived-service-secret',
});

/** Redirect URIs registered for the two browser clients (nothing needs to listen there). */
export const REDIRECT_URIS = Object.freeze({
  'orders-web': 'http://127.0.0.1:8080/callback',
  'orders-backoffice': 'http://127.0.0.1:8081/callback',
});

/** The clients registered at the reference auth server, as openid-client configurations. */
export interface StackClients {
  /** `orders-web`: public browser app, authorization code + PKCE, no secret. */
  readonly web: client.Configuration;
  /** `orders-backoffice`: confidential web app (support and admin staff), code + PKCE + secret. */
  readonly backoffice: client.Configuration;
  /** `fulfilment-service`: confidential machine client, client credentials. */
  readonly fulfilment: client.Configuration;
  /**
   * `short-lived-service`: the DEV ONLY machine client whose tokens live 3 s (the "expired token"
   * step). It exists only on an auth server not running with NODE_ENV=production.
   */
  readonly shortLived: client.Configuration;
}

/** Options of {@link discoverStackClients}. */
export interface DiscoverOptions {
  /** Issuer URL of the auth server, e.g. `http://127.0.0.1:4000`. */
  readonly issuer: string;
  /** Secrets of the confidential clients. @default DEV_CLIENT_SECRETS */
  readonly secrets?: { readonly ordersBackoffice: string; readonly fulfilmentService: string };
  /** `fetch` for every request openid-client makes (the demo's narrated one). */
  readonly fetch: FetchLike;
}

/**
 * Discovers the auth server once (OpenID Connect discovery through openid-client) and builds a
 * configuration for each registered client on the same metadata.
 *
 * openid-client refuses plain-HTTP endpoints unless told otherwise; the reference stack runs on
 * `http://127.0.0.1`, so insecure requests are allowed for loopback issuers only. Any other
 * issuer must be `https` (openid-client then enforces it).
 *
 * @example
 * ```ts
 * const clients = await discoverStackClients({ issuer: 'http://127.0.0.1:4000', fetch: trace.fetch });
 * await client.clientCredentialsGrant(clients.fulfilment, { scope: 'orders:fulfil' });
 * ```
 */
export async function discoverStackClients(options: DiscoverOptions): Promise<StackClients> {
  const secrets = options.secrets ?? DEV_CLIENT_SECRETS;
  const issuer = new URL(options.issuer);
  const loopback = isLoopback(issuer.hostname);
  const customFetch = options.fetch as unknown as client.CustomFetch;
  const web = await client.discovery(issuer, 'orders-web', undefined, client.None(), {
    [client.customFetch]: customFetch,
    ...(loopback ? { execute: [client.allowInsecureRequests] } : {}),
  });
  const configure = (clientId: string, secret: string): client.Configuration => {
    const config = new client.Configuration(
      web.serverMetadata(),
      clientId,
      undefined,
      client.ClientSecretBasic(secret),
    );
    config[client.customFetch] = customFetch;
    if (loopback) client.allowInsecureRequests(config);
    return config;
  };
  return {
    web,
    backoffice: configure('orders-backoffice', secrets.ordersBackoffice),
    fulfilment: configure('fulfilment-service', secrets.fulfilmentService),
    shortLived: configure('short-lived-service', DEV_CLIENT_SECRETS.shortLivedService),
  };
}

/** Whether a host name is the local machine (the only place plain HTTP is accepted). */
export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}
