/**
 * The one error family of Portcullis. Every failure that reaches a client is a
 * {@link PortcullisError} with a stable {@link PortcullisErrorCode}, an HTTP status and, where
 * RFC 6750 defines one, the `error` attribute of the `WWW-Authenticate` challenge.
 *
 * Descriptions are fixed, generic strings chosen here — never the token, a claim value, a key id
 * or a stack trace — so an error can be sent to a client as it is (ASVS 16.5.1).
 */

/** RFC 6750 §3.1 error codes. */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

/**
 * Stable error codes. Each maps to exactly one HTTP status and RFC 6750 error (see {@link ERROR_CATALOG}).
 */
export type PortcullisErrorCode =
  /** No credentials, or another auth scheme: 401 with a challenge and no `error` (RFC 6750 §3.1). */
  | 'ERR_MISSING_TOKEN'
  /** Malformed request: several tokens, duplicate headers, token in query/body, bad syntax. 400. */
  | 'ERR_INVALID_REQUEST'
  /** Token is not a well-formed compact JWS, or is over the size cap. 401. */
  | 'ERR_MALFORMED_TOKEN'
  /** `alg` outside the allowlist (including `none`), or forbidden JOSE header members. 401. */
  | 'ERR_ALGORITHM_NOT_ALLOWED'
  /** `typ` is not the expected media type (`at+jwt` by default). 401. */
  | 'ERR_INVALID_TOKEN_TYPE'
  /** No key of the key set matches the token's `kid`/`alg`. 401. */
  | 'ERR_KEY_NOT_FOUND'
  /** The signature does not verify. 401. */
  | 'ERR_SIGNATURE_INVALID'
  /** `exp` is in the past (beyond clock tolerance). 401. */
  | 'ERR_TOKEN_EXPIRED'
  /** `nbf` or `iat` is in the future (beyond clock tolerance). 401. */
  | 'ERR_TOKEN_NOT_YET_VALID'
  /** A required claim is missing, has the wrong type, or a wrong value (issuer, audience, age, lifetime). 401. */
  | 'ERR_CLAIM_INVALID'
  /** The token was revoked (by `jti`, or every token of its subject issued before a time). 401. */
  | 'ERR_TOKEN_REVOKED'
  /** The token lacks a required scope: 403 `insufficient_scope` with the `scope` attribute. */
  | 'ERR_INSUFFICIENT_SCOPE'
  /** A role, tenant or policy check denied the request. 403, no RFC 6750 error. */
  | 'ERR_FORBIDDEN'
  /** A route carries no authorization rule and is not public: denied by default. 403. */
  | 'ERR_NO_RULE'
  /** The resource does not exist or the caller may not see it — the two are indistinguishable. 404. */
  | 'ERR_NOT_FOUND'
  /** The key server could not answer and no usable cached key set exists. 503 + Retry-After. */
  | 'ERR_KEYS_UNAVAILABLE'
  /** The revocation store could not answer. 503 + Retry-After (never "allow"). */
  | 'ERR_REVOCATION_UNAVAILABLE'
  /** A resource loader or policy failed unexpectedly. 500, details withheld. */
  | 'ERR_INTERNAL';

/** Static facts about one error code. */
export interface ErrorCatalogEntry {
  readonly status: 400 | 401 | 403 | 404 | 500 | 503;
  /** RFC 6750 `error` attribute, when the status has one. */
  readonly bearerError?: BearerErrorCode;
  /** Fixed description sent to clients. RFC 6750 §3 charset: no `"` and no `\`. */
  readonly description: string;
}

/**
 * Every code with its status, RFC 6750 error and fixed description.
 *
 * @example
 * ```ts
 * ERROR_CATALOG.ERR_TOKEN_EXPIRED.status; // 401
 * ```
 */
export const ERROR_CATALOG: Readonly<Record<PortcullisErrorCode, ErrorCatalogEntry>> = Object.freeze({
  ERR_MISSING_TOKEN: { status: 401, description: 'Authentication required' },
  ERR_INVALID_REQUEST: { status: 400, bearerError: 'invalid_request', description: 'The request is malformed' },
  ERR_MALFORMED_TOKEN: { status: 401, bearerError: 'invalid_token', description: 'The access token is malformed' },
  ERR_ALGORITHM_NOT_ALLOWED: {
    status: 401,
    bearerError: 'invalid_token',
    description: 'The access token uses a disallowed algorithm',
  },
  ERR_INVALID_TOKEN_TYPE: {
    status: 401,
    bearerError: 'invalid_token',
    description: 'The token is not an access token',
  },
  ERR_KEY_NOT_FOUND: {
    status: 401,
    bearerError: 'invalid_token',
    description: 'The access token signing key is unknown',
  },
  ERR_SIGNATURE_INVALID: {
    status: 401,
    bearerError: 'invalid_token',
    description: 'The access token signature is invalid',
  },
  ERR_TOKEN_EXPIRED: { status: 401, bearerError: 'invalid_token', description: 'The access token expired' },
  ERR_TOKEN_NOT_YET_VALID: {
    status: 401,
    bearerError: 'invalid_token',
    description: 'The access token is not yet valid',
  },
  ERR_CLAIM_INVALID: { status: 401, bearerError: 'invalid_token', description: 'The access token claims are invalid' },
  ERR_TOKEN_REVOKED: { status: 401, bearerError: 'invalid_token', description: 'The access token was revoked' },
  ERR_INSUFFICIENT_SCOPE: {
    status: 403,
    bearerError: 'insufficient_scope',
    description: 'The access token lacks a required scope',
  },
  ERR_FORBIDDEN: { status: 403, description: 'Access to this resource is not permitted' },
  ERR_NO_RULE: { status: 403, description: 'Access to this resource is not permitted' },
  ERR_NOT_FOUND: { status: 404, description: 'Not found' },
  ERR_KEYS_UNAVAILABLE: { status: 503, description: 'The token signing keys are temporarily unavailable' },
  ERR_REVOCATION_UNAVAILABLE: { status: 503, description: 'Token revocation status is temporarily unavailable' },
  ERR_INTERNAL: { status: 500, description: 'Internal error' },
});

/** Extra, non-secret context an error may carry for logs and for the challenge. */
export interface PortcullisErrorDetails {
  /** Scopes the route requires; becomes the `scope` attribute of an `insufficient_scope` challenge. */
  readonly requiredScopes?: readonly string[];
  /** Name (never value) of the claim that failed, e.g. `"aud"`. */
  readonly claim?: string;
  /**
   * Seconds a client should wait before retrying (503 only). Rounded up to whole seconds and
   * capped at one day; a negative, `NaN` or infinite value means the default. @default 30
   */
  readonly retryAfter?: number;
  /** Developer-facing detail for logs, never sent to clients (must not contain token material). */
  readonly reason?: string;
  /** The underlying error, for logs only. */
  readonly cause?: unknown;
  /**
   * Base64url SHA-256 of the credential that was presented and refused, so the audit trail can
   * name it (SPEC §0.3) without ever holding the token. Never sent to clients.
   */
  readonly tokenHash?: string;
}

/**
 * The base error of Portcullis. `message` is the fixed public description of its code.
 *
 * @example
 * ```ts
 * throw new PortcullisError('ERR_INSUFFICIENT_SCOPE', { requiredScopes: ['orders:write'] });
 * ```
 */
export class PortcullisError extends Error {
  /** Stable machine-readable code. */
  readonly code: PortcullisErrorCode;
  /** HTTP status to answer with. */
  readonly status: ErrorCatalogEntry['status'];
  /** RFC 6750 `error` attribute, if any. */
  readonly bearerError: BearerErrorCode | undefined;
  /** Required scopes (for `insufficient_scope`). */
  readonly requiredScopes: readonly string[] | undefined;
  /** Name of the failing claim, if any. */
  readonly claim: string | undefined;
  /** `Retry-After` seconds for 503 answers. */
  readonly retryAfter: number | undefined;
  /** Log-only detail; never sent to a client. */
  readonly reason: string | undefined;
  /** Hash of the refused credential, for the audit trail; never sent to a client. */
  readonly tokenHash: string | undefined;

  constructor(code: PortcullisErrorCode, details: PortcullisErrorDetails = {}) {
    const entry = ERROR_CATALOG[code];
    super(entry.description, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'PortcullisError';
    this.code = code;
    this.status = entry.status;
    this.bearerError = entry.bearerError;
    this.requiredScopes = details.requiredScopes ? Object.freeze([...details.requiredScopes]) : undefined;
    this.claim = details.claim;
    this.retryAfter = entry.status === 503 ? retryAfterSeconds(details.retryAfter) : undefined;
    this.reason = details.reason;
    this.tokenHash = details.tokenHash;
  }
}

const DEFAULT_RETRY_AFTER = 30;
const MAX_RETRY_AFTER = 86_400;

/**
 * `Retry-After` must be delay-seconds, `1*DIGIT` (RFC 9110 §10.2.3): `String(1.5)`, `"NaN"`,
 * `"-3"` or `"1e+21"` would be an invalid header that clients ignore or misread.
 */
function retryAfterSeconds(value: number | undefined): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return DEFAULT_RETRY_AFTER;
  return Math.min(Math.ceil(value), MAX_RETRY_AFTER);
}

/**
 * Narrows an unknown value to a {@link PortcullisError}.
 *
 * @example
 * ```ts
 * try { await portcullis.authenticate(req); } catch (e) { if (isPortcullisError(e)) res.status(e.status); }
 * ```
 */
export function isPortcullisError(value: unknown): value is PortcullisError {
  return value instanceof PortcullisError;
}
