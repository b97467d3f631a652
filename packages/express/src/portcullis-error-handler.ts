import { assertChallengeSafe, isPortcullisError, toHttpResponse } from '@portcullis/core';
import type { ChallengeOptions, Portcullis } from '@portcullis/core';
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { isPortcullisInstance } from './internal/is-portcullis-instance.js';
import { requestState } from './internal/request-state.js';

/**
 * Options of {@link portcullisErrorHandler}.
 *
 * @example
 * ```ts
 * const options: ErrorHandlerOptions = { challenge: { realm: 'orders' } };
 * app.use(portcullisErrorHandler(options));
 * ```
 */
export interface ErrorHandlerOptions {
  /**
   * Instance (or `portcullis()` gate) whose realm and metadata URL phrase the challenges.
   * @default the instance that handled the request; else `challenge`
   */
  readonly portcullis?: Portcullis | { readonly portcullis: Portcullis };
  /** Challenge wording for errors raised where no instance is known. @default { realm: 'api' } */
  readonly challenge?: ChallengeOptions;
}

/**
 * Answers every Portcullis error with its RFC 6750 response, built by the core's
 * `toHttpResponse`: the status, `WWW-Authenticate` (401, 400, and 403 `insufficient_scope`),
 * `Retry-After` (503), `Cache-Control: no-store`, and a JSON body
 * `{ statusCode, error, code, message }` with the stable `code` and a fixed message — never a
 * stack trace, token, claim or loader message. Any other error is passed on with `next(err)`.
 *
 * **Ordering.** Mount it after your routes and *before* your own error handlers: it answers
 * Portcullis errors itself (it does not call `next`), so an app error handler registered after
 * it never sees them and cannot turn a 401 into a 500; the app's handler keeps receiving every
 * other error. A Portcullis error that reaches Express's default handler instead (no
 * `portcullisErrorHandler()` in front) gets the right status but no challenge, and Express
 * prints the stack outside production — so do mount it.
 *
 * When the response is already being sent, the error is passed on (Express then closes the
 * connection). On CORS responses `WWW-Authenticate` is added to `Access-Control-Expose-Headers`
 * so browser clients can read the challenge.
 *
 * @example
 * ```ts
 * app.use(portcullis(options));
 * app.use('/api', api);
 * app.use(portcullisErrorHandler());        // Portcullis errors: RFC 6750 answers
 * app.use((err, req, res, next) => { … });  // everything else
 * ```
 */
export function portcullisErrorHandler(options: ErrorHandlerOptions = {}): ErrorRequestHandler {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('portcullisErrorHandler(options): options must be an object');
  for (const key of Object.keys(options)) {
    if (key !== 'portcullis' && key !== 'challenge') {
      throw new TypeError(`portcullisErrorHandler: unknown option '${key}'; expected portcullis, challenge`);
    }
  }
  let configured: Portcullis | undefined;
  if (options.portcullis !== undefined) {
    const given = options.portcullis;
    const candidate = isPortcullisInstance(given) ? given : (given as { portcullis?: unknown }).portcullis;
    if (!isPortcullisInstance(candidate)) {
      throw new TypeError("portcullisErrorHandler: 'portcullis' must be a Portcullis instance or a portcullis() gate");
    }
    configured = candidate;
  }
  const challenge = validateChallenge(options.challenge);

  return function portcullisErrorHandler(err: unknown, req: Request, res: Response, next: NextFunction): void {
    if (!isPortcullisError(err) || res.headersSent) {
      next(err);
      return;
    }
    const instance = configured ?? requestState(req).portcullis;
    const answer = instance !== undefined ? instance.toHttpResponse(err) : toHttpResponse(err, challenge);
    res.status(answer.status);
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    if (
      answer.headers['www-authenticate'] !== undefined &&
      res.getHeader('access-control-allow-origin') !== undefined
    ) {
      const current = res.getHeader('access-control-expose-headers');
      const listed = typeof current === 'string' ? current : Array.isArray(current) ? current.join(', ') : '';
      if (!/(^|,)\s*www-authenticate\s*(,|$)/i.test(listed)) {
        res.setHeader(
          'access-control-expose-headers',
          listed === '' ? 'WWW-Authenticate' : `${listed}, WWW-Authenticate`,
        );
      }
    }
    res.json(answer.body);
  };
}

/**
 * Checks the `challenge` wording once, at creation, with the rules `createPortcullis` applies to
 * its own `realm` and `resourceMetadata`: a value with `"`, `\\` or a control character would make
 * every challenge of the app malformed (RFC 6750 §3), or make `setHeader` throw on each 401.
 */
function validateChallenge(value: unknown): ChallengeOptions | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError("portcullisErrorHandler: 'challenge' must be an object such as { realm: 'orders' }");
  }
  for (const key of Object.keys(value)) {
    if (key !== 'realm' && key !== 'resourceMetadata') {
      throw new TypeError(
        `portcullisErrorHandler: unknown challenge option '${key}'; expected realm, resourceMetadata`,
      );
    }
  }
  const { realm, resourceMetadata } = value as ChallengeOptions;
  if (realm !== undefined) {
    if (typeof realm !== 'string' || realm === '')
      throw new TypeError("portcullisErrorHandler: 'challenge.realm' must be a non-empty string");
    assertChallengeSafe('challenge.realm', realm);
  }
  if (resourceMetadata !== undefined) {
    assertChallengeSafe('challenge.resourceMetadata', resourceMetadata);
    const url = URL.canParse(resourceMetadata) ? new URL(resourceMetadata) : undefined;
    if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw new TypeError(
        "portcullisErrorHandler: 'challenge.resourceMetadata' must be an absolute https URL (RFC 9728 §3)",
      );
    }
  }
  return Object.freeze({
    ...(realm === undefined ? {} : { realm }),
    ...(resourceMetadata === undefined ? {} : { resourceMetadata }),
  });
}
