import type { AuditEvent, AuditSink } from '@portcullis/nest';

/** What the audit sink writes to: a pino-like logger (nestjs-pino's `PinoLogger` in the app). */
export interface AuditLogger {
  info(object: object, message: string): void;
}

/**
 * The Portcullis audit sink of this app: one JSON log line per decision, message
 * `portcullis.decision`, under `audit` (who: subject/client/tenant; what: method + route;
 * decision; reason code; the token's id and hash at most). Inside a request the line also
 * carries the request id. A logging failure never changes a decision.
 *
 * @example
 * ```ts
 * PortcullisModule.forRoot({ …, audit: createAuditSink(pinoLogger) });
 * ```
 */
export function createAuditSink(logger: AuditLogger): AuditSink {
  return (event: AuditEvent) => {
    try {
      logger.info({ audit: event }, 'portcullis.decision');
    } catch {
      // Audit must not break the request path.
    }
  };
}
