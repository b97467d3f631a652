/** Node socket errors that mean "could not reach the other side". */
const NETWORK_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Whether an error (or one of its causes) says a dependency — the database — is unavailable,
 * rather than that the request or the code is wrong: connection errors, PostgreSQL SQLSTATE
 * classes 08 (connection exception) and 57P (operator intervention: shutdown, too many
 * connections is 53300), pg's pool timeouts, and a closed database handle (embedded instance
 * closed, or requests still in flight while the app shuts down). Such errors are
 * answered 503 + `Retry-After` instead of 500.
 *
 * @example
 * ```ts
 * isDependencyUnavailable(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })); // true
 * ```
 */
export function isDependencyUnavailable(error: unknown, depth = 0): boolean {
  if (error === null || typeof error !== 'object' || depth > 5) return false;
  const { code, message, cause, errors } = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || /^08|^57P0|^53300$/.test(code))) return true;
  if (typeof message === 'string' && /PGlite is closed|Connection terminated|timeout exceeded when trying to connect|Cannot use a pool after calling end|driver has already been destroyed/i.test(message)) {
    return true;
  }
  if (Array.isArray(errors) && errors.some((e) => isDependencyUnavailable(e, depth + 1))) return true;
  return isDependencyUnavailable(cause, depth + 1);
}
