/**
 * What one request of the matrix got back.
 *
 * @example
 * ```ts
 * const observed: ObservedOutcome = { status: 403, code: 'ERR_INSUFFICIENT_SCOPE', wwwAuthenticate: 'Bearer realm="orders", error="insufficient_scope", …' };
 * const failed: ObservedOutcome = { status: 0, wwwAuthenticate: null, error: 'TimeoutError' };
 * ```
 */
export interface ObservedOutcome {
  /** The HTTP status; `0` when no answer arrived (see `error`). */
  readonly status: number;
  /** The `code` member of a JSON body, when it is a string. */
  readonly code?: string;
  /** The `WWW-Authenticate` header, or `null` when absent. */
  readonly wwwAuthenticate: string | null;
  /** Why no answer arrived (connection refused, time limit …); the request URL is never included. */
  readonly error?: string;
}

/**
 * One requested cell of the matrix (row × column).
 *
 * @example
 * ```ts
 * const cell: MatrixCell = result.cell('GET /orders/:id', 'bob')!;
 * expect(cell.actual.status).toBe(404);
 * ```
 */
export interface MatrixCell<P extends string = string> {
  /** The row name (see `MatrixRoute.name`). */
  readonly route: string;
  readonly principal: P;
  readonly method: string;
  /** The full URL requested. */
  readonly url: string;
  /** The expectation, normalised (`'403 ERR_X'` → `{ status: 403, code: 'ERR_X' }`). */
  readonly expected: { readonly status: number; readonly code?: string; readonly wwwAuthenticate?: string | null };
  readonly actual: ObservedOutcome;
  /** Status, and `code` / `WWW-Authenticate` where expected, all match. */
  readonly ok: boolean;
}

/**
 * The outcome of {@link authorizationMatrix}: every requested cell, the mismatches, and the grid
 * as text or Markdown.
 *
 * @example
 * ```ts
 * const result = await authorizationMatrix({ ...options, throwOnMismatch: false });
 * console.log(result.toString());            // the grid: ✓ 200 / ✗ 404→200
 * await writeFile('docs/access.md', result.toMarkdown());
 * ```
 */
export interface AuthorizationMatrixResult<P extends string = string> {
  /** `true` when every requested cell matched. */
  readonly ok: boolean;
  /** Row names, in order. */
  readonly routes: readonly string[];
  /** Column names, in order. */
  readonly principals: readonly P[];
  /** Every requested cell, row by row. */
  readonly cells: readonly MatrixCell<P>[];
  /** The cells that did not match. */
  readonly mismatches: readonly MatrixCell<P>[];
  /** The cell of a row and a column, or `undefined` when it was not requested. */
  cell(route: string, principal: P): MatrixCell<P> | undefined;
  /**
   * The grid as aligned text (rows = routes, columns = principals; `✓ expected`,
   * `✗ expected→actual`, `·` not requested), followed by one line per mismatch.
   */
  toString(): string;
  /** The grid as a Markdown table (same cells as {@link AuthorizationMatrixResult.toString}). */
  toMarkdown(): string;
}
