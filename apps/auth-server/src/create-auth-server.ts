import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { defaultIssuer, type AuthServerConfig } from './config.js';
import { interactionRoutes } from './interactions/interaction-routes.js';
import { loadOrCreateSigningKeys } from './keys/signing-keys.js';
import { buildProviderConfiguration } from './provider-configuration.js';

/** A running (or ready to run) reference auth server. */
export interface AuthServer {
  /** Base URL it listens on, e.g. `http://127.0.0.1:4000`. Throws before {@link AuthServer.listen} resolves. */
  readonly url: string;
  /** Issuer identifier (`iss`). Throws before {@link AuthServer.listen} resolves. */
  readonly issuer: string;
  /** Loads or creates the signing keys, then listens. Resolves when requests are served. */
  listen(): Promise<AuthServer>;
  /** Stops accepting connections, drops open ones and resolves when the server is closed. */
  close(): Promise<void>;
}

/** Minimal logger; oidc-provider's `server_error` events go to `error`, without request data. */
export interface AuthServerLogger {
  error(message: string): void;
}

/**
 * Creates the reference authorization server (oidc-provider 9) from a configuration, without
 * reading the environment. Call `listen()` to start it; with `port: 0` a free port is picked and
 * the issuer defaults to the listen URL, which is what tests use.
 *
 * @example
 * const server = await createAuthServer({ ...loadConfig(process.env), port: 0 }).listen();
 * console.log(server.issuer);
 * await server.close();
 */
export function createAuthServer(config: AuthServerConfig, logger: AuthServerLogger = console): AuthServer {
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) {
    throw new TypeError('port must be an integer between 0 and 65535');
  }
  if (config.cookieKeys.length === 0) throw new TypeError('cookieKeys must hold at least one secret');

  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  let server: Server | undefined;
  let url: string | undefined;
  let issuer: string | undefined;

  const self: AuthServer = {
    get url() {
      if (url === undefined) throw new Error('auth server is not listening yet');
      return url;
    },
    get issuer() {
      if (issuer === undefined) throw new Error('auth server is not listening yet');
      return issuer;
    },
    async listen() {
      if (server !== undefined) throw new Error('auth server is already listening');
      const keys = await loadOrCreateSigningKeys(config.keysFile);
      const http = createServer((req, res) => {
        if (handler !== undefined) return handler(req, res);
        // Only between binding the port and building the provider.
        res.writeHead(503, { 'Retry-After': '1', 'Content-Length': '0' }).end();
      });
      server = http;
      try {
        await new Promise<void>((resolve, reject) => {
          http.once('error', reject);
          http.listen(config.port, config.host, () => {
            http.off('error', reject);
            resolve();
          });
        });
      } catch (error) {
        server = undefined; // e.g. EADDRINUSE: nothing to close, and listen() may be retried
        throw error;
      }
      const { port } = http.address() as AddressInfo;
      url = defaultIssuer(config.host, port);
      issuer = config.issuer ?? url;

      const provider = new Provider(
        issuer,
        buildProviderConfiguration({
          ordersApiResource: config.ordersApiResource,
          accessTokenFormat: config.accessTokenFormat,
          keys,
          cookieKeys: config.cookieKeys,
          clientSecrets: config.clientSecrets,
        }),
      );
      provider.use(interactionRoutes(provider, { userSignIn: config.devUserSignIn !== false }));
      provider.on('server_error', (_ctx: unknown, error: unknown) => {
        logger.error(`auth-server: server_error: ${error instanceof Error ? error.message : 'unknown error'}`);
      });
      handler = provider.callback();
      return self;
    },
    async close() {
      const http = server;
      if (http === undefined) return;
      server = undefined;
      handler = undefined;
      await new Promise<void>((resolve, reject) => {
        http.close((error) => (error ? reject(error) : resolve()));
        http.closeAllConnections();
      });
    },
  };
  return self;
}
