import type { AuthContext, Portcullis } from '@portcullis/core';
import { authenticateOnce } from './internal/authentication-memo.js';

/**
 * Authenticates an HTTP request (Express `req` or `FastifyRequest`) the way `PortcullisGuard`
 * does, for guards that run **before** it — typically a rate limiter keyed on the verified caller.
 *
 * The outcome is remembered for this request object and this Portcullis instance, failures
 * included, and `PortcullisGuard` reuses it instead of authenticating again: one bearer
 * extraction, one verification and one revocation lookup per request. A failing token rejects
 * here with the `PortcullisError` (401, 400 or 503) that the guard then answers with; calling this
 * again for the same request returns the same outcome.
 *
 * Security: the outcome is kept in memory private to `@portcullis/nest`, keyed by the request
 * object itself, so nothing a client sends can pre-populate or select it; an outcome produced by
 * another Portcullis instance is ignored. Pass the module's instance (`PORTCULLIS`), or the guard
 * authenticates again. A `PortcullisGuard` subclass whose `extractToken` returns a token never
 * reuses it: that token is authenticated instead.
 *
 * @param portcullis The module's instance, injected with `@Inject(PORTCULLIS)`.
 * @param request The platform's request object (the one guards get from `switchToHttp().getRequest()`).
 * @returns The verified principal and token. Rejects with a `PortcullisError` on any failure.
 *
 * @example
 * ```ts
 * import { ThrottlerGuard } from '@nestjs/throttler';
 * import { authenticateRequest, PORTCULLIS, type Portcullis } from '@portcullis/nest';
 *
 * @Injectable()
 * export class PrincipalThrottlerGuard extends ThrottlerGuard {
 *   @Inject(PORTCULLIS) private readonly portcullis!: Portcullis;
 *
 *   protected override async getTracker(req: Record<string, any>): Promise<string> {
 *     if (req.headers.authorization === undefined) return `ip:${req.ip}`;
 *     try {
 *       const { principal } = await authenticateRequest(this.portcullis, req);
 *       return `principal:${principal.issuer}:${principal.subject}`;
 *     } catch {
 *       return `ip:${req.ip}`; // PortcullisGuard answers this request with the same error
 *     }
 *   }
 * }
 * ```
 */
export async function authenticateRequest(portcullis: Portcullis, request: object): Promise<AuthContext> {
  // `async`: a failure decided synchronously is a rejection too, never a synchronous throw.
  if (typeof portcullis !== 'object' || portcullis === null) {
    throw new TypeError('authenticateRequest: pass the Portcullis instance, injected with @Inject(PORTCULLIS)');
  }
  if (typeof request !== 'object' || request === null) {
    throw new TypeError(
      'authenticateRequest: pass the request object (context.switchToHttp().getRequest()), not its headers or a copy',
    );
  }
  return authenticateOnce(portcullis, request);
}
