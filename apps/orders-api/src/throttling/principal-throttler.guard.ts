import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerException, ThrottlerGuard } from '@nestjs/throttler';
import type { ThrottlerLimitDetail, ThrottlerModuleOptions, ThrottlerStorage } from '@nestjs/throttler';
import { RATE_LIMIT_SUBJECT } from './rate-limit.constants.js';
import type { RateLimitSubjectResolver } from './rate-limit.constants.js';

/**
 * `@nestjs/throttler`'s guard, keyed by caller instead of by route:
 *
 * - **who**: an authenticated principal is counted by issuer + subject + client id, wherever it
 *   connects from; a request without a valid token is counted by client IP (IPv6 by /64). A token
 *   is never trusted unverified for this: keying on an unverified `sub` would let anyone spend a
 *   victim's quota, and keying on the raw token would let an attacker reset his by minting junk.
 * - **what**: one budget per caller across all routes (the default key also includes the
 *   controller and handler, which would multiply the limit by the number of routes).
 * - **answer**: 429 with a standard `Retry-After` (seconds) — throttler's own header is suffixed
 *   with the throttler name (`Retry-After-burst`), which clients do not know.
 */
@Injectable()
export class PrincipalThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storageService: ThrottlerStorage,
    reflector: Reflector,
    @Inject(RATE_LIMIT_SUBJECT) private readonly subjectOf: RateLimitSubjectResolver,
  ) {
    super(options, storageService, reflector);
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const subject = await this.subjectOf(req);
    if (subject !== undefined) return `principal:${subject}`;
    return `ip:${await super.getTracker(req)}`;
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return createHash('sha256').update(`${throttlerName}\n${tracker}`).digest('base64url');
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const response = context.switchToHttp().getResponse<{ setHeader(name: string, value: string): unknown }>();
    response.setHeader('Retry-After', String(Math.max(1, Math.ceil(detail.timeToBlockExpire))));
    throw new ThrottlerException('Too many requests');
  }
}
