import { Catch, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { isPortcullisError, toHttpResponse } from '@portcullis/nest';
import type { Portcullis } from '@portcullis/nest';
import { ThrottlerException } from '@nestjs/throttler';
import { REALM } from '../config/app-config.js';
import { ApiError, errorName } from './api-error.js';
import { isDependencyUnavailable } from './dependency-unavailable.js';
import type { ApiErrorBody } from './api-error.js';

interface ResponseLike {
  headersSent?: boolean;
  status(code: number): ResponseLike;
  setHeader(name: string, value: string): unknown;
  json(body: unknown): unknown;
}

interface RequestLike {
  method?: string;
  route?: { path?: string };
  portcullis?: unknown;
}

/**
 * The one place where errors become HTTP answers, so every error has the same JSON shape and no
 * answer ever carries a stack trace, an internal message or an echo of the request:
 *
 * - Portcullis errors (guard or handler) → their status, RFC 6750 challenge and fixed body;
 *   errors thrown by handlers after the guard allowed (e.g. `scopeQuery` refusing a client) are
 *   audited here as denials, so each decision still leaves one audit line.
 * - {@link ApiError} → its status, code and headers.
 * - Nest `HttpException`s (unknown route, throttler …) → mapped to a fixed body per status.
 * - the database unreachable or closed → 503 `ERR_SERVICE_UNAVAILABLE` + `Retry-After` (fail closed);
 * - anything else → 500 `ERR_INTERNAL`, logged with its stack, never sent.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  constructor(private readonly portcullis: Pick<Portcullis, 'toHttpResponse' | 'auditDecision'> | undefined) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const response = http.getResponse<ResponseLike>();
    const request = http.getRequest<RequestLike>();
    if (response.headersSent) return;
    const { status, headers, body } = this.toAnswer(exception, request);
    response.setHeader('cache-control', 'no-store');
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    response.status(status).json(body);
  }

  private toAnswer(
    exception: unknown,
    request: RequestLike,
  ): { status: number; headers: Readonly<Record<string, string>>; body: ApiErrorBody } {
    // PortcullisHttpException (from the guard) carries the PortcullisError it was built from.
    const portcullisError = isPortcullisError(exception)
      ? exception
      : exception instanceof HttpException && isPortcullisError(exception.cause)
        ? exception.cause
        : undefined;
    if (portcullisError) {
      if (isPortcullisError(exception) && HANDLER_DENIALS.has(exception.code)) {
        // An authorization denial made by a handler after the guard's allow (e.g. `scopeQuery`
        // refusing a caller): record it too. A 404 for an id that does not exist is not a decision.
        this.portcullis?.auditDecision(
          { allowed: false, error: exception, detail: exception.reason },
          request.portcullis as Parameters<Portcullis['auditDecision']>[1],
          { method: request.method, route: request.route?.path },
        );
      }
      if (portcullisError.code === 'ERR_INTERNAL') {
        // e.g. a resource resolver whose query failed because the database is down
        if (isDependencyUnavailable(portcullisError.cause)) return this.unavailable(portcullisError.cause);
        this.logInternal(portcullisError.cause ?? portcullisError);
      }
      return this.portcullis ? this.portcullis.toHttpResponse(portcullisError) : toHttpResponse(portcullisError, { realm: REALM });
    }
    if (exception instanceof ApiError) {
      return { status: exception.getStatus(), headers: exception.headers, body: exception.getResponse() as ApiErrorBody };
    }
    if (exception instanceof ThrottlerException) {
      return {
        status: 429,
        headers: {},
        body: { statusCode: 429, error: errorName(429), code: 'ERR_RATE_LIMITED', message: 'Too many requests' },
      };
    }
    if (exception instanceof HttpException) {
      const body = fixedBody(exception.getStatus());
      if (body.statusCode >= 500) this.logInternal(exception);
      return { status: body.statusCode, headers: {}, body };
    }
    if (isDependencyUnavailable(exception)) return this.unavailable(exception);
    this.logInternal(exception);
    return { status: 500, headers: {}, body: fixedBody(500) };
  }

  /** 503 + Retry-After: a dependency (the database) cannot answer; fail closed, retry later. */
  private unavailable(error: unknown): { status: number; headers: Readonly<Record<string, string>>; body: ApiErrorBody } {
    this.logger.warn({ err: error }, 'dependency unavailable');
    return { status: 503, headers: { 'retry-after': '5' }, body: fixedBody(503) };
  }

  private logInternal(error: unknown): void {
    this.logger.error({ err: error }, 'unhandled error');
  }
}

const HANDLER_DENIALS: ReadonlySet<string> = new Set(['ERR_FORBIDDEN', 'ERR_INSUFFICIENT_SCOPE', 'ERR_NO_RULE']);

/** Fixed bodies for framework-raised statuses: nothing from the exception's message is echoed. */
function fixedBody(status: number): ApiErrorBody {
  switch (status) {
    case HttpStatus.NOT_FOUND:
      return { statusCode: 404, error: errorName(404), code: 'ERR_ROUTE_NOT_FOUND', message: 'No such route' };
    case HttpStatus.PAYLOAD_TOO_LARGE:
      return { statusCode: 413, error: errorName(413), code: 'ERR_PAYLOAD_TOO_LARGE', message: 'The request body is too large' };
    case HttpStatus.BAD_REQUEST:
      return { statusCode: 400, error: errorName(400), code: 'ERR_VALIDATION', message: 'The request is invalid' };
    case HttpStatus.SERVICE_UNAVAILABLE:
      return { statusCode: 503, error: errorName(503), code: 'ERR_SERVICE_UNAVAILABLE', message: 'Service temporarily unavailable' };
    default:
      return status >= 500
        ? { statusCode: 500, error: errorName(500), code: 'ERR_INTERNAL', message: 'Internal error' }
        : { statusCode: status, error: errorName(status), code: 'ERR_HTTP', message: 'The request cannot be processed' };
  }
}
