import { Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNoContentResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Policy, REVOCATION_STORE, Roles } from '@portcullis/nest';
import type { RevocationStore } from '@portcullis/nest';
import { orgUser } from '../auth/order-rules.js';
import { CLOCK, MAX_TOKEN_LIFETIME_SECONDS } from '../auth/auth.constants.js';
import type { Clock } from '../auth/auth.constants.js';
import { ApiError } from '../http/api-error.js';
import { ErrorDto } from '../openapi/error.dto.js';

/** A subject as accepted in the path: 1–255 printable characters without spaces. */
const SUBJECT = /^[\x21-\x7E]{1,255}$/;

/** Administration of users' tokens. */
@ApiTags('admin')
@Controller('admin/users')
@Roles('admin')
@Policy(orgUser, { name: 'org-user' })
export class AdminUsersController {
  constructor(
    @Inject(REVOCATION_STORE) private readonly revocation: RevocationStore,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  @Post(':sub/revoke-tokens')
  @HttpCode(204)
  @ApiOperation({
    summary: "Revoke every token of a user issued up to now",
    description:
      'Role `admin`. Every token of `sub` whose `iat` is at or before the current second is refused from now on ' +
      '(`iat` has whole seconds, so a token issued in this very second is revoked too). Tokens issued later work.',
  })
  @ApiParam({ name: 'sub', description: 'Subject (`sub` claim) of the user' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiBadRequestResponse({ type: ErrorDto })
  async revokeTokens(@Param('sub') sub: string): Promise<void> {
    if (!SUBJECT.test(sub)) throw ApiError.validation([{ path: 'sub', message: 'must be 1-255 printable characters without spaces' }]);
    const nowSeconds = Math.floor(this.now() / 1000);
    // Kept as long as any token issued up to now can still be valid.
    await this.revocation.revokeSubject(sub, nowSeconds, nowSeconds + MAX_TOKEN_LIFETIME_SECONDS);
  }
}
