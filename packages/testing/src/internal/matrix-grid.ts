import type { MatrixCell, ObservedOutcome } from '../matrix/authorization-matrix-result.js';

/** Text of an expectation or answer: `403 ERR_INSUFFICIENT_SCOPE`, `200`, `error`. */
function describeExpected(expected: MatrixCell['expected']): string {
  return expected.code === undefined ? String(expected.status) : `${expected.status} ${expected.code}`;
}

function describeActual(actual: ObservedOutcome, expected: MatrixCell['expected']): string {
  if (actual.error !== undefined) return 'error';
  // The code is shown when the table names one, or when the status already differs (it tells why).
  const showCode = actual.code !== undefined && (expected.code !== undefined || actual.status !== expected.status);
  return showCode ? `${actual.status} ${actual.code}` : String(actual.status);
}

/** `✓ 200`, `✗ 404→200`, `✗ 401 (WWW-Authenticate differs)`, or `·` for a cell that was not requested. */
export function cellText(cell: MatrixCell | undefined): string {
  if (!cell) return '·';
  const expected = describeExpected(cell.expected);
  if (cell.ok) return `✓ ${expected}`;
  const actual = describeActual(cell.actual, cell.expected);
  const onlyHeader = actual === expected;
  return onlyHeader ? `✗ ${expected} (WWW-Authenticate differs)` : `✗ ${expected}→${actual}`;
}

/** One line per mismatch, with everything that differs. */
export function mismatchLine(cell: MatrixCell): string {
  const { expected, actual } = cell;
  const want: string[] = [describeExpected(expected)];
  if (expected.wwwAuthenticate !== undefined) want.push(`WWW-Authenticate ${JSON.stringify(expected.wwwAuthenticate)}`);
  let got: string;
  if (actual.error !== undefined) {
    got = `no answer (${actual.error})`;
  } else {
    got = actual.code === undefined ? String(actual.status) : `${actual.status} ${actual.code}`;
    if (expected.wwwAuthenticate !== undefined) got += `, WWW-Authenticate ${JSON.stringify(actual.wwwAuthenticate)}`;
  }
  return `✗ ${cell.route} × ${cell.principal}: expected ${want.join(', ')}; got ${got}`;
}

const width = (text: string): number => [...text].length;
const pad = (text: string, size: number): string => text + ' '.repeat(Math.max(0, size - width(text)));

/** The grid as aligned text: a header row of principals, one row per route. */
export function textGrid(
  routes: readonly string[],
  principals: readonly string[],
  cell: (route: string, principal: string) => MatrixCell | undefined,
): string {
  const rows = routes.map((route) => [route, ...principals.map((p) => cellText(cell(route, p)))]);
  const header = ['', ...principals];
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]!))));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => pad(c, widths[i]!))
      .join(' │ ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('─┼─');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

const escapeMarkdown = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');

/** The grid as a Markdown table. */
export function markdownGrid(
  routes: readonly string[],
  principals: readonly string[],
  cell: (route: string, principal: string) => MatrixCell | undefined,
): string {
  const row = (cells: readonly string[]): string => `| ${cells.map(escapeMarkdown).join(' | ')} |`;
  return [
    row(['route', ...principals]),
    `| ${['---', ...principals.map(() => ':---:')].join(' | ')} |`,
    ...routes.map((route) => row([`\`${route}\``, ...principals.map((p) => cellText(cell(route, p)))])),
  ].join('\n');
}
