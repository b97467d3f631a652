import { Logger } from '@nestjs/common';
import type { AuditSink } from '@portcullis/core';

/**
 * An audit sink writing one line per decision to Nest's `Logger` at `log` level. The event is
 * serialized as JSON, so claim values (subject, tenant) cannot inject line breaks into the log.
 * Events never hold a token; `tokenHash` is a SHA-256, safe to log.
 */
export function loggerAuditSink(logger: Pick<Logger, 'log'> = new Logger('Portcullis')): AuditSink {
  return (event) => {
    logger.log(`portcullis.decision ${JSON.stringify(event)}`);
  };
}
