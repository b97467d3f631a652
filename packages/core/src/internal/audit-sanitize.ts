/** Longest string copied into an audit event field; longer values are cut (log-flooding guard). */
export const AUDIT_FIELD_MAX = 256;

// Something shaped like a compact JWS/JWE (`eyJ…` header, dot, payload …). Audit events must never
// carry a token (SPEC A55), even when a caller passes a raw URL or an error text that contains one.
const JWT_LIKE = /eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){0,3}/g;
// `access_token=…` in a query string or a form body (RFC 6750 §2.2/§2.3) and `Bearer <token>`.
const TOKEN_PARAM = /(access_token|id_token|refresh_token)=[^&\s#]*/gi;
const BEARER = /\b(Bearer|DPoP)\s+[A-Za-z0-9._~+/=-]+/gi;

// Characters that could forge, break or disguise a log line, each replaced with a space: C0 and
// C1 controls (CR, LF, ESC; NEL U+0085 and the 8-bit CSI U+009B), the Unicode line and paragraph
// separators (line breaks for many log viewers and JSON-lines readers) and the bidi controls that
// reorder what a reader sees (U+061C, U+200E/F, U+202A–E, U+2066–9: "Trojan Source").
// eslint-disable-next-line no-control-regex
const LOG_BREAKERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

// Every trigger of the four replacements of `redactAuditText`, in one case-insensitive test: "eyJ"
// (JWT_LIKE needs it; the i flag only widens the net), "=" (TOKEN_PARAM needs it), "bearer" or
// "dpop" (BEARER needs one) and a LOG_BREAKERS character. A value without any of them passes all
// four unchanged, so it can be returned as is.
const MIGHT_NEED_REDACTION =
  // eslint-disable-next-line no-control-regex
  /eyj|=|bearer|dpop|[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/i;

/**
 * Makes a value safe for an audit field: strings only, token-shaped substrings redacted, control,
 * line-separator and bidi characters replaced (no forged or disguised log lines), length capped. Returns undefined for non-strings.
 *
 * Real fields (a subject, a client id, `GET`, `/orders/:id`) contain none of the redactions'
 * triggers: one combined test sends them straight to the cap, everything else through the full
 * redaction. The output is the same for every input (the test suite checks it property-based).
 */
export function auditText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return MIGHT_NEED_REDACTION.test(value) ? redactAuditText(value) : capAuditText(value);
}

/** The full redaction of {@link auditText}, for any string. Exported for the equivalence test. */
export function redactAuditText(value: string): string {
  let text = value
    .replace(JWT_LIKE, '[redacted]')
    .replace(TOKEN_PARAM, '$1=[redacted]')
    .replace(BEARER, '$1 [redacted]');
  text = text.replace(LOG_BREAKERS, ' ');
  return capAuditText(text);
}

function capAuditText(text: string): string {
  if (text.length <= AUDIT_FIELD_MAX) return text;
  // Never end on the first half of a surrogate pair: a lone surrogate is not valid UTF-8/JSON text.
  const last = text.charCodeAt(AUDIT_FIELD_MAX - 1);
  const end = last >= 0xd800 && last <= 0xdbff ? AUDIT_FIELD_MAX - 1 : AUDIT_FIELD_MAX;
  return `${text.slice(0, end)}…`;
}

/** A route for the audit log: the path without query string or fragment (queries may hold tokens). */
export function auditRoute(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const cut = value.search(/[?#]/);
  return auditText(cut === -1 ? value : value.slice(0, cut));
}
