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

// Per-event work is memoised: an API audits the same few subjects, routes, methods and reasons
// over and over, and sanitising a field (four regular expressions) or formatting a time costs more
// than the rest of the event. Both functions are pure, so a memoised answer is exactly the answer.

/** Inputs longer than this are sanitised every time (they are rare: details, odd values). */
const MEMO_INPUT_MAX = 256;
/** Distinct inputs remembered; the memo is emptied when it is full (bounded memory, no LRU cost). */
const MEMO_ENTRIES = 1024;
/**
 * Strings that sanitise to themselves. Only those are remembered: a value the sanitiser had to
 * change (a redacted token, a query string, control characters) is never kept in memory.
 */
const cleanText = new Set<string>();
const cleanRoutes = new Set<string>();

function rememberClean(memo: Set<string>, input: string, output: string | undefined): string | undefined {
  if (output === input && input.length <= MEMO_INPUT_MAX) {
    if (memo.size >= MEMO_ENTRIES) memo.clear();
    memo.add(input);
  }
  return output;
}

/** `auditText`, memoised for clean strings. */
function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return cleanText.has(value) ? value : rememberClean(cleanText, value, auditText(value));
}

/** `auditRoute`, memoised for clean strings. */
function route(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return cleanRoutes.has(value) ? value : rememberClean(cleanRoutes, value, auditRoute(value));
}

/** The last time formatted, and its text: requests within the same millisecond share it. */
let lastTimeMs = Number.NaN;
let lastTimeText = '';

function isoTime(nowMs: number): string {
  if (nowMs === lastTimeMs) return lastTimeText;
  // Throws a RangeError for a non-finite clock, as before; nothing is remembered then.
  const formatted = new Date(nowMs).toISOString();
  lastTimeMs = nowMs;
  lastTimeText = formatted;
  return formatted;
}

const TOKEN_HASH = /^[A-Za-z0-9_-]{16,128}$/;
/** The last token hash that passed the shape check (a repeated token sends the same hash). */
let lastTokenHash = '';

/** A token hash is base64url SHA-256 (43 chars): anything else is not a hash and is dropped. */
function tokenHashField(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (value === lastTokenHash) return value;
  if (!TOKEN_HASH.test(value)) return undefined;
  lastTokenHash = value;
  return value;
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
    time: isoTime(nowMs),
    decision,
    reason: text(fields.reason) ?? (decision === 'allow' ? 'ALLOW' : 'ERR_INTERNAL'),
  };
  // Same fields, same order as ever: empty values are left out.
  let value = text(fields.subject);
  if (value) event.subject = value;
  value = text(fields.clientId);
  if (value) event.clientId = value;
  value = text(fields.tenant);
  if (value) event.tenant = value;
  value = text(fields.tokenId);
  if (value) event.tokenId = value;
  value = tokenHashField(fields.tokenHash);
  if (value) event.tokenHash = value;
  value = text(fields.method);
  if (value) event.method = value;
  value = route(fields.route);
  if (value) event.route = value;
  value = text(fields.detail);
  if (value) event.detail = value;
  return Object.freeze(event) as unknown as AuditEvent;
}

/**
 * Whether a sink wants events right now: its optional `isEnabled()` answered `false` means no.
 * A sink without the check, or whose check throws, is enabled (see {@link AuditSink}).
 *
 * @example
 * ```ts
 * if (isAuditSinkEnabled(sink)) emitAuditEvent(sink, createAuditEvent(fields));
 * ```
 */
export function isAuditSinkEnabled(sink: AuditSink | undefined): sink is AuditSink {
  if (typeof sink !== 'function') return false;
  const isEnabled = sink.isEnabled;
  if (typeof isEnabled !== 'function') return true;
  try {
    return isEnabled.call(sink) !== false;
  } catch {
    return true;
  }
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
