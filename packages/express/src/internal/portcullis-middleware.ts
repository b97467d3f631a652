import { PortcullisError } from '@portcullis/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { GLOBAL_SCOPE, requestState } from './request-state.js';
import type { Pass, PassScope, RequestState } from './request-state.js';

const MARK = Symbol('portcullis.express.middleware');

/** What a Portcullis middleware is, for deny-by-default routers and start-up reports. */
export interface MiddlewareInfo {
  /** `scopes`, `roles`, `tenant`, `ownership`, `policy`, `rule`, `authenticated`, `public`, `router`, `metadata`. */
  readonly kind: string;
  readonly description: string;
}

type Marked = { readonly [MARK]?: MiddlewareInfo };

/** Tags a function as a Portcullis middleware (a rule, `publicRoute()`, a deny-by-default router, the metadata server). */
export function markMiddleware<F extends object>(fn: F, info: MiddlewareInfo): F {
  Object.defineProperty(fn, MARK, { value: Object.freeze({ ...info }), enumerable: false });
  return fn;
}

/** The Portcullis tag of a function, if it has one. */
export function middlewareInfo(fn: unknown): MiddlewareInfo | undefined {
  return typeof fn === 'function' ? (fn as Marked)[MARK] : undefined;
}

/**
 * Where a check that is running now counts (see {@link PassScope}): the matched route when the
 * check is part of that route's own stack, else the innermost deny-by-default router handling
 * the request, else the global scope.
 */
function scopeOf(req: Request, fn: unknown, state: RequestState): PassScope {
  const route = req.route as { stack?: unknown } | undefined;
  // `req.route` is left in place after a route falls through, so membership of the running
  // function in the route's stack is what tells a route-level check from router-level middleware.
  if (route && Array.isArray(route.stack)) {
    const stack = route.stack as readonly ({ handle?: unknown } | null | undefined)[];
    for (let i = 0; i < stack.length; i++) if (stack[i]?.handle === fn) return route;
  }
  return state.routers.length > 0 ? (state.routers[state.routers.length - 1] as object) : GLOBAL_SCOPE;
}

/**
 * Whether a pass counts for a handler of `route` right now: it was recorded in the route, an
 * enclosing deny-by-default router or app-wide, and — for a rule — by the instance in charge now.
 */
export function passCounts(pass: Pass, route: object, state: RequestState): boolean {
  if (!pass.public && pass.instance !== state.portcullis) return false;
  return pass.scope === route || pass.scope === GLOBAL_SCOPE || state.routers.includes(pass.scope);
}

/** Records a passed check in the scope of the running middleware. */
export function recordPass(req: Request, fn: unknown, isPublic: boolean): void {
  const state = requestState(req);
  state.passes.push({ scope: scopeOf(req, fn, state), public: isPublic, instance: state.portcullis });
}

/** What a check decided: a public marker passed, or a rule allowed. */
type CheckOutcome = 'public' | 'rule';

/**
 * Builds a Portcullis middleware from a check. The check resolves (or returns, when it could decide
 * synchronously) when the request may continue (`'public'` for public markers, `'rule'` for rules
 * that allowed) and rejects (or throws) with the error to answer with.
 *
 * Why the plumbing: the returned function never returns a promise (Express 5 would attach a
 * second rejection handler) and never throws; every outcome — including a loader or store that
 * throws synchronously, rejects, or rejects with `undefined` — ends in exactly one `next()` or
 * `next(error)` call, so a request can neither hang on an error nor slip through on one. That
 * holds on Express 4 too, which ignores returned promises.
 */
export function defineCheck(info: MiddlewareInfo, check: (req: Request, res: Response) => Promise<CheckOutcome>): RequestHandler;
export function defineCheck(
  info: MiddlewareInfo,
  check: (req: Request, res: Response) => CheckOutcome | Promise<CheckOutcome>,
): RequestHandler;
export function defineCheck(
  info: MiddlewareInfo,
  check: (req: Request, res: Response) => CheckOutcome | Promise<CheckOutcome>,
): RequestHandler {
  const middleware = function portcullisCheck(req: Request, res: Response, next: NextFunction): void {
    let running: CheckOutcome | Promise<CheckOutcome>;
    try {
      running = check(req, res);
    } catch (error) {
      running = Promise.reject(error);
    }
    // A check that decided synchronously (a repeated token, rules on the principal only) passes
    // in this tick, without a closure or a promise; `next()` is still called exactly once.
    if (running === 'public' || running === 'rule') {
      try {
        recordPass(req, middleware, running === 'public');
      } catch (error) {
        // Without a recorded pass a deny-by-default router would refuse the route anyway.
        next(error ?? new PortcullisError('ERR_INTERNAL'));
        return;
      }
      next();
      return;
    }
    let settled = false;
    const settle = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      if (error === undefined) next();
      else next(error);
    };
    const pass = (outcome: CheckOutcome): void => {
      try {
        recordPass(req, middleware, outcome === 'public');
      } catch (error) {
        // Without a recorded pass a deny-by-default router would refuse the route anyway;
        // answer the failure instead of letting it become an unhandled rejection.
        settle(error ?? new PortcullisError('ERR_INTERNAL'));
        return;
      }
      settle();
    };
    Promise.resolve(running).then(pass, (error: unknown) =>
      settle(error ?? new PortcullisError('ERR_INTERNAL', { reason: 'a check rejected without a reason' })),
    );
  };
  return markMiddleware(middleware, info);
}
