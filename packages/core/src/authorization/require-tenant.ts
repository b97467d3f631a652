import type { Principal } from '../principal/principal.js';
import { asTenant, principalTenant, sameTenant } from '../internal/rule-tenant.js';
import { makeRule, validateMode, validateOptions } from '../internal/rule-validate.js';
import { allow, deny } from './decide.js';
import type { DecisionContext, Rule } from './rule.js';

/**
 * Options of {@link requireTenant}. Give exactly one source for the tenant to compare with:
 * `tenantOf` (the loaded resource), `param` (a route parameter) or `requestTenant` (any other
 * request value). The principal's tenant always comes from the verified token (SPEC A42), never
 * from a header or the body.
 *
 * @example
 * ```ts
 * const byResource: TenantRuleOptions<Order> = { tenantOf: (order) => order.orgId };
 * const byRoute: TenantRuleOptions = { param: 'tenant' }; // /tenants/:tenant/orders
 * ```
 */
export interface TenantRuleOptions<R = unknown> {
  /**
   * Tenant of the loaded resource. A missing resource (`undefined` or `null`) is denied with
   * `ERR_NOT_FOUND`, without calling `tenantOf`.
   */
  readonly tenantOf?: (resource: R) => string | undefined;
  /**
   * Name of a route parameter holding the tenant, read from `context.environment.params[param]`
   * (adapters put the route parameters there), e.g. `'tenant'` for `/tenants/:tenant/orders`.
   */
  readonly param?: string;
  /** Reads the tenant named by the request from the decision context. */
  readonly requestTenant?: (context: DecisionContext<R>) => string | undefined;
  /**
   * Answer to a tenant mismatch. `not-found` (404) keeps another tenant's resources
   * indistinguishable from absent ones (SPEC 122); `forbidden` (403) suits a tenant named in the
   * URL, which the caller already knows (SPEC 123).
   * @default 'not-found' with `tenantOf`, 'forbidden' with `param` / `requestTenant`
   */
  readonly onMismatch?: 'not-found' | 'forbidden';
}

/**
 * Requires the principal's tenant (from the token) to equal the tenant of the resource or of the
 * request. Order of checks, and why:
 * 1. The principal has no tenant → `ERR_FORBIDDEN` (SPEC 92: deny by default). This depends on the
 *    caller only, so it reveals nothing about the resource.
 * 2. (`tenantOf`) No resource (`undefined` or `null`) → `ERR_NOT_FOUND`.
 * 3. The tenants differ, or the resource/request has no tenant → `onMismatch`.
 *
 * Comparison is exact (no Unicode normalisation, no case folding — SPEC 93).
 *
 * @example
 * ```ts
 * const sameOrg = requireTenant<Order>({ tenantOf: (order) => order.orgId });
 * decide(sameOrg, { principal, resource: order });
 *
 * const routeOrg = requireTenant({ param: 'tenant' });
 * decide(routeOrg, { principal, environment: { params: { tenant: 'acme' } } });
 * ```
 */
export function requireTenant<R = unknown>(options: TenantRuleOptions<R>): Rule<R> {
  const opts = validateOptions(options, 'requireTenant', ['tenantOf', 'param', 'requestTenant', 'onMismatch']);
  const sources = ['tenantOf', 'param', 'requestTenant'].filter((k) => opts[k] !== undefined);
  if (sources.length !== 1) {
    throw new TypeError("requireTenant: give exactly one of 'tenantOf', 'param' or 'requestTenant'");
  }
  const { tenantOf, param, requestTenant } = options;
  if (tenantOf !== undefined && typeof tenantOf !== 'function')
    throw new TypeError("requireTenant: 'tenantOf' must be a function");
  if (requestTenant !== undefined && typeof requestTenant !== 'function') {
    throw new TypeError("requireTenant: 'requestTenant' must be a function");
  }
  if (param !== undefined && (typeof param !== 'string' || param === '')) {
    throw new TypeError("requireTenant: 'param' must be a route parameter name");
  }
  const onMismatch = validateMode(
    opts.onMismatch,
    ['not-found', 'forbidden'] as const,
    tenantOf ? 'not-found' : 'forbidden',
    'requireTenant onMismatch',
  );
  const mismatchCode = onMismatch === 'not-found' ? 'ERR_NOT_FOUND' : 'ERR_FORBIDDEN';
  const source = tenantOf ? 'resource' : param !== undefined ? `param:${param}` : 'request';
  const description = `tenant(${source})`;

  const targetTenant = (context: DecisionContext<R>): unknown => {
    if (tenantOf) return tenantOf(context.resource as R);
    if (requestTenant) return requestTenant(context);
    return readParam(context, param as string);
  };

  return makeRule<R>('tenant', description, (context) => {
    const mine = principalTenant(context.principal as Principal);
    if (mine === undefined) return deny('ERR_FORBIDDEN', `${description}: principal has no tenant`);
    // `null` is "not found" too: `tenantOf` never sees it (a throw would answer 500, not 404).
    if (tenantOf && (context.resource === undefined || context.resource === null)) {
      return deny('ERR_NOT_FOUND', `${description}: no resource`);
    }
    const theirs = asTenant(targetTenant(context));
    if (theirs === undefined) return deny(mismatchCode, `${description}: target has no tenant`);
    if (!sameTenant(mine, theirs)) return deny(mismatchCode, `${description}: tenant mismatch`);
    return allow(`${description}: same tenant`);
  });
}

/** Reads `environment.params[name]`, own properties only. */
function readParam(context: DecisionContext<unknown>, name: string): unknown {
  const params = context.environment?.['params'];
  if (typeof params !== 'object' || params === null) return undefined;
  return Object.hasOwn(params, name) ? (params as Record<string, unknown>)[name] : undefined;
}
