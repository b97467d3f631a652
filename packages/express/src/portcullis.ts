import { createPortcullis, PortcullisError } from '@portcullis/core';
import type { Portcullis, PortcullisOptions } from '@portcullis/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { auditRequestInfo } from './internal/audit-request-info.js';
import { authenticateRequestMaybeSync } from './internal/authenticate-request.js';
import { isPortcullisInstance } from './internal/is-portcullis-instance.js';
import { markMiddleware } from './internal/portcullis-middleware.js';
import { compilePublicPaths } from './internal/public-path-matcher.js';
import type { PublicPath } from './internal/public-path-matcher.js';
import { GLOBAL_SCOPE, requestState } from './internal/request-state.js';

export type { PublicPath } from './internal/public-path-matcher.js';

/**
 * Options of the gate itself (besides the core's {@link PortcullisOptions}).
 *
 * @example
 * ```ts
 * const gateOptions: GateOptions = { publicPaths: ['/health', { method: 'GET', path: /^\/docs\// }] };
 * app.use(portcullis(createPortcullis(options), gateOptions));
 * ```
 */
export interface GateOptions {
  /**
   * Requests that need no token: exact paths, RegExps, or `{ method, path }` (relative to where
   * the gate is mounted, query excluded). They are not authenticated at all (`req.auth` stays
   * `undefined`) and count as public for deny-by-default routers. Matching is exact and
   * case-sensitive: `/Health` or `/health/` is *not* public (it gets a 401), which errs on the
   * safe side. @default []
   */
  readonly publicPaths?: readonly PublicPath[];
}

/**
 * Options of {@link portcullis}: the core options (issuer, audience, key source, claims …) plus {@link GateOptions}.
 *
 * @example
 * ```ts
 * const options: PortcullisMiddlewareOptions = { issuer, audience, jwksUri, realm: 'orders', publicPaths: ['/health'] };
 * ```
 */
export type PortcullisMiddlewareOptions = PortcullisOptions & GateOptions;

/**
 * The gate middleware; `portcullis` is its one instance (key status, reload, `authorize` in handlers).
 *
 * @example
 * ```ts
 * const gate: PortcullisMiddleware = portcullis(options);
 * app.get('/health', publicRoute(), (req, res) => res.json(gate.portcullis.verifier.keySetStatus()));
 * ```
 */
export type PortcullisMiddleware = RequestHandler & { readonly portcullis: Portcullis };

/**
 * The authentication gate: every request that passes it carries a verified access token
 * (`req.auth = { principal, token }`), except `publicPaths`. Creates **one** Portcullis instance
 * (keys, caches, revocation) from the options, or uses the instance you pass.
 *
 * Fails closed: a missing token (401), a malformed request — duplicate `Authorization` headers,
 * an `access_token` in the query or body unless allowed (400) —, a bad token (401), or a key
 * server / revocation store that cannot answer (503 with `Retry-After`) stops the request with
 * `next(error)`; `portcullisErrorHandler()` turns it into the RFC 6750 answer. Nothing after the
 * gate runs for such a request, so body parsers, static files and routes mounted after it are
 * all protected. Each failure is audited.
 *
 * To accept a body token (`bearer: { allowBody: true }`) mount `express.urlencoded()` *before*
 * the gate; otherwise the body is not parsed yet when the gate reads it.
 *
 * @example
 * ```ts
 * const gate = portcullis({
 *   issuer: 'https://auth.example.com',
 *   audience: 'https://api.example.com/orders',
 *   jwksUri: 'https://auth.example.com/jwks',
 *   claims: { tenant: 'org_id' },
 *   roleHierarchy: { admin: ['support'] },
 *   publicPaths: ['/health'],
 * });
 * app.use(gate);
 * app.get('/health', publicRoute(), (req, res) => res.json({ ok: true }));
 * app.get('/orders', requireScopes('orders:read'), listOrders);
 * app.use(portcullisErrorHandler());
 * ```
 */
function failed(next: NextFunction, error: unknown): void {
  next(error ?? new PortcullisError('ERR_INTERNAL', { reason: 'authentication rejected without a reason' }));
}

export function portcullis(options: PortcullisMiddlewareOptions): PortcullisMiddleware;
export function portcullis(instance: Portcullis, options?: GateOptions): PortcullisMiddleware;
export function portcullis(first: PortcullisMiddlewareOptions | Portcullis, second?: GateOptions): PortcullisMiddleware {
  let instance: Portcullis;
  let gateOptions: GateOptions;
  if (isPortcullisInstance(first)) {
    if (second !== undefined && (typeof second !== 'object' || second === null)) {
      throw new TypeError('portcullis(instance, options): options must be an object such as { publicPaths: [...] }');
    }
    for (const key of Object.keys(second ?? {})) {
      if (key !== 'publicPaths') throw new TypeError(`portcullis(instance, options): unknown option '${key}'; expected publicPaths`);
    }
    instance = first;
    gateOptions = second ?? {};
  } else {
    if (typeof first !== 'object' || first === null) {
      throw new TypeError('portcullis(options): pass the options { issuer, audience, jwksUri, … } or a Portcullis instance');
    }
    if (second !== undefined) throw new TypeError("portcullis(options): put 'publicPaths' inside the options object");
    const { publicPaths, ...coreOptions } = first;
    // Created once, here: one key cache, one verified-token cache and one revocation client for
    // the whole app rather than one per route.
    instance = createPortcullis(coreOptions);
    gateOptions = publicPaths === undefined ? {} : { publicPaths };
  }
  const isPublic = compilePublicPaths(gateOptions.publicPaths);

  const gate = function portcullisGate(req: Request, _res: Response, next: NextFunction): void {
    const state = requestState(req);
    state.portcullis = instance;
    if (isPublic(req)) {
      state.passes.push({ scope: GLOBAL_SCOPE, public: true, instance });
      instance.auditDecision({ allowed: true, reason: 'public' }, undefined, auditRequestInfo(req));
      next();
      return;
    }
    let outcome: unknown;
    try {
      outcome = authenticateRequestMaybeSync(req);
    } catch (error) {
      failed(next, error);
      return;
    }
    // A repeated token is decided in this tick: `next()` without a promise turn.
    if (outcome instanceof Promise) outcome.then(() => next(), (error: unknown) => failed(next, error));
    else next();
  };
  Object.defineProperty(gate, 'portcullis', { value: instance, enumerable: true });
  return markMiddleware(gate, { kind: 'gate', description: 'authentication' }) as PortcullisMiddleware;
}
