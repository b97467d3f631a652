import { randomBytes } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Resource identifier (RFC 8707) of the orders API, used as the `aud` of every access token.
 * It is an identifier, not a URL anything listens on; the orders API's default `AUTH_AUDIENCE`
 * is the same constant, so the two apps agree without configuration.
 */
export const ORDERS_API_RESOURCE = 'https://api.portcullis.test/orders';

/** DEV ONLY client secrets, used when the env does not provide them (refused in production). */
export const DEV_CLIENT_SECRETS = Object.freeze({
  ordersBackoffice: 'dev-only-orders-backoffice-secret',
  fulfilmentService: 'dev-only-fulfilment-service-secret',
  shortLivedService: 'dev-only-short-lived-service-secret',
});

/** Secrets of the confidential clients. */
export interface ClientSecrets {
  ordersBackoffice: string;
  fulfilmentService: string;
  /**
   * Secret of the DEV ONLY `short-lived-service` client (tokens live a few seconds, so the demo can
   * show an expired token); the client exists only when this is set. Never set in production.
   */
  shortLivedService?: string | undefined;
}

/** Default location of the signing keys: `apps/auth-server/.data/jwks.json` (git-ignored). */
export const DEFAULT_KEYS_FILE = fileURLToPath(new URL('../.data/jwks.json', import.meta.url));

/** Everything the auth server needs; built from env by {@link loadConfig}, or by hand in tests. */
export interface AuthServerConfig {
  /** TCP port; `0` picks a free one (tests). Default `4000`. */
  port: number;
  /** Listen address. Default `127.0.0.1`. */
  host: string;
  /**
   * Exact issuer identifier (`iss`). Default: `http://127.0.0.1:<port>`, or the listen URL when the
   * port is `0` (known only once listening).
   */
  issuer?: string | undefined;
  /** Resource identifier of the orders API, the `aud` of access tokens. Default {@link ORDERS_API_RESOURCE}. */
  ordersApiResource: string;
  /**
   * Format of access tokens: `jwt` (RFC 9068, the contract) or `opaque` (only usable through the
   * introspection endpoint; oidc-provider refuses to introspect or revoke JWT access tokens).
   * Default `jwt`.
   */
  accessTokenFormat: 'jwt' | 'opaque';
  /** Path of the private JWK set (created with mode 0600 on first start). Default {@link DEFAULT_KEYS_FILE}. */
  keysFile: string;
  /** Keys that sign oidc-provider's cookies; random per start when not configured. */
  cookieKeys: string[];
  /** Secrets of the confidential clients. */
  clientSecrets: ClientSecrets;
  /**
   * Whether the seeded DEV ONLY users can sign in on the login page. Their password is public
   * (`password`, in this repository), so {@link loadConfig} turns this off with `NODE_ENV=production`:
   * the login page then refuses every sign-in, and only the client credentials grant works.
   * Default `true`.
   */
  devUserSignIn?: boolean | undefined;
}

/**
 * Shortest secret accepted with `NODE_ENV=production`, in characters (32 base64url characters
 * carry 192 bits): a client secret or cookie key that short can be guessed offline.
 */
export const MIN_PRODUCTION_SECRET_LENGTH = 32;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the auth server's configuration from an environment map (normally `process.env`).
 * The only place besides `main.ts` and `rotate-keys.ts` that looks at the environment.
 *
 * | env | default |
 * | --- | --- |
 * | `PORT` / `HOST` | `4000` / `127.0.0.1` |
 * | `ISSUER` | `http://127.0.0.1:<PORT>` |
 * | `ORDERS_API_AUDIENCE` | `https://api.portcullis.test/orders` |
 * | `ACCESS_TOKEN_FORMAT` | `jwt` (or `opaque`, for introspection-mode resource servers) |
 * | `KEYS_FILE` | `apps/auth-server/.data/jwks.json` |
 * | `COOKIE_KEYS` | random per start (comma-separated list) |
 * | `ORDERS_BACKOFFICE_CLIENT_SECRET`, `FULFILMENT_SERVICE_CLIENT_SECRET` | DEV ONLY constants |
 *
 * With `NODE_ENV=production` the DEV ONLY secrets, random cookie keys and any client secret or
 * cookie key shorter than {@link MIN_PRODUCTION_SECRET_LENGTH} characters are refused, the DEV ONLY
 * `short-lived-service` client (tokens that expire in seconds, for the demo) does not exist, and
 * the DEV ONLY users (public password) cannot sign in.
 *
 * @throws TypeError when a value is malformed, saying which variable and what is expected.
 * @example
 * const config = loadConfig(process.env);
 */
export function loadConfig(env: Env): AuthServerConfig {
  const port = parsePort(env['PORT']);
  const host = nonEmpty(env['HOST']) ?? '127.0.0.1';
  const issuer = nonEmpty(env['ISSUER']) ?? (port === 0 ? undefined : defaultIssuer(host, port));
  if (issuer !== undefined) assertHttpUrl('ISSUER', issuer);
  const ordersApiResource = nonEmpty(env['ORDERS_API_AUDIENCE']) ?? ORDERS_API_RESOURCE;
  assertHttpUrl('ORDERS_API_AUDIENCE', ordersApiResource);

  const accessTokenFormat = nonEmpty(env['ACCESS_TOKEN_FORMAT']) ?? 'jwt';
  if (accessTokenFormat !== 'jwt' && accessTokenFormat !== 'opaque') {
    throw new TypeError('ACCESS_TOKEN_FORMAT must be "jwt" or "opaque"');
  }

  const production = env['NODE_ENV'] === 'production';
  const cookieKeys = (env['COOKIE_KEYS'] ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
  if (cookieKeys.length === 0) {
    if (production) throw new TypeError('COOKIE_KEYS must be set (comma-separated secrets) when NODE_ENV=production');
    cookieKeys.push(randomCookieKey());
  }
  if (production && cookieKeys.some((key) => key.length < MIN_PRODUCTION_SECRET_LENGTH)) {
    // Weak keys let anyone forge oidc-provider's signed session and interaction cookies.
    throw new TypeError(
      `COOKIE_KEYS: every key must have at least ${MIN_PRODUCTION_SECRET_LENGTH} characters when NODE_ENV=production ` +
        '(e.g. openssl rand -base64 32)',
    );
  }

  const clientSecrets: ClientSecrets = {
    ordersBackoffice: nonEmpty(env['ORDERS_BACKOFFICE_CLIENT_SECRET']) ?? DEV_CLIENT_SECRETS.ordersBackoffice,
    fulfilmentService: nonEmpty(env['FULFILMENT_SERVICE_CLIENT_SECRET']) ?? DEV_CLIENT_SECRETS.fulfilmentService,
    ...(production ? {} : { shortLivedService: DEV_CLIENT_SECRETS.shortLivedService }),
  };
  if (
    production &&
    (clientSecrets.ordersBackoffice === DEV_CLIENT_SECRETS.ordersBackoffice ||
      clientSecrets.fulfilmentService === DEV_CLIENT_SECRETS.fulfilmentService)
  ) {
    // The DEV ONLY secrets are public (they are in this repository): never accept them outside dev.
    throw new TypeError(
      'ORDERS_BACKOFFICE_CLIENT_SECRET and FULFILMENT_SERVICE_CLIENT_SECRET must be set when NODE_ENV=production',
    );
  }
  if (production) {
    // A short secret set "just to start" would be as guessable as the DEV ONLY one it replaces.
    const weak = [
      ['ORDERS_BACKOFFICE_CLIENT_SECRET', clientSecrets.ordersBackoffice],
      ['FULFILMENT_SERVICE_CLIENT_SECRET', clientSecrets.fulfilmentService],
    ].filter(([, secret]) => secret!.length < MIN_PRODUCTION_SECRET_LENGTH);
    if (weak.length > 0) {
      throw new TypeError(
        `${weak.map(([name]) => name).join(' and ')} must have at least ${MIN_PRODUCTION_SECRET_LENGTH} characters ` +
          'when NODE_ENV=production (e.g. openssl rand -base64 32)',
      );
    }
  }

  if (production && (issuer === undefined || !issuer.startsWith('https://'))) {
    // RFC 6749 §3.1/§3.2 and RFC 8414 §2: the authorization server is reached over TLS only, and
    // oidc-provider builds every endpoint and cookie (Secure) from the issuer.
    throw new TypeError('ISSUER must be set to an https:// URL when NODE_ENV=production');
  }

  return {
    port,
    host,
    issuer,
    ordersApiResource,
    accessTokenFormat,
    keysFile: keysFileFromEnv(env),
    cookieKeys,
    clientSecrets,
    devUserSignIn: !production,
  };
}

/**
 * Resolves `KEYS_FILE` (relative paths against the current directory) or the default.
 *
 * @example
 * const file = keysFileFromEnv(process.env);
 */
export function keysFileFromEnv(env: Env): string {
  const file = nonEmpty(env['KEYS_FILE']);
  if (file === undefined) return DEFAULT_KEYS_FILE;
  return isAbsolute(file) ? file : resolve(file);
}

/**
 * The issuer used when none is configured: loopback for wildcard or loopback listen addresses.
 *
 * @example
 * defaultIssuer('127.0.0.1', 4000); // 'http://127.0.0.1:4000'
 */
export function defaultIssuer(host: string, port: number): string {
  const wildcard = host === '0.0.0.0' || host === '::' || host === '';
  const name = wildcard ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

/**
 * A fresh random secret for signing cookies (32 bytes, base64url).
 *
 * @example
 * const key = randomCookieKey();
 */
export function randomCookieKey(): string {
  return randomBytes(32).toString('base64url');
}

function parsePort(raw: string | undefined): number {
  const value = nonEmpty(raw);
  if (value === undefined) return 4000;
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError('PORT must be an integer between 0 and 65535');
  }
  return port;
}

function assertHttpUrl(name: string, value: string): void {
  const url = URL.parse(value);
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hash !== '' || url.search !== '') {
    throw new TypeError(`${name} must be an absolute http(s) URL without query or fragment`);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
