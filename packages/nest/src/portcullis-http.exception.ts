import { HttpException } from '@nestjs/common';
import { PortcullisError, toHttpResponse } from '@portcullis/core';
import type { ChallengeOptions, ErrorResponseBody, HttpErrorResponse } from '@portcullis/core';

/**
 * The `HttpException` Portcullis guards throw. Its response body is core's error body
 * (`{ statusCode, error, code, message }`) and it carries the RFC 6750 headers
 * (`WWW-Authenticate`, `Retry-After`, `Cache-Control: no-store`), so Nest's default exception
 * filter answers with the right status and body. The guard also sets the headers on the response
 * before throwing, so a custom filter that only serializes the body still sends the challenge;
 * `PortcullisExceptionFilter` writes everything from this exception.
 *
 * @example
 * ```ts
 * throw PortcullisHttpException.from(new PortcullisError('ERR_FORBIDDEN'), { realm: 'orders' });
 * ```
 */
export class PortcullisHttpException extends HttpException {
  /** The Portcullis error behind this answer (stable `code`, log-only `reason`). */
  readonly portcullisError: PortcullisError;
  /** Headers to send with the answer (lower-case names). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(answer: HttpErrorResponse, error: PortcullisError) {
    super(answer.body, answer.status, { cause: error });
    this.name = 'PortcullisHttpException';
    this.portcullisError = error;
    this.headers = answer.headers;
  }

  /** Stable Portcullis error code, e.g. `ERR_TOKEN_EXPIRED`. */
  get code(): PortcullisError['code'] {
    return this.portcullisError.code;
  }

  /** The full HTTP answer: status, headers and body. */
  toHttpResponse(): HttpErrorResponse {
    return { status: this.getStatus(), headers: this.headers, body: this.getResponse() as ErrorResponseBody };
  }

  /**
   * Wraps any thrown value: a `PortcullisError` keeps its code; anything else becomes a generic
   * 500 `ERR_INTERNAL` whose body says nothing about the cause.
   */
  static from(error: unknown, challenge: ChallengeOptions = {}): PortcullisHttpException {
    if (error instanceof PortcullisHttpException) return error;
    const portcullisError =
      error instanceof PortcullisError ? error : new PortcullisError('ERR_INTERNAL', { cause: error });
    return new PortcullisHttpException(toHttpResponse(portcullisError, challenge), portcullisError);
  }
}
