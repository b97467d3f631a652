/** Keys whose values are never logged: tokens, secrets, passwords, credentials, cookies. */
const SECRET_KEY = /token|secret|password|passwd|authorization|cookie|credential|api[-_]?key|private[-_]?key/i;
/** Keys that match {@link SECRET_KEY} but hold no secret: a token's id and its SHA-256 hash. */
const SAFE_KEYS: ReadonlySet<string> = new Set(['tokenId', 'tokenHash']);
/** A compact JWS/JWT anywhere in a string (header and payload start with `eyJ`, i.e. `{"`). */
const JWT_LIKE = /eyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;

export const REDACTED = '[Redacted]';
const MAX_DEPTH = 8;

/**
 * Returns a copy of a log value with secrets removed: the value of any key that names a
 * secret (`authorization`, `cookie`, `*token*`, `*secret*`, `password` …) becomes `[Redacted]`,
 * and anything shaped like a JWT inside a string becomes `[Redacted]` too — a second net for a
 * token pasted into a message, a URL or an error. Plain objects and arrays are walked (to a
 * depth of 8); other objects are kept as they are.
 *
 * @example
 * ```ts
 * scrubSecrets({ headers: { authorization: 'Bearer eyJ…' } }); // { headers: { authorization: '[Redacted]' } }
 * ```
 */
export function scrubSecrets<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return scrubString(value) as T;
  if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => scrubSecrets(item, depth + 1)) as T;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    if (value instanceof Error) {
      return { type: value.name, message: scrubString(value.message), stack: value.stack && scrubString(value.stack) } as T;
    }
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && !SAFE_KEYS.has(key) && item !== undefined && item !== null ? REDACTED : scrubSecrets(item, depth + 1);
  }
  return out as T;
}

/** Replaces JWT-shaped substrings. */
export function scrubString(value: string): string {
  return value.includes('eyJ') ? value.replace(JWT_LIKE, REDACTED) : value;
}
