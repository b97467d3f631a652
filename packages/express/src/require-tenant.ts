import { PortcullisError, requireTenant as tenantRule } from '@portcullis/core';
import type { Rule } from '@portcullis/core';
import type { Request } from 'express';
import { authenticateRequest, portcullisOf } from './internal/authenticate-request.js';
import { auditFailure, decisionContext, enforce } from './internal/decide-request.js';
import { defineCheck } from './internal/portcullis-middleware.js';
import type { RuleMiddleware } from './internal/rule-middleware.js';

/**
 * Where {@link requireTenant} finds the tenant to compare with the token's. Exactly one source.
 * The principal's tenant always comes from the verified token, never from the request.
 *
 * @example
 * ```ts
 * const byParam: TenantOptions = { param: 'tenant' };
 * const byOrder: TenantOptions<Order> = { tenantOf: (order) => order.orgId, onMismatch: 'not-found' };
 * ```
 */
export interface TenantOptions<R = unknown> {
  /** A route parameter holding the tenant, e.g. `'tenant'` for `/tenants/:tenant/orders`. */
  readonly param?: string;
  /** Reads the tenant the request names (a parameter, a path segment …). A throw answers 500. */
  readonly fromRequest?: (req: Request) => string | undefined;
  /** The tenant of the resource loaded by an earlier `requireOwnership`. */
  readonly tenantOf?: (resource: R) => string | undefined;
  /**
   * `forbidden` (403) for a tenant named in the URL, which the caller knows anyway; `not-found`
   * (404) keeps another tenant's resources indistinguishable from absent ones.
   * @default 'forbidden' for `param` / `fromRequest`, 'not-found' for `tenantOf`
   */
  readonly onMismatch?: 'forbidden' | 'not-found';
}

// Environment key through which the tenant read by `fromRequest` reaches the core rule.
const REQUEST_TENANT = 'portcullis.express.requestTenant';

/**
 * Requires the token's tenant (e.g. `org_id`, per the claims mapping) to equal the tenant named
 * by the request or owned by the loaded resource. A principal without a tenant is denied
 * (`ERR_FORBIDDEN`, SPEC 92); comparison is exact (no case folding or Unicode normalisation).
 * The decision is `@portcullis/core`'s `requireTenant`.
 *
 * @example
 * ```ts
 * app.get('/tenants/:tenant/orders', requireScopes('orders:read'), requireTenant('tenant'), list);
 * app.get('/orgs/:org', requireTenant((req) => String(req.params.org)), showOrg);
 * app.get('/orders/:id', ownOrder, requireTenant<Order>({ tenantOf: (o) => o.orgId }), show);
 * ```
 */
export function requireTenant<R = unknown>(source: string | ((req: Request) => string | undefined) | TenantOptions<R>): RuleMiddleware<R> {
  const options: TenantOptions<R> =
    typeof source === 'string' ? { param: source } : typeof source === 'function' ? { fromRequest: source } : source;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError("requireTenant: pass a route parameter name, a function (req) => tenant, or { param | fromRequest | tenantOf }");
  }
  const { fromRequest, ...rest } = options;
  if (fromRequest !== undefined && typeof fromRequest !== 'function') {
    throw new TypeError("requireTenant: 'fromRequest' must be a function (req) => tenant");
  }
  const rule: Rule<R> =
    fromRequest === undefined
      ? tenantRule<R>(rest)
      : tenantRule<R>({
          ...rest,
          requestTenant: (context) => {
            const value = context.environment?.[REQUEST_TENANT];
            return typeof value === 'string' ? value : undefined;
          },
        });

  const middleware = defineCheck({ kind: rule.kind, description: rule.description }, async (req) => {
    const instance = portcullisOf(req);
    const auth = await authenticateRequest(req);
    let extra: Record<string, unknown> | undefined;
    if (fromRequest !== undefined) {
      try {
        extra = { [REQUEST_TENANT]: fromRequest(req) };
      } catch (cause) {
        const error = new PortcullisError('ERR_INTERNAL', { reason: 'requireTenant: fromRequest threw', cause });
        auditFailure(instance, error, auth, req, 'requireTenant: fromRequest threw');
        throw error;
      }
    }
    enforce(instance, rule, decisionContext<R>(req, auth, extra), auth, req);
    return 'rule';
  });
  Object.defineProperty(middleware, 'rule', { value: rule, enumerable: true });
  return middleware as RuleMiddleware<R>;
}
