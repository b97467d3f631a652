import { HttpException } from '@nestjs/common';

/** Stable codes of the errors this app answers itself (authorization errors use Portcullis codes). */
export type ApiErrorCode =
  | 'ERR_VALIDATION'
  | 'ERR_PAYLOAD_TOO_LARGE'
  | 'ERR_UNSUPPORTED_MEDIA_TYPE'
  | 'ERR_CONFLICT'
  | 'ERR_RATE_LIMITED'
  | 'ERR_ROUTE_NOT_FOUND'
  | 'ERR_SERVICE_UNAVAILABLE';

/** One problem found by request validation. */
export interface ValidationIssue {
  /** Where the problem is, e.g. `items[0].qty` or `query.limit` (`(body)` for the whole body). */
  readonly path: string;
  readonly message: string;
}

/**
 * JSON body of every error answer: the same shape as Portcullis's error bodies, plus `issues`
 * for validation errors. Never a stack trace, never an echo of the request.
 */
export interface ApiErrorBody {
  readonly statusCode: number;
  readonly error: string;
  readonly code: string;
  readonly message: string;
  readonly issues?: readonly ValidationIssue[];
}

const ERROR_NAMES: Record<number, string> = {
  400: 'bad_request',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  500: 'internal_error',
  503: 'service_unavailable',
};

/** HTTP error name for a status (`bad_request`, `conflict` …). */
export function errorName(status: number): string {
  return ERROR_NAMES[status] ?? 'error';
}

/**
 * An error this app answers with (validation, conflict, rate limit …). The message is fixed by
 * the caller and must never contain request data.
 *
 * @example
 * ```ts
 * throw new ApiError(409, 'ERR_CONFLICT', 'The order cannot be cancelled in its current state');
 * ```
 */
export class ApiError extends HttpException {
  readonly code: ApiErrorCode;
  /** Extra response headers (e.g. `Retry-After`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: ApiErrorCode,
    message: string,
    extra: { issues?: readonly ValidationIssue[]; headers?: Record<string, string> } = {},
  ) {
    const body: ApiErrorBody = {
      statusCode: status,
      error: errorName(status),
      code,
      message,
      ...(extra.issues ? { issues: extra.issues } : {}),
    };
    super(body, status);
    this.code = code;
    this.headers = extra.headers ?? {};
  }

  /** A 400 listing the validation problems. */
  static validation(issues: readonly ValidationIssue[], message = 'The request is invalid'): ApiError {
    return new ApiError(400, 'ERR_VALIDATION', message, { issues });
  }
}
