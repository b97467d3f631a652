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

/**
 * Authenticates a request once per instance: later rules reuse the same promise. A failure is
 * audited once (as a deny, with the error code) and rethrown to every caller. On success,
 * `req.auth` is set as a frozen view.
 */
export function authenticateRequest(req: Request): Promise<AuthContext> {
  const state = requestState(req);
  let instance: Portcullis;
  try {
    instance = portcullisOf(req);
  } catch (error) {
    return Promise.reject(error);
  }
  const memo = state.authentication;
  if (memo !== undefined && memo.instance === instance) return memo.result;

  const result = (async () => {
    try {
      const auth = await instance.authenticate(toRequestLike(req));
      state.auth = auth;
      req.auth = Object.freeze({ principal: auth.principal, token: auth.token });
      return auth;
    } catch (error) {
      instance.auditDecision({ allowed: false, error }, undefined, auditRequestInfo(req));
      throw error;
    }
  })();
  // Callers attach their own handlers; this one only keeps an unobserved failure from being
  // reported as an unhandled rejection.
  result.catch(() => undefined);
  state.authentication = { instance, result };
  return result;
}
