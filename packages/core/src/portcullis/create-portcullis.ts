import {
  createAuditEvent,
  denialAuditFields,
  emitAuditEvent,
  isAuditSinkEnabled,
  type AuditEventFields,
} from '../audit/create-audit-event.js';
import type { AuditEvent } from '../audit/audit-event.js';
import { decide } from '../authorization/decide.js';
import type { Decision, DecisionContext, Rule } from '../authorization/rule.js';
import { PortcullisError } from '../errors/portcullis-error.js';
import {
  assertChallengeSafe,
  toHttpResponse,
  type ChallengeOptions,
  type HttpErrorResponse,
} from '../errors/to-http-response.js';
import { createPrincipalMapper } from '../principal/create-principal-mapper.js';
import { extractBearerToken } from '../request/extract-bearer-token.js';
import { withTokenHash } from '../internal/with-token-hash.js';
import { hashToken } from '../token/hash-token.js';
import type { HttpRequestLike } from '../request/http-request-like.js';
import { createAccessTokenVerifier } from '../token/create-access-token-verifier.js';
import type { VerifiedToken } from '../token/verified-token.js';
import type { VerifierOptions } from '../token/verifier-options.js';
import type { AuditRequestInfo, AuthContext, Portcullis, PortcullisOptions } from './portcullis.js';

/** PortcullisOptions keys that are not verifier options. */
const OWN_KEYS = ['claims', 'roleHierarchy', 'claimsClientId', 'realm', 'resourceMetadata', 'bearer', 'audit'] as const;

function validate(options: PortcullisOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createPortcullis: options must be an object with at least issuer, audience and a key source');
  }
  if (options.realm !== undefined) {
    if (typeof options.realm !== 'string' || options.realm === '')
      throw new TypeError("createPortcullis: 'realm' must be a non-empty string");
    assertChallengeSafe('realm', options.realm);
  }
  if (options.resourceMetadata !== undefined) {
    assertChallengeSafe('resourceMetadata', options.resourceMetadata);
    // An absolute http(s) URL with a host (RFC 9728 §3). Checked without `URL`, which the core's
    // framework-free lib settings (`types: []`) do not declare.
    if (!/^https?:\/\/[^\s/?#@]+(?:[/?#]\S*)?$/i.test(options.resourceMetadata)) {
      throw new TypeError("createPortcullis: 'resourceMetadata' must be an absolute https URL (RFC 9728 §3)");
    }
  }
  if (options.audit !== undefined && typeof options.audit !== 'function') {
    throw new TypeError("createPortcullis: 'audit' must be a function (event) => void");
  }
  if (options.bearer !== undefined && (typeof options.bearer !== 'object' || options.bearer === null)) {
    throw new TypeError("createPortcullis: 'bearer' must be an object such as { allowQuery: false }");
  }
}

/**
 * Creates one configured Portcullis: validates every option once, builds the token verifier and
 * the principal mapper, and returns the per-request operations adapters use.
 *
 * - `authenticate(req)`: one bearer token from the request (RFC 6750; query/body refused unless
 *   `bearer` allows them) → verification (signature, claims, revocation) → principal. Failures
 *   are thrown as `PortcullisError`s; adapters answer them with `toHttpResponse` and record them
 *   with `auditDecision({ allowed: false, error }, undefined, …)`.
 * - `decide` / `authorize`: evaluate a rule (never throws / throws the deny's error).
 * - `audit` / `auditDecision`: one sanitised event per decision through the `audit` sink; a
 *   throwing sink is ignored. Events never contain a token, at most its hash.
 * - `toHttpResponse(err)`: the RFC 6750 answer phrased with this instance's realm and metadata URL.
 *
 * @throws {TypeError} When an option is invalid (realm or metadata URL unsafe for a challenge,
 * unknown claims preset, role-hierarchy cycle, verifier options …).
 *
 * @example
 * ```ts
 * const portcullis = createPortcullis({
 *   issuer: 'https://auth.example.com',
 *   audience: 'https://api.example.com/orders',
 *   jwksUri: 'https://auth.example.com/jwks',
 *   claims: 'rfc9068',
 *   roleHierarchy: { admin: ['support'] },
 *   realm: 'orders',
 *   revocation: new InMemoryRevocationStore(),
 *   audit: (event) => logger.info(event, 'portcullis'),
 * });
 *
 * let auth: AuthContext | undefined;
 * try {
 *   auth = await portcullis.authenticate(req);
 *   portcullis.authorize(requireScopes(['orders:read']), { principal: auth.principal });
 *   portcullis.auditDecision({ allowed: true }, auth, { method: req.method, route: '/orders' });
 * } catch (error) {
 *   portcullis.auditDecision({ allowed: false, error }, auth, { method: req.method, route: '/orders' });
 *   const { status, headers, body } = portcullis.toHttpResponse(error);
 * }
 * ```
 */
export function createPortcullis(options: PortcullisOptions): Portcullis {
  validate(options);
  const verifierOptions: Record<string, unknown> = { ...options };
  for (const key of OWN_KEYS) delete verifierOptions[key];
  const verifier = createAccessTokenVerifier(verifierOptions as unknown as VerifierOptions);
  const mapPrincipal = createPrincipalMapper(options.claims ?? 'rfc9068', {
    ...(options.roleHierarchy === undefined ? {} : { roleHierarchy: options.roleHierarchy }),
    ...(options.claimsClientId === undefined ? {} : { clientId: options.claimsClientId }),
  });
  const challenge: Portcullis['challenge'] = Object.freeze({
    realm: options.realm ?? 'api',
    ...(options.resourceMetadata === undefined ? {} : { resourceMetadata: options.resourceMetadata }),
  });
  const challengeOptions: ChallengeOptions = challenge;
  const bearer = options.bearer ?? {};
  const sink = options.audit;
  const now = options.now ?? Date.now;

  /** Anything that is not a PortcullisError becomes a generic 500: internals never leak. */
  const asPortcullisError = (error: unknown): PortcullisError =>
    error instanceof PortcullisError
      ? error
      : new PortcullisError('ERR_INTERNAL', { cause: error, reason: 'authentication failed unexpectedly' });

  /**
   * The error of a refused credential, carrying the credential's hash so the deny event can name
   * it (SPEC §0.3 NDR: "reason code and jti/token hash, never the raw token"). The built-in
   * verifier's errors name it already (it hashed the token once for its cache); only an error
   * from elsewhere (another verifier, a mapping failure) costs a hash here.
   */
  const identified = (error: unknown, token: string): PortcullisError => {
    const e = asPortcullisError(error);
    return e.tokenHash !== undefined ? e : (withTokenHash(e, hashToken(token)) as PortcullisError);
  };

  const verifyMaybeSync = (token: string): VerifiedToken | Promise<VerifiedToken> =>
    verifier.verifyMaybeSync === undefined ? verifier.verify(token) : verifier.verifyMaybeSync(token);

  // One AuthContext per verified token. A verified token is frozen and shared through the
  // verified-token cache, and the mapping is a function of its frozen claims and of options fixed
  // at creation, so a repeated token gets the very principal it got the first time instead of a
  // new identical one per request. Weak: an entry lives as long as the cache keeps the token.
  // A token verified just now (`cached: false`) is never handed out again — hits return the cache
  // entry's own object — so its context is not remembered: no weak entry (and no GC work for one)
  // per first sight.
  const contexts = new WeakMap<VerifiedToken, AuthContext>();
  const newAuthContext = (verified: VerifiedToken): AuthContext => {
    try {
      return Object.freeze({ principal: mapPrincipal(verified.claims), token: verified });
    } catch (error) {
      throw asPortcullisError(error);
    }
  };
  const toAuthContext = (verified: VerifiedToken): AuthContext => {
    if (verified.cached === false) return newAuthContext(verified);
    let auth = contexts.get(verified);
    if (auth === undefined) {
      auth = newAuthContext(verified);
      contexts.set(verified, auth);
    }
    return auth;
  };

  const authenticateTokenMaybeSync = (token: string): AuthContext | Promise<AuthContext> => {
    let verified: VerifiedToken | Promise<VerifiedToken>;
    const refuse = (error: unknown): never => {
      throw identified(error, token);
    };
    try {
      verified = verifyMaybeSync(token);
    } catch (error) {
      return refuse(error);
    }
    if (verified instanceof Promise) return verified.then(toAuthContext).catch(refuse);
    try {
      return toAuthContext(verified);
    } catch (error) {
      return refuse(error);
    }
  };

  const authenticateMaybeSync = (request: HttpRequestLike): AuthContext | Promise<AuthContext> => {
    let token: string;
    try {
      token = extractBearerToken(request, bearer);
    } catch (error) {
      throw asPortcullisError(error);
    }
    return authenticateTokenMaybeSync(token);
  };

  const authenticateToken = async (token: string): Promise<AuthContext> => authenticateTokenMaybeSync(token);

  /**
   * Whether an event built now would be sent: a sink is configured and its optional `isEnabled()`
   * does not refuse (e.g. Nest's logger with the `log` level off). When it refuses, nothing is
   * built — no clock read, no sanitising, no event object.
   */
  const auditing = (): boolean => sink !== undefined && isAuditSinkEnabled(sink);

  const emit = (event: AuditEventFields): void => {
    let time: number;
    try {
      time = now();
    } catch {
      time = Date.now();
    }
    emitAuditEvent(sink, createAuditEvent(event, time));
  };

  return Object.freeze({
    verifier,
    challenge,

    async authenticate(request: HttpRequestLike): Promise<AuthContext> {
      return authenticateMaybeSync(request);
    },

    authenticateToken,

    authenticateMaybeSync,

    decide<R>(rule: Rule<R>, context: DecisionContext<R>): Decision {
      return decide(rule, context);
    },

    authorize<R>(rule: Rule<R>, context: DecisionContext<R>): void {
      const decision = decide(rule, context);
      if (!decision.allowed) throw decision.error;
    },

    audit(event: Omit<AuditEvent, 'type' | 'time'>): void {
      if (auditing()) emit(event);
    },

    auditDecision(
      outcome: { allowed: true; reason?: string } | { allowed: false; error: unknown; detail?: string },
      auth: AuthContext | undefined,
      request?: AuditRequestInfo,
    ): void {
      if (!auditing()) return;
      const principal = auth?.principal;
      // One object, the fields of `principalAuditFields` + token hash + request facts + outcome.
      if (outcome.allowed === true) {
        emit({
          subject: principal?.subject,
          clientId: principal?.clientId,
          tenant: principal?.tenant,
          tokenId: principal?.tokenId,
          tokenHash: auth?.token.tokenHash,
          method: request?.method,
          route: request?.route,
          decision: 'allow',
          reason: outcome.reason ?? 'ALLOW',
        });
      } else {
        const { reason, detail } = denialAuditFields(outcome.error, outcome.detail);
        emit({
          subject: principal?.subject,
          clientId: principal?.clientId,
          tenant: principal?.tenant,
          tokenId: principal?.tokenId,
          // A refused credential has no verified token: its hash travels on the error.
          tokenHash:
            auth?.token.tokenHash ?? (outcome.error instanceof PortcullisError ? outcome.error.tokenHash : undefined),
          method: request?.method,
          route: request?.route,
          decision: 'deny',
          reason,
          detail,
        });
      }
    },

    toHttpResponse(error: unknown): HttpErrorResponse {
      return toHttpResponse(error, challengeOptions);
    },
  });
}
