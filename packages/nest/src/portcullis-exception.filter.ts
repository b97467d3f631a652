import { Catch, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { PortcullisError } from '@portcullis/core';
import type { Portcullis } from '@portcullis/core';
import { PortcullisHttpException } from './portcullis-http.exception.js';
import { PORTCULLIS } from './portcullis.constants.js';

/**
 * Answers every `PortcullisHttpException` and every `PortcullisError` (also those thrown by your
 * own code, e.g. `portcullis.authorize()` in a service) exactly as core's `toHttpResponse` says:
 * status, `WWW-Authenticate`, `Retry-After`, `Cache-Control: no-store` and the JSON body with the
 * stable code. Works on the Express and Fastify adapters. HTTP contexts only.
 *
 * Without it, guard denials still answer correctly (the guard sets the headers itself), but a
 * `PortcullisError` thrown from a handler becomes Nest's generic 500.
 *
 * @example
 * ```ts
 * // app.module.ts
 * providers: [{ provide: APP_FILTER, useClass: PortcullisExceptionFilter }]
 * // or: app.useGlobalFilters(app.get(PortcullisExceptionFilter));
 * ```
 */
@Catch(PortcullisHttpException, PortcullisError)
@Injectable()
export class PortcullisExceptionFilter implements ExceptionFilter<PortcullisHttpException | PortcullisError> {
  private readonly logger = new Logger('Portcullis');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Optional() @Inject(PORTCULLIS) private readonly portcullis?: Portcullis,
  ) {}

  catch(exception: PortcullisHttpException | PortcullisError, host: ArgumentsHost): void {
    if (exception instanceof PortcullisError && exception.status >= 500) {
      // Thrown by application code (the guard logs its own): the client gets the bare answer, the
      // log gets why — the reason and the cause, never sent.
      const cause = (exception as { cause?: unknown }).cause;
      this.logger.error(
        `${exception.code} thrown by a handler: ${exception.reason ?? 'no reason given'}`,
        cause instanceof Error ? cause.stack : undefined,
      );
    }
    const answer =
      exception instanceof PortcullisHttpException
        ? exception.toHttpResponse()
        : PortcullisHttpException.from(exception, this.portcullis?.challenge).toHttpResponse();
    const response: unknown = host.switchToHttp().getResponse();
    const adapter = this.adapterHost.httpAdapter;
    for (const [name, value] of Object.entries(answer.headers)) adapter.setHeader(response, name, value);
    adapter.reply(response, answer.body, answer.status);
  }
}
