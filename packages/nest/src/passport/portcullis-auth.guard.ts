import { Injectable } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { setResponseHeaders } from '../internal/http-platform.js';
import { PortcullisHttpException } from '../portcullis-http.exception.js';

/**
 * `AuthGuard('portcullis')` that also copies the Portcullis challenge headers (`WWW-Authenticate`,
 * `Cache-Control`, `Retry-After`) onto the response on both adapters. Plain
 * `AuthGuard('portcullis')` answers with the right status and body everywhere, but on Fastify the
 * strategy cannot reach the reply to set headers; this guard can.
 *
 * @example
 * ```ts
 * @UseGuards(PortcullisAuthGuard, PortcullisRulesGuard)
 * @Get('orders') @Scopes('orders:read')
 * list() { … }
 * ```
 */
@Injectable()
export class PortcullisAuthGuard extends AuthGuard('portcullis') {
  override handleRequest<TUser = unknown>(
    error: unknown,
    user: unknown,
    info: unknown,
    context: ExecutionContext,
    status?: unknown,
  ): TUser {
    if (error instanceof PortcullisHttpException && context.getType() === 'http') {
      setResponseHeaders(context.switchToHttp().getResponse(), error.headers);
    }
    return super.handleRequest(error, user, info, context, status);
  }
}
