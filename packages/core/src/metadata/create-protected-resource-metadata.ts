import { assertChallengeSafe, isScopeToken } from '../errors/to-http-response.js';
import { deepFreeze } from '../internal/deep-freeze.js';

/** How a client may send a bearer token (RFC 6750 §2.1–§2.3), as RFC 9728 §2 names them. */
export type BearerMethod = 'header' | 'body' | 'query';

/** A JSON value, for {@link ProtectedResourceMetadataOptions.additionalParameters}. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * Options of {@link createProtectedResourceMetadata}: what this API tells clients about itself
 * (RFC 9728 §2). Only `resource` is required.
 *
 * @example
 * ```ts
 * const options: ProtectedResourceMetadataOptions = {
 *   resource: 'https://api.example.com/orders',
 *   authorizationServers: ['https://login.example.com'],
 *   scopesSupported: ['orders:read', 'orders:write'],
 *   resourceName: 'Orders API',
 * };
 * ```
 */
export interface ProtectedResourceMetadataOptions {
  /**
   * The API's resource identifier (RFC 9728 §1.2, RFC 8707): the `aud` its access tokens carry and
   * the URL clients call. An absolute `https:` URL in canonical form (what `new URL(resource).href`
   * gives, without the `/` a bare origin gets), no credentials, query or fragment. `http:` is accepted
   * only for loopback hosts (127.0.0.0/8, `[::1]`, `localhost`), for local development.
   */
  readonly resource: string;
  /** Issuer identifiers (RFC 8414) of the authorization servers whose tokens this API accepts. @default omitted */
  readonly authorizationServers?: readonly string[];
  /** Scope values clients request for this API (RFC 6749 §3.3 scope tokens). @default omitted */
  readonly scopesSupported?: readonly string[];
  /**
   * Where clients may send the token. Keep it equal to what the API accepts: Portcullis reads only
   * the `Authorization` header unless its `bearer` options allow the query or the body.
   * @default ['header']
   */
  readonly bearerMethodsSupported?: readonly BearerMethod[];
  /** Human-readable name for display to end users (`resource_name`). @default omitted */
  readonly resourceName?: string;
  /** URL of developer documentation (`resource_documentation`). @default omitted */
  readonly resourceDocumentation?: string;
  /** URL of the data-usage policy (`resource_policy_uri`). @default omitted */
  readonly resourcePolicyUri?: string;
  /** URL of the terms of service (`resource_tos_uri`). @default omitted */
  readonly resourceTosUri?: string;
  /**
   * Further metadata parameters (RFC 9728 §2: "Additional … parameters MAY also be used"), copied
   * as they are. Refused: the names above (use the typed option), `signed_metadata` (not signed
   * here), and the sender-constraint parameters (`dpop_*`, `tls_client_certificate_bound_access_tokens`):
   * Portcullis does not verify DPoP or mTLS-bound tokens, so advertising them would promise clients
   * a protection this API does not give.
   * @default {}
   */
  readonly additionalParameters?: Readonly<Record<string, JsonValue>>;
  /** Seconds clients and caches may keep the document (`Cache-Control: public, max-age=…`). @default 3600 */
  readonly maxAgeSeconds?: number;
}

/** The JSON document of RFC 9728 §2 as served; parameters without a value are omitted (§3.2). */
export interface ProtectedResourceMetadataDocument {
  readonly resource: string;
  readonly authorization_servers?: readonly string[];
  readonly scopes_supported?: readonly string[];
  readonly bearer_methods_supported: readonly BearerMethod[];
  readonly resource_name?: string;
  readonly resource_documentation?: string;
  readonly resource_policy_uri?: string;
  readonly resource_tos_uri?: string;
  readonly [parameter: string]: JsonValue | undefined;
}

/**
 * One API's protected-resource metadata, built and checked once: what to serve, where, and the URL
 * to advertise in challenges. Adapters serve it: `protectedResourceMetadata(metadata)` in
 * `@portcullis/express`, the `protectedResourceMetadata` option of `PortcullisModule` in `@portcullis/nest`.
 */
export interface ProtectedResourceMetadata {
  /** The resource identifier, byte for byte as configured (clients compare it exactly, RFC 9728 §3.3). */
  readonly resource: string;
  /** Path to serve the document at, on the resource's own origin: `/.well-known/oauth-protected-resource` + the resource's path (§3.1). */
  readonly path: string;
  /** Absolute URL of the document: pass it as `resourceMetadata` so 401 challenges carry it (§5.1). */
  readonly url: string;
  /** The document (deeply frozen). */
  readonly document: ProtectedResourceMetadataDocument;
  /** The document serialised once, the body of every answer. */
  readonly body: string;
  /** Headers of the answer: `content-type: application/json`, `content-length`, caching, CORS for browser clients, `nosniff`. */
  readonly headers: Readonly<Record<string, string>>;
}

const WELL_KNOWN = '/.well-known/oauth-protected-resource';
const BEARER_METHODS: readonly BearerMethod[] = ['header', 'body', 'query'];
const DEFAULT_MAX_AGE = 3600;

const OPTION_PARAMETERS = {
  authorizationServers: 'authorization_servers',
  scopesSupported: 'scopes_supported',
  bearerMethodsSupported: 'bearer_methods_supported',
  resourceName: 'resource_name',
  resourceDocumentation: 'resource_documentation',
  resourcePolicyUri: 'resource_policy_uri',
  resourceTosUri: 'resource_tos_uri',
} as const;
const KEYS = new Set(['resource', ...Object.keys(OPTION_PARAMETERS), 'additionalParameters', 'maxAgeSeconds']);
const TYPED_PARAMETERS = new Map<string, string>([
  ['resource', 'resource'],
  ...Object.entries(OPTION_PARAMETERS).map(([option, parameter]) => [parameter, option] as [string, string]),
]);
const SENDER_CONSTRAINT = /^(dpop_|tls_client_certificate_bound_access_tokens$)/;

function fail(message: string): never {
  throw new TypeError(`createProtectedResourceMetadata: ${message}`);
}

/** 127.0.0.0/8, ::1 and `localhost`, as the WHATWG URL parser normalises them. */
function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** An absolute `https:` (or loopback `http:`) URL without credentials or fragment. */
function parseUrl(value: unknown, option: string, example: string): URL {
  if (typeof value !== 'string' || !URL.canParse(value)) fail(`'${option}' must be an absolute https URL, e.g. '${example}'`);
  // The parser trims and drops what a client comparing strings would not.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(value)) fail(`'${option}' must not contain spaces or control characters`);
  const url = new URL(value);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    fail(`'${option}' must use https: (http: only for 127.0.0.0/8, [::1] and localhost), e.g. '${example}'`);
  }
  if (url.username !== '' || url.password !== '') fail(`'${option}' must not contain credentials`);
  if (value.includes('#')) fail(`'${option}' must not have a fragment`);
  return url;
}

/** An identifier URL (resource, issuer): no query either. */
function parseIdentifier(value: unknown, option: string, example: string): URL {
  const url = parseUrl(value, option, example);
  if (url.search !== '' || (value as string).includes('?')) fail(`'${option}' must not have a query`);
  return url;
}

/**
 * The resource identifier, also in canonical spelling: clients compare it byte for byte with the
 * URL they call (RFC 9728 §3.3), and the metadata path is derived from its parsed form.
 */
function parseResource(value: unknown): URL {
  const option = 'resource';
  const url = parseIdentifier(value, option, 'https://api.example.com/orders');
  const canonical = url.pathname === '/' && !(value as string).endsWith('/') ? url.origin : url.href;
  if (value !== canonical) {
    fail(`'${option}' must be written in canonical form ('${canonical}'): clients and token audiences compare it byte for byte`);
  }
  return url;
}

function stringList(value: unknown, option: string, check: (item: string) => void): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) fail(`'${option}' must be an array`);
  for (const item of value) {
    if (typeof item !== 'string') fail(`'${option}' must hold strings`);
    check(item);
  }
  if (new Set(value).size !== value.length) fail(`'${option}' lists a value twice`);
  return value.length === 0 ? undefined : [...(value as string[])];
}

function displayText(value: unknown, option: string): string | undefined {
  if (value === undefined) return undefined;
  // eslint-disable-next-line no-control-regex
  if (typeof value !== 'string' || value.trim() === '' || /[\u0000-\u001f\u007f]/.test(value)) {
    fail(`'${option}' must be a non-empty string without control characters`);
  }
  return value;
}

function isJsonValue(value: unknown, depth = 0): boolean {
  if (depth > 32) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => isJsonValue(item, depth + 1));
  if (typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value).every((item) => isJsonValue(item, depth + 1));
}

function additional(value: unknown): Record<string, JsonValue> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail("'additionalParameters' must be an object");
  const out: Record<string, JsonValue> = {};
  for (const [name, parameter] of Object.entries(value)) {
    const option = TYPED_PARAMETERS.get(name);
    if (option !== undefined) fail(`set '${name}' with the '${option}' option, not in 'additionalParameters'`);
    if (name === 'signed_metadata') fail("'signed_metadata' is not supported: the document is served unsigned");
    if (SENDER_CONSTRAINT.test(name)) {
      fail(`'${name}' is refused: Portcullis does not verify DPoP or mTLS-bound tokens, so advertising it would promise a protection this API does not give`);
    }
    if (name === '' || name === '__proto__' || !isJsonValue(parameter)) fail(`'additionalParameters.${name}' must be a JSON value`);
    // Zero-valued parameters are omitted (RFC 9728 §3.2).
    if (Array.isArray(parameter) && parameter.length === 0) continue;
    out[name] = structuredClone(parameter) as JsonValue;
  }
  return out;
}

/**
 * Builds an API's OAuth 2.0 protected-resource metadata (RFC 9728): the JSON document clients
 * read to find which authorization server to ask and which scopes exist, the path to serve it at
 * (the well-known suffix inserted between the resource's host and path, §3.1), and the URL to
 * advertise as `resource_metadata` in 401 challenges (§5.1). Every option is checked once here; a
 * bad value throws a `TypeError` that names it. Serve it with the adapter of your framework; the
 * document is public (no token), so it must be reachable outside the guard.
 *
 * @example
 * ```ts
 * const metadata = createProtectedResourceMetadata({
 *   resource: 'https://api.example.com/orders',
 *   authorizationServers: ['https://login.example.com'],
 *   scopesSupported: ['orders:read', 'orders:write'],
 * });
 * metadata.path; // '/.well-known/oauth-protected-resource/orders'
 * metadata.url; //  'https://api.example.com/.well-known/oauth-protected-resource/orders'
 * const portcullis = createPortcullis({
 *   issuer: 'https://login.example.com',
 *   audience: metadata.resource,
 *   jwksUri: 'https://login.example.com/jwks',
 *   resourceMetadata: metadata.url,
 * });
 * ```
 */
export function createProtectedResourceMetadata(options: ProtectedResourceMetadataOptions): ProtectedResourceMetadata {
  if (typeof options !== 'object' || options === null) fail("options must be an object with at least 'resource'");
  for (const key of Object.keys(options)) {
    if (!KEYS.has(key)) fail(`unknown option '${key}'; expected one of ${[...KEYS].join(', ')}`);
  }
  const resourceUrl = parseResource(options.resource);
  const resource = options.resource;

  // Issuer identifiers are copied verbatim: clients compare them with the `issuer` of the server's
  // own metadata (RFC 8414 §3.3), which is what tokens carry in `iss`, whatever its spelling.
  const authorizationServers = stringList(options.authorizationServers, 'authorizationServers', (issuer) => {
    parseIdentifier(issuer, 'authorizationServers', 'https://login.example.com');
  });
  const scopesSupported = stringList(options.scopesSupported, 'scopesSupported', (scope) => {
    if (!isScopeToken(scope)) fail(`'scopesSupported' holds '${scope}', which is not a scope token (RFC 6749 §3.3)`);
  });
  const bearerMethods = options.bearerMethodsSupported ?? ['header'];
  stringList(bearerMethods, 'bearerMethodsSupported', (method) => {
    if (!BEARER_METHODS.includes(method as BearerMethod)) fail(`'bearerMethodsSupported' must hold only 'header', 'body' or 'query'`);
  });
  const resourceName = displayText(options.resourceName, 'resourceName');
  const links: Record<string, string> = {};
  for (const option of ['resourceDocumentation', 'resourcePolicyUri', 'resourceTosUri'] as const) {
    const value = options[option];
    if (value === undefined) continue;
    parseUrl(value, option, 'https://api.example.com/docs');
    links[OPTION_PARAMETERS[option]] = value;
  }
  const extra = additional(options.additionalParameters);
  const maxAge = options.maxAgeSeconds ?? DEFAULT_MAX_AGE;
  if (typeof maxAge !== 'number' || !Number.isSafeInteger(maxAge) || maxAge < 0) {
    fail(`'maxAgeSeconds' must be a whole number of seconds ≥ 0, e.g. ${DEFAULT_MAX_AGE}`);
  }

  const document: ProtectedResourceMetadataDocument = deepFreeze({
    resource,
    ...(authorizationServers === undefined ? {} : { authorization_servers: authorizationServers }),
    ...(scopesSupported === undefined ? {} : { scopes_supported: scopesSupported }),
    bearer_methods_supported: [...bearerMethods],
    ...(resourceName === undefined ? {} : { resource_name: resourceName }),
    ...links,
    ...extra,
  });
  const path = WELL_KNOWN + (resourceUrl.pathname === '/' ? '' : resourceUrl.pathname);
  const url = resourceUrl.origin + path;
  // The URL goes into a quoted-string of every 401 challenge; the canonical form has no `"` or `\`.
  assertChallengeSafe('resourceMetadata', url);
  const body = JSON.stringify(document);
  return Object.freeze({
    resource,
    path,
    url,
    document,
    body,
    headers: Object.freeze({
      'content-type': 'application/json',
      'content-length': String(new TextEncoder().encode(body).length),
      'cache-control': maxAge === 0 ? 'no-cache' : `public, max-age=${maxAge}`,
      // Public, credential-free document: browser-based clients discover it cross-origin.
      'access-control-allow-origin': '*',
      'x-content-type-options': 'nosniff',
    }),
  });
}
