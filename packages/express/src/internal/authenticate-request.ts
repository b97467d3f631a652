import { PortcullisError } from '@portcullis/core';
import type { AuthContext, HttpRequestLike, Portcullis } from '@portcullis/core';
import type { Request } from 'express';
import { auditRequestInfo } from './audit-request-info.js';
import { requestState } from './request-state.js';
import type { RequestState } from './request-state.js';

/**
 * The Portcullis instance in charge of a request. A rule middleware used without `portcullis()`
 * (or a configured `portcullisRouter`) in front of it cannot decide, so it fails closed with a
 * 500 whose log-only reason says how to fix the set-up.
 */
export function portcullisOf(req: Request, state: RequestState = requestState(req)): Portcullis {
  const instance = state.portcullis;
  if (instance === undefined) {
    throw new PortcullisError('ERR_INTERNAL', {
      reason:
        'no Portcullis instance on the request: mount portcullis(options) (or portcullisRouter({ portcullis })) before Portcullis rules',
    });
  }
  return instance;
}

/** The framework-free view of an Express request that the core's extractor reads. */
function toRequestLike(req: Request): HttpRequestLike {
  const url = req.originalUrl ?? req.url;
  return {
    headers: req.headers,
    // `rawHeaders` is the only place where a second `Authorization` header is still visible.
    rawHeaders: req.rawHeaders,
    method: req.method,
    url,
    // Express 5's `req.query` is a getter that parses the query string again on every read. A
    // request target without `?` has no query a client could have put a token in, so the parsed
    // query is read only when there is one (the extractor also reads `url` itself).
    query: typeof url === 'string' && url.indexOf('?') === -1 ? undefined : req.query,
    body: req.body as unknown,
  };
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * Authenticates a request once per instance: later rules reuse the same outcome. A failure is
 * audited once (as a deny, with the error code) and rethrown to every caller. On success,
 * `req.auth` is set as a frozen view.
 *
 * Synchronous when core can decide without waiting (a repeated token with a synchronous
 * revocation store): the `AuthContext` is returned, or the error thrown. Otherwise a promise.
 *
 * `using` is the instance to authenticate with; by default the one in charge of the request
 * (set by the gate or a configured router). The public `authenticateRequest` passes it
 * explicitly, before any gate ran, and never sets `state.portcullis`: the memo is keyed by the
 * instance either way, so a gate with another instance authenticates again.
 */
export function authenticateRequestMaybeSync(req: Request, using?: Portcullis): AuthContext | Promise<AuthContext> {
  const state = requestState(req);
  const instance = using ?? portcullisOf(req, state);
  const memo = state.authentication;
  if (memo !== undefined && memo.instance === instance) {
    // Already decided for this request: the same answer, without a promise when it succeeded.
    if (state.auth !== undefined && state.authenticatedBy === instance) return state.auth;
    return memo.result;
  }

  let answer: AuthContext | PromiseLike<AuthContext>;
  try {
    const request = toRequestLike(req);
    // `authenticateMaybeSync` is optional on the Portcullis interface (test doubles may lack it).
    answer =
      instance.authenticateMaybeSync !== undefined
        ? instance.authenticateMaybeSync(request)
        : instance.authenticate(request);
  } catch (error) {
    answer = Promise.reject(error);
  }
  if (!isPromiseLike(answer)) {
    // Decided in this tick (a repeated token): no promise at all. The memo holds the answer itself.
    const auth = succeed(req, state, instance, answer);
    state.authentication = { instance, result: auth };
    return auth;
  }
  const outcome = Promise.resolve(answer).then(
    (auth) => succeed(req, state, instance, auth),
    (error: unknown): never => {
      instance.auditDecision({ allowed: false, error }, undefined, auditRequestInfo(req));
      throw error;
    },
  );
  // Callers attach their own handlers; this one only keeps an unobserved failure from being
  // reported as an unhandled rejection.
  outcome.catch(() => undefined);
  state.authentication = { instance, result: outcome };
  return outcome;
}

/** Views already built for `req.auth`, per frozen auth context (a repeated token shares one). */
const views = new WeakMap<
  AuthContext,
  Readonly<{ principal: AuthContext['principal']; token: AuthContext['token'] }>
>();

/** Records a successful authentication on the request and sets the frozen `req.auth` view. */
function succeed(req: Request, state: RequestState, instance: Portcullis, auth: AuthContext): AuthContext {
  state.auth = auth;
  state.authenticatedBy = instance;
  // Core returns the same frozen auth context for a repeated token: its requests share one frozen
  // view. An auth context that is not frozen (a test double) could change, so it gets a new view.
  // A first sight (`cached: false`) is never seen again: it is not remembered either.
  // (`token` is typed as always present; a hand-made auth context without one is simply shared.)
  const shared = Object.isFrozen(auth) && (auth.token as AuthContext['token'] | undefined)?.cached !== false;
  let view = shared ? views.get(auth) : undefined;
  if (view === undefined) {
    view = Object.freeze({ principal: auth.principal, token: auth.token });
    if (shared) views.set(auth, view);
  }
  req.auth = view;
  return auth;
}

/**
 * Authenticates a request once per instance: later rules reuse the same promise. A failure is
 * audited once (as a deny, with the error code) and rethrown to every caller. On success,
 * `req.auth` is set as a frozen view.
 */
export function authenticateRequest(req: Request): Promise<AuthContext> {
  try {
    const outcome = authenticateRequestMaybeSync(req);
    return isPromiseLike(outcome) ? outcome : Promise.resolve(outcome);
  } catch (error) {
    return Promise.reject(error);
  }
}
