import type { AuthContext, Portcullis } from '@portcullis/core';
import { toHttpRequestLike } from './http-platform.js';

/** How one request's authentication by one Portcullis instance ended, or that it is still running. */
export type AuthenticationOutcome =
  | { readonly state: 'authenticated'; readonly auth: AuthContext }
  | { readonly state: 'failed'; readonly error: unknown }
  | { readonly state: 'pending'; readonly promise: Promise<AuthContext> };

/** Outcomes per request object, for one Portcullis instance. */
export type AuthenticationMemo = WeakMap<object, AuthenticationOutcome>;

/**
 * Memos per Portcullis instance, then per request object. Module-private on purpose: an entry can
 * only be written by {@link authenticateOnce}, i.e. by Portcullis itself having authenticated this
 * very request object. Nothing a client sends (headers, body, query, a `portcullis` or `user`
 * property some middleware copied onto the request) can create, change or select an entry — the
 * key is the identity of the request object, which only the server holds. Both maps are weak, so
 * an entry lives exactly as long as its request (and its instance).
 *
 * Keyed by instance first because a memo proves only what the instance that made it checked:
 * another instance may trust another issuer, audience or revocation store, so it must never see
 * this one's outcome.
 */
const memos = new WeakMap<object, AuthenticationMemo>();

/** The memo of one Portcullis instance (created on first use). */
export function authenticationMemo(portcullis: object): AuthenticationMemo {
  // Not an object (a broken test double): a memo of its own, which nothing else can ever fill.
  if (typeof portcullis !== 'object' || portcullis === null) return new WeakMap();
  let memo = memos.get(portcullis);
  if (memo === undefined) {
    memo = new WeakMap();
    memos.set(portcullis, memo);
  }
  return memo;
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Replays an outcome: the same `AuthContext` returned, the same error thrown, or the same promise. */
export function replayOutcome(outcome: AuthenticationOutcome): AuthContext | Promise<AuthContext> {
  if (outcome.state === 'authenticated') return outcome.auth;
  if (outcome.state === 'pending') return outcome.promise;
  throw outcome.error;
}

/**
 * Authenticates `request` with core's own bearer extraction (RFC 6750, the instance's `bearer`
 * options) — exactly what `PortcullisGuard` does when `extractToken` returns `undefined` — once per
 * request object and instance. Later calls replay the first outcome, failures included. Returns
 * the `AuthContext` directly (or throws) when core decided without waiting.
 */
export function authenticateOnce(portcullis: Portcullis, request: object): AuthContext | Promise<AuthContext> {
  const memo = authenticationMemo(portcullis);
  const known = memo.get(request);
  if (known !== undefined) return replayOutcome(known);
  let result: AuthContext | Promise<AuthContext>;
  try {
    const req = toHttpRequestLike(request);
    // `authenticateMaybeSync` is optional on the Portcullis interface (test doubles may lack it).
    result =
      portcullis.authenticateMaybeSync !== undefined
        ? portcullis.authenticateMaybeSync(req)
        : portcullis.authenticate(req);
  } catch (error) {
    memo.set(request, Object.freeze({ state: 'failed', error }));
    throw error;
  }
  if (!isPromiseLike(result)) {
    memo.set(request, Object.freeze({ state: 'authenticated', auth: result }));
    return result;
  }
  const promise = Promise.resolve(result);
  memo.set(request, Object.freeze({ state: 'pending', promise }));
  // Once settled, the outcome is stored as such, so a guard running after the pre-guard awaited it
  // decides in the same tick. Both branches are handled: this chain never rejects unhandled.
  promise.then(
    (auth) => memo.set(request, Object.freeze({ state: 'authenticated', auth })),
    (error: unknown) => memo.set(request, Object.freeze({ state: 'failed', error })),
  );
  return promise;
}
