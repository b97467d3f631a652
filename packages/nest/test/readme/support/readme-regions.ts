/**
 * Reads README code blocks and the `// readme: <name>` … `// readme-end` regions that copy them,
 * for the README specs of this folder (same rules as packages/core/test/readme).
 */
import { readFileSync } from 'node:fs';
import { dedent, importedNamesOf, regions } from '../../../../../test-support/readme-regions.js';

export { dedent };

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

/** The regions of a source file. */
export function regionsOf(file: URL): Region[] {
  try {
    return regions(readFileSync(file, 'utf8')).map((region) => ({ ...region, file }));
  } catch (error) {
    throw new Error(`${file.pathname}: ${(error as Error).message}`, { cause: error });
  }
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
  return importedNamesOf(readFileSync(file, 'utf8'));
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
