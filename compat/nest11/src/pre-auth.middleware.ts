import { Inject, Injectable } from '@nestjs/common';
import type { NestMiddleware } from '@nestjs/common';
import { authenticateRequest, PORTCULLIS } from '@portcullis/nest';
import type { Portcullis } from '@portcullis/nest';
import { PRE_AUTHENTICATED } from './pre-authenticated.js';

/**
 * Runs before the guards, like a rate limiter keyed on the caller: authenticates with
 * authenticateRequest, and the global PortcullisGuard then reuses that outcome.
 */
@Injectable()
export class PreAuthMiddleware implements NestMiddleware {
  constructor(@Inject(PORTCULLIS) private readonly portcullis: Portcullis) {}

  use(request: object, _response: unknown, next: () => void): void {
    authenticateRequest(this.portcullis, request).then(
      (auth) => {
        PRE_AUTHENTICATED.set(request, auth);
        next();
      },
      () => next(), // the guard answers this request with the same error
    );
  }
}
