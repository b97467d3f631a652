import { Inject, Injectable } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { createPrincipalMapper, PortcullisError } from '@portcullis/core';
import type { Portcullis, PrincipalMapper } from '@portcullis/core';
import type { PortcullisModuleOptions } from './interfaces/portcullis-module-options.interface.js';
import { stateOf, setState } from './internal/request-state.js';
import { PortcullisGuard } from './portcullis.guard.js';
import type { GuardAuth } from './portcullis.guard.js';
import { PORTCULLIS_MODULE_OPTIONS } from './portcullis.module-definition.js';
import { PORTCULLIS } from './portcullis.constants.js';

/**
 * The rule half of `PortcullisGuard`, for apps that authenticate with another guard (typically a
 * passport strategy such as passport-jwt). It does not read the `Authorization` header: it takes
 * the principal from `request.portcullis` (set by `PortcullisStrategy` or `PortcullisGuard`), or maps
 * `request.user` — the verified claims your strategy's `validate()` returned — to a `Principal`
 * with the module's `claims` mapping and `roleHierarchy` (`claimsFromUser` adapts other user
 * shapes). Then it applies the same decorators with the same semantics, deny by default.
 * `request.user` is left as your strategy set it.
 *
 * Use it with `globalGuard: false`, after your authentication guard.
 *
 * @example
 * ```ts
 * @Controller('orders')
 * @UseGuards(AuthGuard('jwt'), PortcullisRulesGuard)
 * export class OrdersController {
 *   @Get() @Scopes('orders:read')
 *   list(@CurrentPrincipal() me: Principal) { … }
 * }
 * ```
 */
@Injectable()
export class PortcullisRulesGuard extends PortcullisGuard {
  private readonly toPrincipal: PrincipalMapper;

  constructor(
    reflector: Reflector,
    @Inject(PORTCULLIS) portcullis: Portcullis,
    moduleRef: ModuleRef,
    @Inject(PORTCULLIS_MODULE_OPTIONS) options: PortcullisModuleOptions,
  ) {
    super(reflector, portcullis, moduleRef, options);
    this.toPrincipal = createPrincipalMapper(options.claims ?? 'rfc9068', {
      ...(options.roleHierarchy ? { roleHierarchy: options.roleHierarchy } : {}),
      ...(options.claimsClientId ? { clientId: options.claimsClientId } : {}),
    });
  }

  protected override async authenticate(request: object, _context: ExecutionContext): Promise<GuardAuth> {
    const state = stateOf(request);
    if (state?.principal) return { principal: state.principal, ...(state.token ? { token: state.token } : {}) };
    const user: unknown = (request as { user?: unknown }).user;
    // No user: the authentication guard did not run or let an anonymous request through.
    if (user === undefined || user === null || user === false) throw new PortcullisError('ERR_MISSING_TOKEN');
    const claims = this.options.claimsFromUser ? this.options.claimsFromUser(user) : user;
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
      throw new PortcullisError('ERR_CLAIM_INVALID', {
        reason: 'request.user holds no claims object (see claimsFromUser)',
      });
    }
    return { principal: this.toPrincipal(claims as Parameters<PrincipalMapper>[0]) };
  }

  protected override attach(request: object, auth: GuardAuth): void {
    // Keep request.user as the authentication strategy set it.
    setState(request, { principal: auth.principal, ...(auth.token ? { token: auth.token } : {}) }, false);
  }
}
