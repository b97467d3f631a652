/**
 * Reading the Markdown tables of a README: the rows of the first table after a heading, split
 * into cells, and the names a cell lists in backticks.
 */

/** The cells of one table line (`\|` is a pipe inside a cell). */
export function tableCells(line: string): string[] {
  return line
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((c) => c.trim().replaceAll('\\|', '|'));
}

/**
 * The body rows of the first table after the heading line `heading` (exact text, e.g.
 * `## Errors`), each as its cells. Throws when there is no such heading or table.
 */
export function tableAfter(markdown: string, heading: string): string[][] {
  const lines = markdown.split('\n');
  const at = lines.indexOf(heading);
  if (at === -1) throw new Error(`README has no heading ${heading}`);
  const start = lines.findIndex((l, i) => i > at && l.startsWith('|'));
  const nextHeading = lines.findIndex((l, i) => i > at && /^#{1,6} /.test(l));
  if (start === -1 || (nextHeading !== -1 && start > nextHeading)) throw new Error(`no table under ${heading}`);
  const rows: string[][] = [];
  for (let i = start + 2; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(tableCells(lines[i]!));
  return rows;
}

/** The texts a cell puts in backticks, in order. */
export function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

/** The row whose first cell lists `name` in backticks (alone or among `a` / `b` …), or undefined. */
export function rowNaming(rows: readonly string[][], name: string): string[] | undefined {
  return rows.find((cells) => codeSpans(cells[0] ?? '').includes(name));
}
