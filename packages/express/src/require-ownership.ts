import { PortcullisError, requireOwnership as ownershipRule } from '@portcullis/core';
import type { Principal, Rule } from '@portcullis/core';
import type { Request, RequestHandler } from 'express';
import { authenticateRequest, portcullisOf } from './internal/authenticate-request.js';
import { auditFailure, decisionContext, enforce } from './internal/decide-request.js';
import { defineCheck } from './internal/portcullis-middleware.js';
import { requestState } from './internal/request-state.js';

/**
 * Options of {@link requireOwnership}.
 *
 * @example
 * ```ts
 * const options: OwnershipOptions<Order> = {
 *   load: (req) => orders.findById(String(req.params.id)),
 *   ownerOf: (order) => order.ownerId,
 *   tenantOf: (order) => order.orgId,
 *   allowRoles: ['support'],
 * };
 * ```
 */
export interface OwnershipOptions<T> {
  /**
   * Loads the resource the request addresses, once. Return `undefined` (or `null`) when it does
   * not exist. A throw or a rejection answers 500 `ERR_INTERNAL` (details withheld) — never an
   * allow. Give the loader its own timeout: Portcullis waits for it.
   */
  readonly load: (req: Request) => T | undefined | null | Promise<T | undefined | null>;
  /**
   * The owner's user id, compared with the principal's subject (or `identityOf`).
   * @default no owner: only `allowRoles` (and `allowClients`) get access
   */
  readonly ownerOf?: (resource: T) => string | undefined;
  /** The resource's tenant; when set, nobody — owner or role — crosses tenants. @default undefined */
  readonly tenantOf?: (resource: T) => string | undefined;
  /** Roles (after hierarchy expansion) that may access every resource (of their tenant with `tenantOf`). @default [] */
  readonly allowRoles?: readonly string[];
  /** Client-credentials principals may access every resource (of their tenant with `tenantOf`). @default false */
  readonly allowClients?: boolean;
  /** The principal's identity compared with `ownerOf`. @default (principal) => principal.subject */
  readonly identityOf?: (principal: Principal) => string;
}

/**
 * The `requireOwnership` middleware, with a typed accessor for what it loaded.
 *
 * @example
 * ```ts
 * const ownOrder: OwnershipMiddleware<Order> = requireOwnership<Order>(options);
 * api.get('/orders/:id', ownOrder, (req, res) => res.json(ownOrder.resource(req)));
 * ```
 */
export type OwnershipMiddleware<T> = RequestHandler & {
  /** The core rule evaluated after loading. */
  readonly rule: Rule<T>;
  /**
   * The resource this middleware loaded and allowed for `req`. Throws `ERR_INTERNAL` when the
   * middleware did not run for the request (a handler mounted without it).
   */
  resource(req: Request): T;
};

const KEYS = ['load', 'ownerOf', 'tenantOf', 'allowRoles', 'allowClients', 'identityOf'];
const NO_OWNER = (): undefined => undefined;

/**
 * Object-level authorization (OWASP API1 / BOLA) for one resource: loads it once, then lets the
 * owner, `allowRoles` and (optionally) clients through; a missing resource and a resource the
 * caller may not see get the *same* answer, 404 `ERR_NOT_FOUND`, so a caller cannot probe for
 * ids. The loaded resource is put on `req.auth.resource` and returned by `.resource(req)`, so the
 * handler never loads it a second time. Decisions are `@portcullis/core`'s `requireOwnership`.
 *
 * Put principal-only rules (scopes, roles) before it: their 403 must not depend on whether the
 * resource exists, and the loader should not run for callers those rules refuse.
 *
 * @example
 * ```ts
 * const ownOrder = requireOwnership<Order>({
 *   load: (req) => orders.findById(String(req.params.id)),
 *   ownerOf: (order) => order.ownerId,
 *   tenantOf: (order) => order.orgId,
 *   allowRoles: ['support'],
 * });
 * app.get('/orders/:id', requireScopes('orders:read'), ownOrder, (req, res) => res.json(ownOrder.resource(req)));
 * ```
 */
export function requireOwnership<T>(options: OwnershipOptions<T>): OwnershipMiddleware<T> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('requireOwnership: pass { load: (req) => resource, ownerOf?, tenantOf?, allowRoles? }');
  }
  for (const key of Object.keys(options)) {
    if (!KEYS.includes(key))
      throw new TypeError(`requireOwnership: unknown option '${key}'; expected ${KEYS.join(', ')}`);
  }
  const { load, ownerOf, ...ruleOptions } = options;
  if (typeof load !== 'function')
    throw new TypeError("requireOwnership: 'load' must be a function (req) => resource | undefined");
  const rule = ownershipRule<T>({ ...ruleOptions, ownerOf: ownerOf ?? NO_OWNER });
  const loaded = new WeakMap<Request, T>();

  const middleware = defineCheck({ kind: rule.kind, description: rule.description }, async (req) => {
    const instance = portcullisOf(req);
    const auth = await authenticateRequest(req);
    const state = requestState(req);
    const context = decisionContext<T>(req, auth);
    // Caller-only denials (a client principal, a caller without a tenant) before the loader runs:
    // nothing downstream for a caller refused whatever the resource.
    const early = rule.precheck?.(context);
    if (early !== undefined) enforce(instance, rule, context, auth, req);
    let resource: T | undefined;
    try {
      const value = await load(req);
      resource = value === null ? undefined : value;
    } catch (cause) {
      // A failing loader cannot tell "absent" from "present": answer 500, never 404 or an allow,
      // and keep its message (it may name tables or ids) out of the answer.
      const error = new PortcullisError('ERR_INTERNAL', { reason: 'requireOwnership: load failed', cause });
      auditFailure(instance, error, auth, req, 'requireOwnership: load failed');
      throw error;
    }
    enforce(instance, rule, { ...context, resource: resource as T }, auth, req);
    state.resource = { value: resource };
    loaded.set(req, resource as T);
    req.auth = Object.freeze({ principal: auth.principal, token: auth.token, resource });
    return 'rule';
  });

  Object.defineProperty(middleware, 'rule', { value: rule, enumerable: true });
  Object.defineProperty(middleware, 'resource', {
    enumerable: true,
    value: (req: Request): T => {
      if (!loaded.has(req)) {
        throw new PortcullisError('ERR_INTERNAL', {
          reason: 'requireOwnership().resource(req) called for a request it did not load',
        });
      }
      return loaded.get(req) as T;
    },
  });
  return middleware as OwnershipMiddleware<T>;
}
