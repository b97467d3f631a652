import { ERROR_CATALOG, PortcullisError } from './portcullis-error.js';

/** How challenges are phrased for one protected API. */
export interface ChallengeOptions {
  /**
   * RFC 6750 `realm` attribute. Must not contain `"` or `\`.
   * @default "api"
   */
  readonly realm?: string;
  /**
   * RFC 9728 protected-resource metadata URL, added as `resource_metadata` to 401 challenges when set.
   * @default undefined
   */
  readonly resourceMetadata?: string;
}

/** JSON body of every Portcullis error answer. */
export interface ErrorResponseBody {
  /** HTTP status, repeated for clients that only see the body. */
  readonly statusCode: number;
  /** RFC 6750 error (`invalid_token` …) or a snake-case status name (`forbidden`, `not_found` …). */
  readonly error: string;
  /** Stable Portcullis code, e.g. `ERR_TOKEN_EXPIRED`. */
  readonly code: string;
  /** Fixed, generic description. */
  readonly message: string;
}

/** A framework-free HTTP answer: adapters copy it onto their response object. */
export interface HttpErrorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: ErrorResponseBody;
}

const STATUS_NAMES: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  500: 'internal_error',
  503: 'service_unavailable',
};

// RFC 6750 §3: realm/error_description are quoted strings of %x20-21 / %x23-5B / %x5D-7E.
const QUOTED_SAFE = /^[\x20\x21\x23-\x5B\x5D-\x7E]*$/;
// RFC 6750 §3 / RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Checks that a value may appear inside a quoted RFC 6750 auth-param; throws a `TypeError` otherwise.
 *
 * @example
 * ```ts
 * assertChallengeSafe('realm', 'orders'); // ok
 * ```
 */
export function assertChallengeSafe(name: string, value: string): void {
  if (typeof value !== 'string' || !QUOTED_SAFE.test(value)) {
    throw new TypeError(`'${name}' must be printable ASCII without '"' or '\\' (RFC 6750 §3)`);
  }
}

/**
 * Tells whether a string is a valid OAuth scope token (RFC 6749 §3.3).
 *
 * @example
 * ```ts
 * isScopeToken('orders:read'); // true
 * isScopeToken('a b');         // false
 * ```
 */
export function isScopeToken(value: string): boolean {
  return typeof value === 'string' && SCOPE_TOKEN.test(value);
}

/**
 * The fixed description of an error's code, never its `message`: a message rewritten on the way
 * up (`err.message += ' for order 42'`) could carry ids or claim values, or a `"` that breaks the
 * challenge's quoted-string grammar.
 */
function publicDescription(error: PortcullisError): string {
  return Object.hasOwn(ERROR_CATALOG, error.code)
    ? ERROR_CATALOG[error.code].description
    : ERROR_CATALOG.ERR_INTERNAL.description;
}

/**
 * Builds the RFC 6750 `WWW-Authenticate` value for an error, or `undefined` when the answer
 * carries no Bearer challenge (403 role/policy denials, 404, 500, 503).
 *
 * @example
 * ```ts
 * buildChallenge(new PortcullisError('ERR_TOKEN_EXPIRED'), { realm: 'orders' });
 * // 'Bearer realm="orders", error="invalid_token", error_description="The access token expired"'
 * ```
 */
export function buildChallenge(error: PortcullisError, options: ChallengeOptions = {}): string | undefined {
  const realm = options.realm ?? 'api';
  const params: string[] = [`realm="${realm}"`];
  if (error.code === 'ERR_MISSING_TOKEN') {
    // RFC 6750 §3.1: no error information when the request lacked any authentication.
  } else if (error.bearerError) {
    params.push(`error="${error.bearerError}"`, `error_description="${publicDescription(error)}"`);
    if (error.bearerError === 'insufficient_scope' && error.requiredScopes?.length) {
      const scopes = error.requiredScopes.filter(isScopeToken);
      if (scopes.length) params.push(`scope="${scopes.join(' ')}"`);
    }
  } else {
    return undefined;
  }
  if (options.resourceMetadata && (error.status === 401 || error.status === 403)) {
    params.push(`resource_metadata="${options.resourceMetadata}"`);
  }
  return `Bearer ${params.join(', ')}`;
}

/**
 * Turns any thrown value into the HTTP answer Portcullis gives for it. Unknown errors become a
 * generic 500 without details: nothing internal leaks.
 *
 * @example
 * ```ts
 * const { status, headers, body } = toHttpResponse(err, { realm: 'orders' });
 * res.status(status).set(headers).json(body);
 * ```
 */
export function toHttpResponse(error: unknown, options: ChallengeOptions = {}): HttpErrorResponse {
  const e = error instanceof PortcullisError ? error : new PortcullisError('ERR_INTERNAL', { cause: error });
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  const challenge = buildChallenge(e, options);
  if (challenge) headers['www-authenticate'] = challenge;
  if (e.retryAfter !== undefined) headers['retry-after'] = String(e.retryAfter);
  return {
    status: e.status,
    headers,
    body: {
      statusCode: e.status,
      error: e.bearerError ?? STATUS_NAMES[e.status] ?? 'error',
      code: e.code,
      message: publicDescription(e),
    },
  };
}
