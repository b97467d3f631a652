import { Inject, Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { authenticateRequest, PORTCULLIS } from '@portcullis/nest';
import type { Portcullis } from '@portcullis/nest';
import { PRE_AUTHENTICATED } from './pre-authenticated.js';

/**
 * A global guard registered by the root module, so it runs before PortcullisModule's
 * PortcullisGuard — where a rate limiter keyed on the verified caller belongs. It gets the
 * platform's own request (Express `req` or `FastifyRequest`, unlike a Fastify middleware, which
 * gets the raw Node request), authenticates it with authenticateRequest, and lets every request
 * through: PortcullisGuard then reuses the outcome, failures included.
 */
@Injectable()
export class PreAuthGuard implements CanActivate {
  constructor(@Inject(PORTCULLIS) private readonly portcullis: Portcullis) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<object>();
    try {
      PRE_AUTHENTICATED.set(request, await authenticateRequest(this.portcullis, request));
    } catch {
      // PortcullisGuard answers this request with the same error.
    }
    return true;
  }
}
