/**
 * Reads README code blocks and the `// readme: <name>` … `// readme-end` regions that copy them,
 * for the README specs of this folder (same rules as packages/core/test/readme).
 */
import { readFileSync } from 'node:fs';

/** A region of a source file, between `// readme: <name>` and `// readme-end`, dedented. */
export interface Region {
  readonly name: string;
  readonly body: string;
  /** The file the region is written in. */
  readonly file: URL;
}

/** A ```ts block of a README: its body without import lines (dedented), and its import lines. */
export interface ReadmeBlock {
  readonly index: number;
  readonly body: string;
  readonly imports: readonly string[];
}

/** Removes the common indentation of the non-blank lines, and blank lines around. */
export function dedent(lines: readonly string[]): string {
  const indents = lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length);
  const cut = indents.length === 0 ? 0 : Math.min(...indents);
  return lines
    .map((l) => l.slice(cut))
    .join('\n')
    .trim();
}

/** The regions of a source file. */
export function regionsOf(file: URL): Region[] {
  const found: Region[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = /^\s*\/\/ readme: (\S+)$/.exec(lines[i]!);
    if (!start) continue;
    const end = lines.findIndex((l, j) => j > i && /^\s*\/\/ readme-end$/.test(l));
    if (end === -1) throw new Error(`${file.pathname}: region ${start[1]} has no // readme-end`);
    found.push({ name: start[1]!, body: dedent(lines.slice(i + 1, end)), file });
    i = end;
  }
  return found;
}

/**
 * The ```ts blocks of a markdown text. Blocks inside list items are indented: each block is
 * dedented first, then split into import lines and body.
 */
export function tsBlocksOf(markdown: string): ReadmeBlock[] {
  return [...markdown.matchAll(/^([ \t]*)```ts\n([\s\S]*?)^[ \t]*```$/gm)].map((match, index) => {
    const lines = dedent(match[2]!.split('\n')).split('\n');
    return {
      index: index + 1,
      body: dedent(lines.filter((l) => !l.startsWith('import '))),
      imports: lines.filter((l) => l.startsWith('import ')),
    };
  });
}

/** `module → names` a source file imports, value or type (multi-line imports and `type` modifiers included). */
export function importedNames(file: URL): Map<string, Set<string>> {
  const imports = new Map<string, Set<string>>();
  const source = readFileSync(file, 'utf8');
  for (const match of source.matchAll(/^import (?:type )?\{([^}]*)\} from '([^']+)';$/gms)) {
    const names = imports.get(match[2]!) ?? new Set<string>();
    for (const name of match[1]!.split(',')) {
      const clean = name.replace(/^\s*type\s+/, '').trim();
      if (clean !== '') names.add(clean);
    }
    imports.set(match[2]!, names);
  }
  return imports;
}

const IMPORT_LINE = /^import (type )?\{([^}]*)\} from '([^']+)';$/;

/** `[module, name]` pairs of a README import line (`null` when the line is not a named import). */
export function namesOfImportLine(line: string): [module: string, name: string][] | null {
  const match = IMPORT_LINE.exec(line);
  if (!match) return null;
  return match[2]!
    .split(',')
    .map((n) => n.replace(/^\s*type\s+/, '').trim())
    .filter((n) => n !== '')
    .map((name) => [match[3]!, name]);
}
