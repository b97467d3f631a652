import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerException, ThrottlerGuard } from '@nestjs/throttler';
import type { ThrottlerLimitDetail, ThrottlerModuleOptions, ThrottlerStorage } from '@nestjs/throttler';
import { CLIENT_IP_THROTTLER, RATE_LIMIT_SUBJECT } from './rate-limit.constants.js';
import type { RateLimitSubjectResolver } from './rate-limit.constants.js';

/**
 * `@nestjs/throttler`'s guard, keyed by caller instead of by route:
 *
 * - **first, per IP, before any token work**: the `client-ip` throttler ({@link CLIENT_IP_THROTTLER})
 *   counts every request by client IP (IPv6 by /64) and never authenticates. It is evaluated
 *   first, and a refusal stops the guard there, so one IP gets at most that many tokens verified
 *   (signature checks, revocation lookups) per window, however many distinct forged tokens it sends.
 * - **who**, for the other throttlers: an authenticated principal is counted by issuer + subject +
 *   client id, wherever it connects from; a request without a valid token is counted by client IP
 *   (IPv6 by /64). A token is never trusted unverified for this: keying on an unverified `sub`
 *   would let anyone spend a victim's quota, and keying on the raw token would let an attacker
 *   reset his by minting junk.
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

  /**
   * Moves the `client-ip` throttler to the front and gives it a tracker that only reads the IP.
   *
   * Why here and not by configuration alone: `ThrottlerGuard.onModuleInit` sorts the throttlers by
   * `ttl`, so the evaluation order is not the order of `ThrottlerModule.forRoot` (with equal windows
   * it only holds by sort stability), and a per-throttler `getTracker` given in the module options
   * would have to re-implement the guard's IP normalisation. `canActivate` evaluates the throttlers
   * in this array's order and stops at the first that refuses (`throwThrottlingException` throws),
   * so with the IP throttler first, a request over the IP budget gets 429 before the principal
   * throttlers' tracker ({@link PrincipalThrottlerGuard.getTracker}) authenticates anything.
   * Without that throttler the guard would verify every token before counting anything: refuse to
   * start instead.
   */
  override async onModuleInit(): Promise<void> {
    await super.onModuleInit();
    const byIp = this.throttlers.find((throttler) => throttler.name === CLIENT_IP_THROTTLER.name);
    if (byIp === undefined) {
      throw new Error(
        `PrincipalThrottlerGuard: configure a '${CLIENT_IP_THROTTLER.name}' throttler in ThrottlerModule.forRoot; it bounds token verifications per IP`,
      );
    }
    this.throttlers = [
      { ...byIp, getTracker: (req: Record<string, unknown>) => this.clientIpTracker(req) },
      ...this.throttlers.filter((throttler) => throttler !== byIp),
    ];
  }

  /** The client IP (IPv6 by /64) alone: never reads the `Authorization` header. */
  private async clientIpTracker(req: Record<string, unknown>): Promise<string> {
    return `ip:${await super.getTracker(req)}`;
  }

  /** Tracker of the principal throttlers (all but `client-ip`): the verified principal, else the IP. */
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const subject = await this.subjectOf(req);
    if (subject !== undefined) return `principal:${subject}`;
    return this.clientIpTracker(req);
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
