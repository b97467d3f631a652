import { METHODS } from 'node:http';
import { PortcullisError } from '@portcullis/core';
import type { Portcullis } from '@portcullis/core';
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import { authenticateRequest } from './internal/authenticate-request.js';
import { auditFailure } from './internal/decide-request.js';
import { isPortcullisInstance } from './internal/is-portcullis-instance.js';
import { markMiddleware, middlewareInfo, passCounts } from './internal/portcullis-middleware.js';
import { GLOBAL_SCOPE, requestState } from './internal/request-state.js';
import type { RequestState } from './internal/request-state.js';

/**
 * Options of {@link portcullisRouter}.
 *
 * @example
 * ```ts
 * const options: PortcullisRouterOptions = { portcullis: createPortcullis(config), mergeParams: true };
 * const api = portcullisRouter(options);
 * ```
 */
export interface PortcullisRouterOptions {
  /**
   * Authenticate inside this router with this instance (or the instance of a `portcullis()`
   * gate) instead of relying on a gate in front of it. Then `publicRoute()` routes of the router
   * are reachable without a token, while every other route — and every router-level middleware —
   * requires one. Rules that passed in front of the router under another instance (an app-wide
   * rule behind a gate for another issuer or audience) do not count inside it, and once the
   * request leaves the router unanswered, the instance in front is in charge again.
   * @default the instance of the gate (or configured router) the request came through
   */
  readonly portcullis?: Portcullis | { readonly portcullis: Portcullis };
  /** Express router option. @default false */
  readonly caseSensitive?: boolean;
  /** Express router option. @default false */
  readonly mergeParams?: boolean;
  /** Express router option. @default false */
  readonly strict?: boolean;
}

const ROUTE_METHODS = [...METHODS.map((m) => m.toLowerCase()), 'all'];
type AnyHandler = (...args: unknown[]) => unknown;

function isPlainRouterOrApp(fn: unknown): boolean {
  if (typeof fn !== 'function') return false;
  const f = fn as unknown as Record<string, unknown>;
  return typeof f['handle'] === 'function' && (Array.isArray(f['stack']) || typeof f['set'] === 'function');
}

/** Whether the request is already authenticated by the instance in charge. */
function isAuthenticated(state: RequestState): boolean {
  // `authenticatedBy` too: `state.auth` may come from another instance (a middleware before the
  // gate that called `authenticateRequest` with its own instance), which proves nothing here.
  return (
    state.auth !== undefined &&
    state.authenticatedBy === state.portcullis &&
    state.authentication !== undefined &&
    state.authentication.instance === state.portcullis
  );
}

/** Whether a public marker that applies to router-level code (not to one route) was set. */
function hasPublicPass(state: RequestState): boolean {
  return state.passes.some((p) => p.public && (p.scope === GLOBAL_SCOPE || state.routers.includes(p.scope)));
}

/**
 * Runs router-level code (a `use` middleware, a `param` callback) only for an authenticated or
 * public request. Router-level code runs *before* the route's own rules, and may load data or
 * even answer the request itself, so it never runs for an anonymous caller inside a
 * deny-by-default router.
 */
function guardRouterLevel<F extends AnyHandler>(fn: F): F {
  const guarded = function portcullisGuarded(this: unknown, ...args: unknown[]): unknown {
    const req = args[0] as Request;
    const next = args[2] as NextFunction;
    const state = requestState(req);
    if (isAuthenticated(state) || hasPublicPass(state)) return fn.apply(this, args);
    authenticateRequest(req).then(
      () => {
        let result: unknown;
        try {
          result = fn.apply(this, args);
        } catch (error) {
          next(error);
          return;
        }
        // Called asynchronously, so Express no longer watches the returned promise: do it here.
        if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
          (result as PromiseLike<unknown>).then(undefined, (error: unknown) => next(error ?? new Error('Rejected promise')));
        }
      },
      (error: unknown) => next(error),
    );
    return undefined;
  };
  // Express tells request handlers (3 arguments) from error handlers (4) and param callbacks
  // (5) by arity, so the wrapper must keep it.
  Object.defineProperty(guarded, 'length', { value: fn.length });
  Object.defineProperty(guarded, 'name', { value: fn.name });
  return guarded as unknown as F;
}

/**
 * Wraps a route handler that is not a Portcullis middleware: it runs only when a Portcullis
 * check passed for this request *in this route* (or router-level in an enclosing deny-by-default
 * router, or app-wide). Otherwise the request is authenticated (401/400/503 first) and refused
 * with 403 `ERR_NO_RULE`.
 */
function guardRouteHandler(fn: AnyHandler, route: object): AnyHandler {
  const guarded = function portcullisRuleRequired(this: unknown, req: Request, res: Response, next: NextFunction): unknown {
    const state = requestState(req);
    if (state.passes.some((p) => passCounts(p, route, state))) return fn.call(this, req, res, next);
    authenticateRequest(req).then(
      (auth) => {
        const error = new PortcullisError('ERR_NO_RULE', { reason: 'route has no Portcullis rule and is not public' });
        if (state.portcullis !== undefined) auditFailure(state.portcullis, error, auth, req, 'no rule');
        next(error);
      },
      (error: unknown) => next(error),
    );
    return undefined;
  };
  Object.defineProperty(guarded, 'name', { value: fn.name });
  return guarded as unknown as AnyHandler;
}

function flattenDeep(values: readonly unknown[]): unknown[] {
  return values.flat(Infinity as 1);
}

/**
 * A deny-by-default `express.Router`: a route whose stack has no Portcullis rule and no
 * `publicRoute()` is refused with 403 `ERR_NO_RULE` (after authentication: no token → 401 first).
 *
 * **How it works (and why route order cannot bypass it).** The router patches its own `route()`
 * (which `get`/`post`/…/`all` go through) and `use()` at registration time:
 * - every route handler that is not a Portcullis middleware is wrapped; at request time the
 *   wrapper runs the handler only if a Portcullis check *already passed* for this request — a
 *   rule or `publicRoute()` in the same route (`router.route()` chains included), a rule in an
 *   enclosing deny-by-default router's `use()`, or an app-wide rule or public path. A rule placed
 *   *after* the handler therefore does not count, a rule on a sibling route does not count, and
 *   a router-level rule stops counting once the request leaves that router;
 * - router-level middleware (`use`, `param`) runs only for authenticated (or public) requests,
 *   since it runs before any route rule;
 * - mounting a plain `express.Router()` or app inside it throws a `TypeError`: its routes could
 *   not be checked. Nest `portcullisRouter()`s instead; they inherit the parent's instance.
 *
 * Checks record their pass in request state private to this package (never `req.auth`). Error
 * handlers (4 arguments) are left alone. `use()` middleware is middleware: it is not checked for
 * a rule, so do not answer requests from it — register endpoints with `get`/`post`/`route()`.
 *
 * @example
 * ```ts
 * const api = portcullisRouter();
 * api.get('/health', publicRoute(), health);
 * api.get('/orders', requireScopes('orders:read'), listOrders);
 * api.get('/forgotten', handler);                // 403 ERR_NO_RULE (401 without a token)
 *
 * const admin = portcullisRouter();
 * admin.use(requireRoles('admin'));              // covers every route below
 * admin.get('/orders', listAllOrders);
 * api.use('/admin', admin);
 * app.use(portcullis(options), api, portcullisErrorHandler());
 * ```
 */
export function portcullisRouter(options: PortcullisRouterOptions = {}): Router {
  if (typeof options !== 'object' || options === null) throw new TypeError('portcullisRouter(options): options must be an object');
  const allowed = ['portcullis', 'caseSensitive', 'mergeParams', 'strict'];
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new TypeError(`portcullisRouter: unknown option '${key}'; expected ${allowed.join(', ')}`);
  }
  let instance: Portcullis | undefined;
  if (options.portcullis !== undefined) {
    const given = options.portcullis;
    const candidate = isPortcullisInstance(given) ? given : (given as { portcullis?: unknown }).portcullis;
    if (!isPortcullisInstance(candidate)) {
      throw new TypeError("portcullisRouter: 'portcullis' must be a Portcullis instance (createPortcullis) or a portcullis() gate");
    }
    instance = candidate;
  }

  const router = express.Router({
    caseSensitive: options.caseSensitive ?? false,
    mergeParams: options.mergeParams ?? false,
    strict: options.strict ?? false,
  });

  // Track which deny-by-default routers are handling the request, so a router-level pass counts
  // only while the request is inside that router. A router with its own instance is in charge
  // while the request is inside it, and hands the request back to the instance in front (if any)
  // when it leaves without an answer (later rules of the app decide with that one again). On an error it
  // stays in charge, so the error handler phrases the answer with the instance that refused.
  const own = instance;
  const handle = (router as unknown as { handle: AnyHandler }).handle;
  (router as unknown as { handle: AnyHandler }).handle = function portcullisRouterHandle(this: unknown, ...args: unknown[]): unknown {
    const req = args[0] as Request;
    const out = args[2] as (err?: unknown) => void;
    const state = requestState(req);
    const previous = state.portcullis;
    if (own !== undefined) state.portcullis = own;
    state.routers.push(router);
    let left = false;
    const leave = (err?: unknown): void => {
      if (!left) {
        left = true;
        const at = state.routers.lastIndexOf(router);
        if (at !== -1) state.routers.splice(at, 1);
        for (let i = state.passes.length - 1; i >= 0; i--) if (state.passes[i]?.scope === router) state.passes.splice(i, 1);
        // Without an instance in front (no gate) there is nothing to confuse it with: the router's
        // instance stays in charge, as before, for app-level rules after it.
        if (own !== undefined && previous !== undefined && (err === undefined || err === null || err === 'router')) {
          state.portcullis = previous;
        }
      }
      out(err);
    };
    return handle.call(this, req, args[1], leave);
  };

  const route = router.route;
  router.route = function portcullisRoute(this: Router, path: Parameters<Router['route']>[0]) {
    const created = route.call(this, path) as unknown as Record<string, unknown>;
    for (const method of ROUTE_METHODS) {
      const register = created[method];
      if (typeof register !== 'function') continue;
      created[method] = function portcullisRegister(this: unknown, ...handlers: unknown[]) {
        const guarded = flattenDeep(handlers).map((h) => {
          if (typeof h !== 'function' || middlewareInfo(h) !== undefined || h.length > 3) return h;
          return guardRouteHandler(h as AnyHandler, created);
        });
        return (register as AnyHandler).apply(this, guarded);
      };
    }
    return created as unknown as ReturnType<Router['route']>;
  } as Router['route'];

  const use = router.use;
  router.use = function portcullisUse(this: Router, ...args: unknown[]) {
    // Same path detection as Express: a leading non-function (or array of them) is the mount path.
    let offset = 0;
    if (typeof args[0] !== 'function') {
      let first = args[0];
      while (Array.isArray(first) && first.length !== 0) first = first[0];
      if (typeof first !== 'function') offset = 1;
    }
    const handlers = flattenDeep(args.slice(offset)).map((h) => {
      if (typeof h !== 'function' || middlewareInfo(h) !== undefined || h.length > 3) return h;
      if (isPlainRouterOrApp(h)) {
        throw new TypeError(
          'portcullisRouter: a plain express.Router() or app cannot be mounted in a deny-by-default router (its routes would not be checked); create it with portcullisRouter()',
        );
      }
      return guardRouterLevel(h as AnyHandler);
    });
    return (use as AnyHandler).apply(this, [...args.slice(0, offset), ...handlers]) as Router;
  } as Router['use'];

  const param = router.param;
  router.param = function portcullisParam(this: Router, name: string, fn: unknown) {
    const guarded = typeof fn === 'function' ? guardRouterLevel(fn as AnyHandler) : fn;
    return (param as AnyHandler).call(this, name, guarded) as Router;
  } as Router['param'];

  return markMiddleware(router, { kind: 'router', description: 'deny-by-default router' });
}
