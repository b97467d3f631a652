import { Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, PortcullisError, REVOCATION_STORE } from '@portcullis/nest';
import type { Principal, RevocationStore } from '@portcullis/nest';

/** Ends a session the only way a resource server can: by revoking its access token. */
@ApiTags('sessions')
@Controller('sessions')
export class SessionsController {
  constructor(@Inject(REVOCATION_STORE) private readonly revocation: RevocationStore) {}

  @Post('logout')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({
    summary: 'Revoke the presented access token',
    description: 'Any valid token. Its `jti` is revoked until the token expires; the next request with it gets 401 `invalid_token`.',
  })
  @ApiNoContentResponse({ description: 'Revoked' })
  async logout(@CurrentPrincipal() principal: Principal): Promise<void> {
    // The verifier requires `jti` and `exp`; refuse rather than silently not revoking.
    if (!principal.tokenId || principal.expiresAt === undefined) throw new PortcullisError('ERR_CLAIM_INVALID', { claim: 'jti' });
    await this.revocation.revokeToken(principal.tokenId, principal.expiresAt);
  }
}
