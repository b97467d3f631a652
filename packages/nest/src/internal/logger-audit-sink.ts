import { ConsoleLogger, Logger } from '@nestjs/common';
import type { AuditEvent, AuditSink } from '@portcullis/core';

/** What this file reads of Nest's `Logger` statics (present since Nest 8; checked, never assumed). */
interface LoggerStatics {
  staticInstanceRef?: unknown;
  isBufferAttached?: boolean;
}

/**
 * Whether a message sent to a plain `new Logger(context).log()` right now would certainly be
 * dropped. Only two cases are trusted, because in both Nest's own code drops the message:
 * - logging is off (`NestFactory.create(…, { logger: false })`): the static instance is unset;
 * - the application logger is Nest's own `ConsoleLogger` (the default, or `useLogger(['error'])`
 *   levels) and its `log` level is off.
 * Anything else — a custom logger (it decides for itself), a `ConsoleLogger` subclass (it may
 * override `log`), logs being buffered until `app.useLogger()` (`bufferLogs`), or a Nest whose
 * internals look different — counts as enabled, so an event that would be written is always built.
 */
function nestLogLevelOff(): boolean {
  const statics = Logger as unknown as LoggerStatics;
  if (!Object.hasOwn(Logger, 'staticInstanceRef') || statics.isBufferAttached === true) return false;
  const instance = statics.staticInstanceRef;
  if (instance === undefined || instance === null) return true;
  if (Object.getPrototypeOf(instance) !== ConsoleLogger.prototype) return false;
  const console = instance as ConsoleLogger;
  return typeof console.isLevelEnabled === 'function' && !console.isLevelEnabled('log');
}

/**
 * An audit sink writing one line per decision to Nest's `Logger` at `log` level. The event is
 * serialized as JSON, so claim values (subject, tenant) cannot inject line breaks into the log.
 * Events never hold a token; `tokenHash` is a SHA-256, safe to log.
 *
 * With the default logger, the sink tells core (`isEnabled`) when Nest would drop the line
 * (`logger: false`, or the `log` level off), so no event is built or serialised for nothing; the
 * lines that are written are unchanged. A logger passed in is always written to.
 */
export function loggerAuditSink(logger?: Pick<Logger, 'log'>): AuditSink {
  const target = logger ?? new Logger('Portcullis');
  const sink = (event: AuditEvent): void => {
    target.log(`portcullis.decision ${JSON.stringify(event)}`);
  };
  if (logger !== undefined) return sink;
  return Object.assign(sink, { isEnabled: () => !nestLogLevelOff() });
}
