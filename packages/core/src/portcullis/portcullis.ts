import type { AuditEvent, AuditSink } from '../audit/audit-event.js';
import type { Decision, DecisionContext, Rule } from '../authorization/rule.js';
import type { ChallengeOptions, HttpErrorResponse } from '../errors/to-http-response.js';
import type { ClaimsMapping, ClaimsPreset } from '../principal/claims-mapping.js';
import type { Principal } from '../principal/principal.js';
import type { BearerExtractionOptions, HttpRequestLike } from '../request/http-request-like.js';
import type { AccessTokenVerifier } from '../token/access-token-verifier.js';
import type { VerifiedToken } from '../token/verified-token.js';
import type { VerifierOptions } from '../token/verifier-options.js';

/**
 * Options of {@link createPortcullis}: the verifier's options plus claim mapping, role hierarchy,
 * challenge wording, token transport and audit sink. Validated once, at creation.
 */
export interface PortcullisOptions extends VerifierOptions {
  /** Claim mapping or a provider preset. @default 'rfc9068' */
  readonly claims?: ClaimsPreset | ClaimsMapping;
  /**
   * Role hierarchy: each role lists the roles it implies, transitively.
   * @example { admin: ['support'], support: ['customer'] }
   * @default {}
   */
  readonly roleHierarchy?: Readonly<Record<string, readonly string[]>>;
  /**
   * This API's own client id: replaces `{clientId}` in claim paths, e.g. the Keycloak preset's
   * `resource_access.{clientId}.roles`, so only the roles a user holds for this API count. Required
   * with a mapping that uses `{clientId}` (the `keycloak` preset does): creation throws a
   * `TypeError` without it, because the token's own client id would let the calling client choose
   * whose roles apply. @default undefined
   */
  readonly claimsClientId?: string;
  /** RFC 6750 `realm`. @default 'api' */
  readonly realm?: string;
  /** RFC 9728 metadata URL for challenges. @default undefined */
  readonly resourceMetadata?: string;
  /** Token transport (header only by default). */
  readonly bearer?: BearerExtractionOptions;
  /** Receives one event per decision. @default no-op */
  readonly audit?: AuditSink;
}

/** The result of a successful authentication. */
export interface AuthContext {
  readonly principal: Principal;
  readonly token: VerifiedToken;
}

/** Request facts attached to audit events. */
export interface AuditRequestInfo {
  readonly method?: string;
  readonly route?: string;
}

/**
 * One configured Portcullis instance: create it once at start-up, use it per request.
 *
 * @example
 * ```ts
 * const portcullis = createPortcullis({ issuer, audience, jwksUri });
 * const { principal } = await portcullis.authenticate(req);
 * portcullis.authorize(requireScopes(['orders:read']), { principal });
 * ```
 */
export interface Portcullis {
  /** The verifier (exposes key reload and status). */
  readonly verifier: AccessTokenVerifier;
  /** Challenge wording used by {@link Portcullis.toHttpResponse}. */
  readonly challenge: Required<Pick<ChallengeOptions, 'realm'>> & ChallengeOptions;
  /** Extract, verify (with revocation) and map. Throws a `PortcullisError` on any failure. */
  authenticate(request: HttpRequestLike): Promise<AuthContext>;
  /** Verify a token already extracted and map it. Throws a `PortcullisError` on any failure. */
  authenticateToken(token: string): Promise<AuthContext>;
  /**
   * For adapters on the request path: {@link Portcullis.authenticate} without the promise when none
   * is needed. A repeated token (verified-token cache hit) with a synchronous revocation store (or
   * none) is authenticated in the calling tick: the `AuthContext` is returned, or the
   * `PortcullisError` thrown. Anything that needs I/O or a signature check returns a promise. The
   * checks are exactly those of `authenticate` — extraction, the clock, revocation and principal
   * mapping run on every call. Optional so that other implementations of this interface (test
   * doubles) stay valid; `createPortcullis` always provides it.
   *
   * @example
   * ```ts
   * const result = portcullis.authenticateMaybeSync?.(req) ?? portcullis.authenticate(req);
   * if (result instanceof Promise) result.then(allow, deny);
   * else allow(result);
   * ```
   */
  authenticateMaybeSync?(request: HttpRequestLike): AuthContext | Promise<AuthContext>;
  /** Evaluate a rule; never throws (a throwing rule is a deny with `ERR_INTERNAL`). */
  decide<R>(rule: Rule<R>, context: DecisionContext<R>): Decision;
  /** Evaluate a rule and throw its error when denied. */
  authorize<R>(rule: Rule<R>, context: DecisionContext<R>): void;
  /** Emit an audit event through the configured sink (sink errors are swallowed). */
  audit(event: Omit<AuditEvent, 'type' | 'time'>): void;
  /** Build the audit event fields for a decision about an (optional) auth context. */
  auditDecision(
    outcome: { allowed: true; reason?: string } | { allowed: false; error: unknown; detail?: string },
    auth: AuthContext | undefined,
    request?: AuditRequestInfo,
  ): void;
  /** The HTTP answer for an error, phrased with this instance's realm. */
  toHttpResponse(error: unknown): HttpErrorResponse;
}
