import type { PortcullisErrorCode } from '../errors/portcullis-error.js';

/**
 * One structured record per authorization decision. Never contains a token: at most its hash.
 *
 * @example
 * ```ts
 * const sink: AuditSink = (e) => logger.info(e, 'portcullis.decision');
 * ```
 */
export interface AuditEvent {
  readonly type: 'portcullis.decision';
  /** ISO-8601 UTC time. */
  readonly time: string;
  readonly decision: 'allow' | 'deny';
  /** `ALLOW` (or a rule's allow reason) for allows, the error code for denials. */
  readonly reason: PortcullisErrorCode | string;
  readonly subject?: string;
  readonly clientId?: string;
  readonly tenant?: string;
  /** `jti` of the token, if any. */
  readonly tokenId?: string;
  /** Base64url SHA-256 of the token, if any. */
  readonly tokenHash?: string;
  readonly method?: string;
  readonly route?: string;
  /** Extra non-secret detail (e.g. which claim failed). */
  readonly detail?: string;
}

/**
 * Receives audit events. Must not throw; a throwing sink is ignored so it cannot change a decision.
 *
 * A sink may carry an optional `isEnabled()` check: it is asked before each event is built, and
 * when it answers `false` (the sink would drop the event right now, e.g. its log level is off) no
 * event is built or sent. Events that are sent are the same either way. A check that throws or
 * answers anything but `false` counts as enabled, so a broken check can only cost time, never an
 * event.
 *
 * @example
 * ```ts
 * const sink: AuditSink = (e) => logger.info(e, 'portcullis.decision');
 * const quiet: AuditSink = Object.assign((e: AuditEvent) => logger.debug(e), { isEnabled: () => logger.isLevelEnabled('debug') });
 * ```
 */
export interface AuditSink {
  (event: AuditEvent): void;
  /** `false` when the sink would drop an event built now: core then skips building it. @default always enabled */
  readonly isEnabled?: () => boolean;
}
