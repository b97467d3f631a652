import { Controller, Get, Req } from '@nestjs/common';
import { CurrentPrincipal, Public, Roles, Scopes } from '@portcullis/nest';
import type { Principal } from '@portcullis/nest';
import { PRE_AUTHENTICATED } from './pre-authenticated.js';

/**
 * | route         | rule                                                                |
 * | ------------- | ------------------------------------------------------------------- |
 * | GET /health   | @Public()                                                           |
 * | GET /me       | @Scopes('orders:read') + @CurrentPrincipal()                        |
 * | GET /admin    | @Roles('admin')                                                     |
 * | GET /support  | @Roles('support') (admin inherits it)                               |
 * | GET /who-am-i | @Scopes('orders:read'); PreAuthMiddleware or PreAuthGuard ran first |
 * | GET /no-rule  | none: the global guard denies it                                    |
 */
@Controller()
export class CompatController {
  @Get('health')
  @Public()
  health(): { ok: true } {
    return { ok: true };
  }

  @Get('me')
  @Scopes('orders:read')
  me(@CurrentPrincipal() me: Principal, @CurrentPrincipal('subject') subject: string) {
    return { subject, sameSubject: me.subject === subject, tenant: me.tenant, roles: [...me.roles] };
  }

  @Get('admin')
  @Roles('admin')
  admin(): { ok: true } {
    return { ok: true };
  }

  @Get('support')
  @Roles('support')
  support(): { ok: true } {
    return { ok: true };
  }

  @Get('who-am-i')
  @Scopes('orders:read')
  whoAmI(@Req() request: object, @CurrentPrincipal() me: Principal) {
    // A middleware or guard called authenticateRequest first; PortcullisGuard reused its outcome.
    const early = PRE_AUTHENTICATED.get(request);
    return { subject: me.subject, preAuthenticated: early !== undefined, samePrincipal: early?.principal === me };
  }

  @Get('no-rule')
  noRule(): { ok: true } {
    return { ok: true };
  }
}
