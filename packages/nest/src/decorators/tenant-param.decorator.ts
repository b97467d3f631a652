import { appendMetadata, TENANT_PARAMS_META } from '../internal/route-metadata.js';

/**
 * Binds a route parameter to the token's tenant: the request is allowed only when the parameter
 * equals the principal's tenant exactly (a token without a tenant is denied). Denials answer 403
 * `ERR_FORBIDDEN`.
 *
 * @example
 * ```ts
 * @Get('tenants/:tenant/orders') @Scopes('orders:read') @TenantParam('tenant')
 * list(@Param('tenant') tenant: string) { … }
 * ```
 */
export function TenantParam(param = 'tenant'): ClassDecorator & MethodDecorator {
  if (typeof param !== 'string' || param.length === 0) {
    throw new TypeError("@TenantParam(): 'param' must be the name of a route parameter, e.g. @TenantParam('tenant')");
  }
  return appendMetadata(TENANT_PARAMS_META, [param]);
}
