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

/** Receives audit events. Must not throw; a throwing sink is ignored so it cannot change a decision. */
export type AuditSink = (event: AuditEvent) => void;
