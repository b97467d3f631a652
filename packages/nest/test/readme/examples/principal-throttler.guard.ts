/**
 * "Guards that run before PortcullisGuard (rate limiting)" of packages/nest/README.md, as written.
 * Checked and run by ../readme-examples.spec.ts, which imports this module lazily: inside Jest on
 * Node 20, the CommonJS @nestjs/throttler cannot require() the ESM-only Nest 12 packages.
 */
import { Inject, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { authenticateRequest, PORTCULLIS, type Portcullis } from '@portcullis/nest';

// readme: pre-guard-throttler
@Injectable()
export class PrincipalThrottlerGuard extends ThrottlerGuard {
  @Inject(PORTCULLIS) private readonly portcullis!: Portcullis;

  protected override async getTracker(req: Record<string, any>): Promise<string> {
    if (req.headers.authorization === undefined) return `ip:${req.ip}`;
    try {
      const { principal } = await authenticateRequest(this.portcullis, req);
      return `principal:${principal.issuer}:${principal.subject}`;
    } catch {
      return `ip:${req.ip}`; // PortcullisGuard answers this request with the same error
    }
  }
}
// AppModule providers: { provide: APP_GUARD, useClass: PrincipalThrottlerGuard }
// readme-end
