import type { PortcullisErrorCode } from '../errors/portcullis-error.js';
import { PortcullisError } from '../errors/portcullis-error.js';
import { auditRoute, auditText } from '../internal/audit-sanitize.js';
import type { Principal } from '../principal/principal.js';
import type { AuditEvent, AuditSink } from './audit-event.js';

/**
 * Fields of an audit event before sanitising. Every field is optional except the decision.
 *
 * @example
 * ```ts
 * const fields: AuditEventFields = { decision: 'deny', reason: 'ERR_TOKEN_EXPIRED', route: '/orders/:id' };
 * ```
 */
export interface AuditEventFields {
  readonly decision: 'allow' | 'deny';
  readonly reason?: PortcullisErrorCode | string;
  readonly subject?: string;
  readonly clientId?: string;
  readonly tenant?: string;
  readonly tokenId?: string;
  readonly tokenHash?: string;
  readonly method?: string;
  readonly route?: string;
  readonly detail?: string;
}

/**
 * Builds a frozen {@link AuditEvent}. Only the known fields are copied, each must be a string,
 * token-shaped text is redacted, `route` loses its query string (it may carry `access_token`),
 * and long values are capped — so an event can be logged as it is and never leaks a token.
 * `reason` defaults to `ALLOW` / `ERR_INTERNAL`.
 *
 * @example
 * ```ts
 * const event = createAuditEvent({ decision: 'allow', subject: 'alice', route: '/orders/:id' }, Date.now());
 * // { type: 'portcullis.decision', time: '2026-…Z', decision: 'allow', reason: 'ALLOW', subject: 'alice', route: '/orders/:id' }
 * ```
 */
export function createAuditEvent(fields: AuditEventFields, nowMs: number = Date.now()): AuditEvent {
  const decision = fields.decision === 'allow' ? 'allow' : 'deny';
  const event: Record<string, string> = {
    type: 'portcullis.decision',
    time: new Date(nowMs).toISOString(),
    decision,
    reason: auditText(fields.reason) ?? (decision === 'allow' ? 'ALLOW' : 'ERR_INTERNAL'),
  };
  const copy = (name: keyof AuditEventFields, value: string | undefined): void => {
    if (value !== undefined && value !== '') event[name] = value;
  };
  copy('subject', auditText(fields.subject));
  copy('clientId', auditText(fields.clientId));
  copy('tenant', auditText(fields.tenant));
  copy('tokenId', auditText(fields.tokenId));
  // A token hash is base64url SHA-256 (43 chars): anything else is not a hash and is dropped.
  copy(
    'tokenHash',
    typeof fields.tokenHash === 'string' && /^[A-Za-z0-9_-]{16,128}$/.test(fields.tokenHash)
      ? fields.tokenHash
      : undefined,
  );
  copy('method', auditText(fields.method));
  copy('route', auditRoute(fields.route));
  copy('detail', auditText(fields.detail));
  return Object.freeze(event) as unknown as AuditEvent;
}

/**
 * The audit fields describing a principal (subject, client id, tenant, `jti`).
 *
 * @example
 * ```ts
 * createAuditEvent({ decision: 'allow', ...principalAuditFields(principal) });
 * ```
 */
export function principalAuditFields(
  principal: Principal | undefined,
): Pick<AuditEventFields, 'subject' | 'clientId' | 'tenant' | 'tokenId'> {
  if (!principal) return {};
  return {
    subject: principal.subject,
    clientId: principal.clientId,
    tenant: principal.tenant,
    tokenId: principal.tokenId,
  };
}

/**
 * The reason code and detail for a denial: the error's code for a `PortcullisError`, else
 * `ERR_INTERNAL`. The detail names a failing claim (never its value) or uses the error's log-only
 * reason.
 *
 * @example
 * ```ts
 * denialAuditFields(new PortcullisError('ERR_CLAIM_INVALID', { claim: 'aud' })); // { reason: 'ERR_CLAIM_INVALID', detail: 'claim aud' }
 * ```
 */
export function denialAuditFields(error: unknown, detail?: string): Pick<AuditEventFields, 'reason' | 'detail'> {
  if (!(error instanceof PortcullisError)) return { reason: 'ERR_INTERNAL', detail: detail ?? 'unexpected error' };
  const parts = [detail ?? error.reason, error.claim === undefined ? undefined : `claim ${error.claim}`].filter(
    (p): p is string => typeof p === 'string' && p !== '',
  );
  return { reason: error.code, detail: parts.length ? parts.join('; ') : undefined };
}

/**
 * Sends an event to a sink; a throwing sink is ignored so that logging can never change a
 * decision or crash a request.
 *
 * @example
 * ```ts
 * emitAuditEvent((e) => logger.info(e), createAuditEvent({ decision: 'deny', reason: 'ERR_NOT_FOUND' }));
 * ```
 */
export function emitAuditEvent(sink: AuditSink | undefined, event: AuditEvent): void {
  if (typeof sink !== 'function') return;
  try {
    const result: unknown = sink(event);
    // An async sink's rejection must not become an unhandled rejection either.
    if (typeof (result as PromiseLike<unknown> | null)?.then === 'function')
      Promise.resolve(result).catch(() => undefined);
  } catch {
    // Swallowed on purpose (AuditSink contract).
  }
}
