import { Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNoContentResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Policy, REVOCATION_STORE, Roles } from '@portcullis/nest';
import type { Principal, RevocationStore } from '@portcullis/nest';
import { orgOf, orgUser } from '../auth/order-rules.js';
import { CLOCK, MAX_TOKEN_LIFETIME_SECONDS } from '../auth/auth.constants.js';
import type { Clock } from '../auth/auth.constants.js';
import { ApiError } from '../http/api-error.js';
import { ErrorDto } from '../openapi/error.dto.js';
import { OrgScopedRevocationStore } from '../revocation/org-scoped-revocation-store.js';

/** A subject as accepted in the path: 1–255 printable characters without spaces. */
const SUBJECT = /^[\x21-\x7E]{1,255}$/;

/** Administration of users' tokens, within the admin's own organisation. */
@ApiTags('admin')
@Controller('admin/users')
@Roles('admin')
@Policy(orgUser, { name: 'org-user' })
export class AdminUsersController {
  private readonly revocation: OrgScopedRevocationStore;

  constructor(@Inject(REVOCATION_STORE) revocation: RevocationStore, @Inject(CLOCK) private readonly now: Clock) {
    // An unscoped store would let an admin of one organisation revoke another's users: refuse to start.
    if (!(revocation instanceof OrgScopedRevocationStore)) {
      throw new TypeError('AdminUsersController needs the OrgScopedRevocationStore as REVOCATION_STORE');
    }
    this.revocation = revocation;
  }

  @Post(':sub/revoke-tokens')
  @HttpCode(204)
  @ApiOperation({
    summary: "Revoke every token of a user of the admin's organisation issued up to now",
    description:
      'Role `admin`. Every token of `sub` for the admin\'s organisation (`org_id`) whose `iat` is at or before the current ' +
      'second is refused from now on (`iat` has whole seconds, so a token issued in this very second is revoked too). ' +
      'Tokens issued later work, and so do tokens of `sub` for other organisations: an admin never reaches beyond their own.',
  })
  @ApiParam({ name: 'sub', description: 'Subject (`sub` claim) of the user' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiBadRequestResponse({ type: ErrorDto })
  async revokeTokens(@Param('sub') sub: string, @CurrentPrincipal() admin: Principal): Promise<void> {
    if (!SUBJECT.test(sub)) throw ApiError.validation([{ path: 'sub', message: 'must be 1-255 printable characters without spaces' }]);
    const nowSeconds = Math.floor(this.now() / 1000);
    // Scoped to the admin's organisation; kept as long as any token issued up to now can still be valid.
    await this.revocation.revokeSubjectInOrg(orgOf(admin), sub, nowSeconds, nowSeconds + MAX_TOKEN_LIFETIME_SECONDS);
  }
}
