/** Longest string copied into an audit event field; longer values are cut (log-flooding guard). */
export const AUDIT_FIELD_MAX = 256;

// Something shaped like a compact JWS/JWE (`eyJ…` header, dot, payload …). Audit events must never
// carry a token (SPEC A55), even when a caller passes a raw URL or an error text that contains one.
const JWT_LIKE = /eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){0,3}/g;
// `access_token=…` in a query string or a form body (RFC 6750 §2.2/§2.3) and `Bearer <token>`.
const TOKEN_PARAM = /(access_token|id_token|refresh_token)=[^&\s#]*/gi;
const BEARER = /\b(Bearer|DPoP)\s+[A-Za-z0-9._~+/=-]+/gi;

/**
 * Makes a value safe for an audit field: strings only, token-shaped substrings redacted, control
 * characters replaced (no forged log lines), length capped. Returns undefined for non-strings.
 */
export function auditText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  let text = value
    .replace(JWT_LIKE, '[redacted]')
    .replace(TOKEN_PARAM, '$1=[redacted]')
    .replace(BEARER, '$1 [redacted]');
  // eslint-disable-next-line no-control-regex
  text = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return text.length > AUDIT_FIELD_MAX ? `${text.slice(0, AUDIT_FIELD_MAX)}…` : text;
}

/** A route for the audit log: the path without query string or fragment (queries may hold tokens). */
export function auditRoute(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const cut = value.search(/[?#]/);
  return auditText(cut === -1 ? value : value.slice(0, cut));
}
