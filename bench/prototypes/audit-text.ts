// PROTOTYPE (bench only; now shipped in core, internal/audit-sanitize.ts): a fast path for the
// audit-field sanitiser. Before it, every field of every
// audit event went through four regex replacements (JWT-shaped text, token parameters, Bearer
// credentials, control characters). Almost every real field (a subject, a client id, "GET",
// "/orders/:id") contains none of their triggers, and one combined test proves that: then the
// value is returned as is (capped). Anything that might match takes the full path, unchanged.

/** Same limit as core's AUDIT_FIELD_MAX. */
const MAX = 256;

// Replica of core's src/internal/audit-sanitize.ts `auditText` (kept here to time it side by side).
const JWT_LIKE = /eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){0,3}/g;
const TOKEN_PARAM = /(access_token|id_token|refresh_token)=[^&\s#]*/gi;
const BEARER = /\b(Bearer|DPoP)\s+[A-Za-z0-9._~+/=-]+/gi;

/** The shipped algorithm (replica). */
export function auditTextReplica(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  let text = value
    .replace(JWT_LIKE, '[redacted]')
    .replace(TOKEN_PARAM, '$1=[redacted]')
    .replace(BEARER, '$1 [redacted]');
  // eslint-disable-next-line no-control-regex
  text = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return text.length > MAX ? `${text.slice(0, MAX)}…` : text;
}

// Every trigger of the four replacements, in one case-insensitive test: "eyJ" (JWT_LIKE needs it;
// the i flag only widens the net), "=" (TOKEN_PARAM needs it), "bearer"/"dpop" (BEARER needs one),
// a control character.
// eslint-disable-next-line no-control-regex
const MIGHT_NEED_WORK = /eyj|=|bearer|dpop|[\u0000-\u001f\u007f]/i;

/**
 * Same output as the shipped `auditText` for every input (a value without any trigger is returned
 * by both unchanged, capped); cheaper for the common case.
 *
 * @example
 * ```ts
 * auditTextFast('alice'); // 'alice' after one RegExp test
 * ```
 */
export function auditTextFast(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (!MIGHT_NEED_WORK.test(value)) return value.length > MAX ? `${value.slice(0, MAX)}…` : value;
  return auditTextReplica(value);
}
