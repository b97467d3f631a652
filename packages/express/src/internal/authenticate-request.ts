import { PortcullisError } from '@portcullis/core';
import type { AuthContext, HttpRequestLike, Portcullis } from '@portcullis/core';
import type { Request } from 'express';
import { auditRequestInfo } from './audit-request-info.js';
import { requestState } from './request-state.js';

/**
 * The Portcullis instance in charge of a request. A rule middleware used without `portcullis()`
 * (or a configured `portcullisRouter`) in front of it cannot decide, so it fails closed with a
 * 500 whose log-only reason says how to fix the set-up.
 */
export function portcullisOf(req: Request): Portcullis {
  const instance = requestState(req).portcullis;
  if (instance === undefined) {
    throw new PortcullisError('ERR_INTERNAL', {
      reason: 'no Portcullis instance on the request: mount portcullis(options) (or portcullisRouter({ portcullis })) before Portcullis rules',
    });
  }
  return instance;
}

/** The framework-free view of an Express request that the core's extractor reads. */
function toRequestLike(req: Request): HttpRequestLike {
  return {
    headers: req.headers,
    // `rawHeaders` is the only place where a second `Authorization` header is still visible.
    rawHeaders: req.rawHeaders,
    method: req.method,
    url: req.originalUrl ?? req.url,
    query: req.query,
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
 */
export function authenticateRequestMaybeSync(req: Request): AuthContext | Promise<AuthContext> {
  const state = requestState(req);
  const instance = portcullisOf(req);
  const memo = state.authentication;
  if (memo !== undefined && memo.instance === instance) {
    // Already decided for this request: the same answer, without a promise when it succeeded.
    if (state.auth !== undefined && state.authenticatedBy === instance) return state.auth;
    return memo.result;
  }

  const succeed = (auth: AuthContext): AuthContext => {
    state.auth = auth;
    state.authenticatedBy = instance;
    req.auth = Object.freeze({ principal: auth.principal, token: auth.token });
    return auth;
  };
  const fail = (error: unknown): never => {
    instance.auditDecision({ allowed: false, error }, undefined, auditRequestInfo(req));
    throw error;
  };

  let outcome: AuthContext | Promise<AuthContext>;
  try {
    const request = toRequestLike(req);
    // `authenticateMaybeSync` is optional on the Portcullis interface (test doubles may lack it).
    const answer =
      instance.authenticateMaybeSync !== undefined ? instance.authenticateMaybeSync(request) : instance.authenticate(request);
    outcome = isPromiseLike(answer) ? Promise.resolve(answer).then(succeed, fail) : succeed(answer);
  } catch (error) {
    outcome = Promise.reject(error).catch(fail);
  }
  const result = isPromiseLike(outcome) ? outcome : Promise.resolve(outcome);
  // Callers attach their own handlers; this one only keeps an unobserved failure from being
  // reported as an unhandled rejection.
  result.catch(() => undefined);
  state.authentication = { instance, result };
  return outcome;
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
