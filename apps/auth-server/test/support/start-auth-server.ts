import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as client from 'openid-client';
import { DEV_CLIENT_SECRETS, ORDERS_API_RESOURCE, randomCookieKey, type AuthServerConfig } from '../../src/config.js';
import { createAuthServer, type AuthServer } from '../../src/create-auth-server.js';

/** The clients the test helpers know how to authenticate as. */
export type RegisteredClientId = 'orders-web' | 'orders-backoffice' | 'fulfilment-service' | 'short-lived-service';

/** A running in-process auth server on 127.0.0.1 with its own temporary keys file. */
export interface TestAuthServer {
  server: AuthServer;
  config: AuthServerConfig;
  /** Temporary directory holding the keys file (removed by `stop`). */
  dir: string;
  /** openid-client configuration for one of the registered clients. */
  clientConfig(clientId: RegisteredClientId): Promise<client.Configuration>;
  stop(): Promise<void>;
}

/** Server errors logged during the test (must stay empty). */
export const serverErrors: string[] = [];

/**
 * Starts the auth server on 127.0.0.1 port 0 with a fresh keys file (or `keysFile`).
 */
export async function startAuthServer(overrides: Partial<AuthServerConfig> = {}): Promise<TestAuthServer> {
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-auth-server-'));
  const config: AuthServerConfig = {
    port: 0,
    host: '127.0.0.1',
    issuer: undefined,
    ordersApiResource: ORDERS_API_RESOURCE,
    accessTokenFormat: 'jwt',
    keysFile: join(dir, 'jwks.json'),
    cookieKeys: [randomCookieKey()],
    clientSecrets: { ...DEV_CLIENT_SECRETS },
    ...overrides,
  };
  const server = await createAuthServer(config, { error: (message) => serverErrors.push(message) }).listen();
  return {
    server,
    config,
    dir,
    clientConfig: (clientId) => clientConfigFor(server, config, clientId),
    async stop() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Discovery through openid-client for a registered client (plain HTTP is allowed on loopback). */
export async function clientConfigFor(
  server: AuthServer,
  config: AuthServerConfig,
  clientId: RegisteredClientId,
): Promise<client.Configuration> {
  const secrets: Record<RegisteredClientId, string | undefined> = {
    'orders-web': undefined,
    'orders-backoffice': config.clientSecrets.ordersBackoffice,
    'fulfilment-service': config.clientSecrets.fulfilmentService,
    'short-lived-service': config.clientSecrets.shortLivedService ?? 'not-registered',
  };
  const secret = secrets[clientId];
  const auth = secret === undefined ? client.None() : client.ClientSecretBasic(secret);
  return client.discovery(new URL(server.issuer), clientId, undefined, auth, {
    execute: [client.allowInsecureRequests],
  });
}
