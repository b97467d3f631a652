import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino from 'pino';
import type { DestinationStream, Level, Logger, LoggerOptions } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import { scrubSecrets, scrubString } from './scrub-secrets.js';

/** An incoming `x-request-id` is honoured only if it looks like an id (no log injection). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;
/**
 * The only query parameters whose values are logged, with the shape a value must have: this API's
 * page parameters (anything else gets 400 anyway). An allowlist, not a list of secret-looking
 * names: a session id (`?sid=`, `?JSESSIONID=`), an opaque token under any name, or a value
 * smuggled after a second `?` must never reach a log line.
 */
const LOGGED_QUERY: ReadonlyMap<string, RegExp> = new Map([
  ['limit', /^\d{1,3}$/],
  ['cursor', /^[A-Za-z0-9_-]{1,100}$/],
]);

/**
 * Request id: a valid incoming `x-request-id` (8–128 of `A-Za-z0-9._:-`) is kept, so a trace
 * can cross services; anything else is replaced by a random UUID. Echoed in the response.
 */
export function requestIdOf(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

/**
 * The URL with every query value replaced by `[Redacted]` except well-formed page parameters
 * (`limit`, `cursor`): `?access_token=`, `?sid=` and any other parameter are masked.
 */
export function loggableUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const q = url.indexOf('?');
  if (q === -1) return scrubString(url);
  const params = new URLSearchParams(url.slice(q + 1));
  const logged = new URLSearchParams();
  for (const [key, value] of params) {
    logged.append(key, LOGGED_QUERY.get(key)?.test(value) === true ? value : '[Redacted]');
  }
  return scrubString(`${url.slice(0, q)}?${logged.toString()}`);
}

/**
 * The root pino logger: JSON lines, ISO times, and redaction at two levels — pino's `redact`
 * for the known header paths, then {@link scrubSecrets} over every logged object and message.
 *
 * @example
 * ```ts
 * const logger = createRootLogger('info');           // stdout
 * const logger = createRootLogger('debug', stream);  // tests capture the lines
 * ```
 */
export function createRootLogger(level: Level | 'silent', destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'orders-api' },
    timestamp: pino.stdTimeFunctions.isoTime,
    messageKey: 'msg',
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["proxy-authorization"]',
        'res.headers["set-cookie"]',
        'headers.authorization',
        'headers.cookie',
      ],
      censor: '[Redacted]',
    },
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => scrubSecrets(object),
    },
    hooks: {
      logMethod(args, method) {
        // Messages and format arguments too: a token must not slip through a string.
        method.apply(this, args.map((arg) => (typeof arg === 'string' ? scrubString(arg) : arg)) as Parameters<typeof method>);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * `pino-http` options for nestjs-pino: request ids, a quiet per-request child logger (only
 * `reqId` is bound, so audit and app lines carry it), and request/response serializers that
 * keep an allowlist of fields — no headers beyond user agent and content type.
 */
export function pinoHttpOptions(logger: Logger): PinoHttpOptions {
  return {
    logger,
    genReqId: requestIdOf,
    quietReqLogger: true,
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    serializers: {
      req: (req: { id?: unknown; method?: string; url?: string; remoteAddress?: string; headers?: Record<string, unknown> }) => ({
        id: req.id,
        method: req.method,
        url: loggableUrl(req.url),
        remoteAddress: req.remoteAddress,
        userAgent: req.headers?.['user-agent'],
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      err: pino.stdSerializers.err,
    },
  };
}
