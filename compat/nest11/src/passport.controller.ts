import { Controller, Get, UseGuards } from '@nestjs/common';
import { CurrentPrincipal, PortcullisRulesGuard, Roles, Scopes } from '@portcullis/nest';
import type { Principal } from '@portcullis/nest';
import { PortcullisAuthGuard } from '@portcullis/nest/passport';

/** Behind @nestjs/passport: PortcullisAuthGuard (AuthGuard('portcullis')) authenticates, PortcullisRulesGuard decides. */
@Controller('p')
@UseGuards(PortcullisAuthGuard, PortcullisRulesGuard)
export class PassportController {
  @Get('me')
  @Scopes('orders:read')
  me(@CurrentPrincipal() me: Principal) {
    return { subject: me.subject, tenant: me.tenant };
  }

  @Get('admin')
  @Roles('admin')
  admin(): { ok: true } {
    return { ok: true };
  }

  @Get('no-rule')
  noRule(): { ok: true } {
    return { ok: true };
  }
}
