import type { AuthorizationMatrixResult } from './authorization-matrix-result.js';

/**
 * Thrown by `authorizationMatrix()` when at least one cell differs from the table: a test
 * assertion failure (like Node's `AssertionError`), not a Portcullis runtime error. Its message is
 * the whole grid plus one line per mismatch, so one failed test shows every wrong cell at once;
 * `result` holds the cells for further checks.
 *
 * @example
 * ```ts
 * try {
 *   await authorizationMatrix(options);
 * } catch (error) {
 *   if (error instanceof AuthorizationMatrixError) console.log(error.result.toMarkdown());
 *   throw error;
 * }
 * ```
 */
export class AuthorizationMatrixError extends Error {
  override readonly name = 'AuthorizationMatrixError';

  constructor(readonly result: AuthorizationMatrixResult) {
    super(result.toString());
  }
}
